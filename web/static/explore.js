/* Explore: filters fetch GeoJSON from the API and redraw the map without a page load; the URL keeps
   the view (a permalink). Every string from the data is set with textContent. */
(function () {
  "use strict";
  var box = document.getElementById("explore-map");
  var colours = JSON.parse(box.getAttribute("data-colours"));
  var form = document.getElementById("filters");
  var summary = document.getElementById("summary");
  var map = L.map(box, {worldCopyJump: true, minZoom: 1, maxZoom: 18}).setView([25, 10], 2);
  var tiles = box.getAttribute("data-tiles");
  if (tiles && tiles !== "offline") {
    L.tileLayer(tiles === "osm" ? "https://tile.openstreetmap.org/{z}/{x}/{y}.png" : tiles,
      {attribution: "&copy; OpenStreetMap contributors"}).addTo(map);
  } else {
    box.style.background = "#cfe3f0";
    fetch(box.getAttribute("data-basemap")).then(function (r) { return r.json(); }).then(function (g) {
      L.geoJSON(g, {interactive: false, style: {color: "#8a8a8a", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1}})
        .addTo(map).bringToBack();
    });
  }
  var layer = L.featureGroup().addTo(map);
  var generation = 0;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function popup(p) {
    var div = el("div", null, "nm-p");
    div.appendChild(el("b", p.label));
    div.appendChild(el("span", " · " + p.status + (p.event_date ? " · " + p.event_date : "")));
    div.appendChild(el("div", (p.location || "unlocated") + (p.country && p.country !== p.location ? ", " + p.country : "")));
    div.appendChild(el("q", p.sentence));
    var link = el("a", "Event page");
    link.href = box.getAttribute("data-event-url").replace("EVENT", encodeURIComponent(p.id));
    div.appendChild(link);
    return div;
  }

  function params() {
    var out = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (v) { out.set(k, v); } });
    return out;
  }

  // A filter change fetches everything that matches and fits the map to it; panning or zooming
  // afterwards fetches only what is in view (the API answers from its spatial index), so a store of
  // hundreds of thousands of events never travels to the browser at once.
  var fitting = false;
  function inView() {
    var b = map.getBounds();
    var w = Math.max(-180, b.getWest()), e = Math.min(180, b.getEast());
    var s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
    return (e - w >= 359 || w >= e) ? null : [w, s, e, n].map(function (v) { return v.toFixed(4); }).join(",");
  }

  function load(fit) {
    var query = params(), mine = ++generation;
    history.replaceState(null, "", "?" + query.toString());
    Array.prototype.forEach.call(document.querySelectorAll("a.dl"), function (a) {
      a.href = a.href.split("?")[0] + "?" + query.toString();
    });
    var bbox = fit ? null : inView();
    if (bbox) { query.set("bbox", bbox); }
    query.set("limit", "1000");
    summary.textContent = "Loading…";
    fetch(box.getAttribute("data-api") + "?" + query.toString(), {headers: {Accept: "application/geo+json"}})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (mine !== generation) { return; }
        layer.clearLayers();
        if (!res.ok) { summary.textContent = res.body.error ? res.body.error.message : "error"; return; }
        var shown = 0;
        res.body.features.forEach(function (f) {
          if (!f.geometry) { return; }
          var p = f.properties;
          L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {radius: 7, color: "#222", weight: 1,
            fillColor: colours[p.category] || "#777", fillOpacity: 0.85, className: "nm-marker nm-cat-" + p.category})
            .bindPopup(popup(p)).addTo(layer);
          shown += 1;
        });
        var matched = res.body.numberMatchedExact === false ?  // counted up to a cap: "more than" it
          "more than " + (res.body.numberMatched - 1).toLocaleString("en") : res.body.numberMatched;
        summary.textContent = shown + " located of " + matched + " matching events" +
          (bbox ? " in view" : "") + (res.body.numberMatched > res.body.numberReturned ? " (first 1,000 shown)" : "");
        summary.setAttribute("data-shown", String(shown));
        if (fit && shown) {
          fitting = true;  // without animation the view changes (and "moveend" fires) inside this call
          map.fitBounds(layer.getBounds(), {padding: [20, 20], maxZoom: 7, animate: false});
          fitting = false;
        }
      })
      .catch(function () { if (mine === generation) { summary.textContent = "Could not load events."; } });
  }

  var timer = null;
  map.on("moveend", function () {
    if (fitting) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { load(false); }, 250);
  });
  form.addEventListener("change", function () { load(true); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); load(true); });
  load(true);
}());
