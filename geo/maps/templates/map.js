/* newsmap client: draws the events of the JSON block #newsmap-data into the layers folium made.
   Popup HTML was rendered (and escaped) on the server by an autoescaped Jinja template; every other
   string from an article is set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("newsmap-config").textContent);
  var data = JSON.parse(document.getElementById("newsmap-data").textContent);
  var map = window[cfg.map];
  var groups = {};
  Object.keys(cfg.groups).forEach(function (k) { groups[k] = window[cfg.groups[k]]; });
  map.attributionControl.addAttribution(cfg.attribution);

  if (data.basemap) {
    map.createPane("nm-basemap");
    map.getPane("nm-basemap").style.zIndex = 150;
    map.getContainer().style.background = "#cfe3f0";
    L.geoJSON(data.basemap, {pane: "nm-basemap", interactive: false,
      style: {color: "#8a8a8a", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1}}).addTo(map);
  }

  map.createPane("nm-areas");
  map.getPane("nm-areas").style.zIndex = 390;  // under the markers (overlayPane, 400), over the basemap
  var hollow = {planned: 1, threatened: 1, claimed: 1, denied: 1};
  // A popup is the event's item in the list view: HTML escaped on the server, one copy in the page.
  function popup(i) { return function () { return document.getElementById("nm-e" + i).innerHTML; }; }
  // Tooltips get an element with textContent: Leaflet would parse a string as HTML.
  function text(s) { var span = document.createElement("span"); span.textContent = s; return span; }
  var drawn = [];   // {layer, group, date, kind, category, subtype, name}
  var shared = {};  // "lat,lon" -> markers there
  var batches = [];  // [group, layers]: a cluster group takes thousands of markers at once far faster
  function pending(group) {
    for (var k = 0; k < batches.length; k++) { if (batches[k][0] === group) { return batches[k][1]; } }
    batches.push([group, []]);
    return batches[batches.length - 1][1];
  }
  var byName = {};  // place name -> first layer there, for the search box

  data.events.forEach(function (e) {
    var group = groups[e.c];
    if (!group) { return; }
    var colour = data.colours[e.c];
    if (e.s !== null && e.s !== undefined && data.shapes[e.s]) {
      var area = L.geoJSON(data.shapes[e.s], {style: {color: colour, weight: 2, fillColor: colour,
        fillOpacity: hollow[e.st] ? 0.08 : 0.22, dashArray: hollow[e.st] ? "6 4" : null,
        className: "nm-area nm-cat-" + e.c}, pane: "nm-areas"});
      area.bindPopup(popup(e.i), {maxWidth: 340});
      pending(group).push(area);
      drawn.push({layer: area, group: group, date: e.d, kind: "area", category: e.c, subtype: e.u, name: e.n});
    }
    var marker = L.circleMarker([e.y, e.x], {radius: e.p === 1 ? 7 : (e.p === 2 ? 8 : 9), color: "#222", weight: 1.5,
      fillColor: colour, fillOpacity: hollow[e.st] ? 0.25 : 0.9, dashArray: hollow[e.st] ? "3 2" : null,
      className: "nm-marker nm-cat-" + e.c});
    marker.bindPopup(popup(e.i), {maxWidth: 340});
    marker.bindTooltip(text((data.labels[e.u] || "") + ": " + (e.n || "unlocated")));
    pending(group).push(marker);
    drawn.push({layer: marker, group: group, date: e.d, kind: "marker", category: e.c, subtype: e.u, name: e.n});
    if (!group.addLayers) {  // a cluster group spiderfies pins that share a place by itself
      var key = e.y + "," + e.x;
      (shared[key] = shared[key] || []).push(marker);
    }
    if (e.n && !byName[e.n]) { byName[e.n] = marker; }
  });

  batches.forEach(function (b) {
    if (b[0].addLayers) { b[0].addLayers(b[1]); } else { b[1].forEach(function (l) { b[0].addLayer(l); }); }
  });

  var mentions = cfg.mentions ? window[cfg.mentions] : null;
  if (mentions) {
    data.mentions.forEach(function (m) {
      var dot = L.circleMarker([m.y, m.x], {radius: 4, color: "#555", weight: 1, fillColor: "#fff", fillOpacity: 0.9,
        className: "nm-mention"});
      dot.bindTooltip(text(m.n));
      mentions.addLayer(dot);
      if (!byName[m.n]) { byName[m.n] = dot; }
    });
  }

  var search = document.getElementById("nm-search");
  if (search) {
    search.addEventListener("change", function () {
      var target = byName[search.value];
      if (!target) { return; }
      map.setView(target.getLatLng(), Math.max(map.getZoom(), 6));
      if (target.getPopup()) { target.openPopup(); } else { target.openTooltip(); }
    });
  }

  // Pins that share a place sit on a ring a few pixels wide around it, at every zoom.
  function spread() {
    var z = map.getZoom();
    Object.keys(shared).forEach(function (key) {
      var list = shared[key];
      if (list.length < 2) { return; }
      var base = L.latLng(key.split(",").map(Number)), centre = map.project(base, z);
      list.forEach(function (marker, j) {
        var ring = 12 * (1 + Math.floor(j / 8)), angle = 2 * Math.PI * (j % 8) / Math.min(8, list.length);
        marker.setLatLng(map.unproject(centre.add([ring * Math.cos(angle), ring * Math.sin(angle)]), z));
      });
    });
  }
  map.on("zoomend", spread);

  // Filters: sub-type boxes in the legend and the date slider; a layer's own box still hides it all.
  var hiddenSubtypes = {}, limit = null;
  function refresh() {
    drawn.forEach(function (d) {
      var show = !hiddenSubtypes[d.subtype] && (!limit || !d.date || d.date <= limit);
      if (show && !d.group.hasLayer(d.layer)) { d.group.addLayer(d.layer); }
      if (!show && d.group.hasLayer(d.layer)) { d.group.removeLayer(d.layer); }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".nm-subtype"), function (box) {
    box.addEventListener("change", function () { hiddenSubtypes[box.value] = !box.checked; refresh(); });
  });
  var slider = document.getElementById("nm-date");
  if (slider) {
    var out = document.getElementById("nm-date-out");
    slider.addEventListener("input", function () {
      limit = data.dates[+slider.value];
      out.textContent = limit;
      refresh();
    });
  }

  if (cfg.minimap && L.Control.MiniMap) {
    var small = cfg.tiles ? L.tileLayer(cfg.tiles, {attribution: cfg.tiles_attribution})
      : (data.basemap ? L.geoJSON(data.basemap, {interactive: false,
        style: {color: "#8a8a8a", weight: 0.5, fillColor: "#f4f1ea", fillOpacity: 1}}) : null);
    if (small) { new L.Control.MiniMap(small, {toggleDisplay: true, position: "bottomright"}).addTo(map); }
  }

  if (data.bounds) {
    // Keep events out from under the legend (bottom left) and the title (top), when the window is wide enough.
    var legend = document.querySelector(".nm-legend"), title = document.querySelector(".nm-title");
    var wide = map.getSize().x > 2.5 * (legend ? legend.offsetWidth : 0);
    map.fitBounds(data.bounds, {maxZoom: 7,
      paddingTopLeft: [wide && legend ? legend.offsetWidth + 30 : 30, (title ? title.offsetHeight : 0) + 30],
      paddingBottomRight: [30, 30]});
  }
  spread();
  // For integrators and tests: what was drawn, by kind, category and place name.
  window.newsmap = {map: map, drawn: drawn.map(function (d) {
    return {kind: d.kind, category: d.category, name: d.name, layer: d.layer, group: d.group}; })};
  window.newsmapReady = true;
  document.documentElement.setAttribute("data-newsmap-ready", "1");
}());
