"""Maps: escaping, self-contained export, and the real thing in headless Chromium with the network off."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.errors import MapError
from geo.maps import MapOptions, build_map, embed_snippet, popup_html, render_html, save_html
from geo.maps.assets import external_requests, inline_assets
from geo.maps.build import _json_for_script, _safe_link
from geo.maps.inputs import from_text

from .conftest import ARTIFACTS, DATA, SAMPLE

PAYLOADS = [line for line in (DATA / "xss_payloads.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def sample_rows(parser):
    return from_text(parser, SAMPLE.read_text(encoding="utf-8"), doc_id="sample", title="Paris coalition summit",
                     source="https://apnews.com/article/sample", date=dt.date(2026, 1, 6))


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory, sample_rows, gazetteer) -> Path:
    rows, mentions = sample_rows
    m = build_map(rows, MapOptions(title="Paris coalition summit"), mentions=mentions, gazetteer=gazetteer)
    return save_html(m, tmp_path_factory.mktemp("maps") / "sample.html")


def test_popup_escapes_article_text_and_highlights_the_trigger() -> None:
    row = {"subtype": "strike.drone", "label": "Drone strike", "status": "occurred", "location": "<b>Kostroma</b>",
           "sentence": "Drones hit <img src=x onerror=alert(1)> the arsenal.", "trigger": "Drones hit",
           "title": "<script>alert(2)</script>", "source": "javascript:alert(3)", "actors": "Ukraine"}
    html = popup_html(row)
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<mark>Drones hit</mark>" in html
    assert "javascript:" not in html  # a non-http source is cited as text, never as a link


@pytest.mark.parametrize(("url", "ok"), [("https://apnews.com/a", True), ("http://x.org/", True),
                                         ("javascript:alert(1)", False), ("data:text/html,x", False),
                                         ("//evil.example", False), ("", False)])
def test_only_http_links(url: str, ok: bool) -> None:
    assert bool(_safe_link(url)) is ok


def test_json_in_a_script_element_cannot_close_it() -> None:
    out = _json_for_script({"s": "</script><script>alert(1)</script><!--", "t": "\u2028"})
    assert "</" not in out and "<!--" not in out and json.loads(out)["s"].startswith("</script>")


def test_unknown_cdn_asset_is_an_error_not_a_request() -> None:
    with pytest.raises(MapError, match="no local copy"):
        inline_assets('<script src="https://cdn.example.com/evil.js"></script>')


def test_exported_page_is_self_contained(sample_map: Path) -> None:
    page = sample_map.read_text(encoding="utf-8")
    assert external_requests(page) == []
    assert "cdn.jsdelivr.net" not in page and "code.jquery.com" not in page
    assert "L.map(" in page and "newsmap-data" in page


def test_layers_follow_the_taxonomy_and_mentions_are_off(sample_rows, gazetteer) -> None:
    rows, mentions = sample_rows
    page = render_html(build_map(rows, mentions=mentions, gazetteer=gazetteer))
    for label in ("Diplomacy", "Strikes", "Territory", "Military posture", "Support", "Mentions"):
        assert f"{label} (" in page
    assert "Unrest (" not in page  # no such event in the sample: no empty layer


def test_offline_basemap_or_tiles(sample_rows, gazetteer) -> None:
    rows, _ = sample_rows
    osm = render_html(build_map(rows, MapOptions(basemap="osm"), gazetteer=gazetteer))
    offline = render_html(build_map(rows, MapOptions(basemap="offline"), gazetteer=gazetteer))
    assert "tile.openstreetmap.org" in osm and "OpenStreetMap" in osm
    assert "tile.openstreetmap.org" not in offline and '"basemap":{"type":"FeatureCollection"' in offline


def test_embed_snippet_escapes_the_url() -> None:
    snippet = embed_snippet('https://x.org/m.html?a=1&b="><script>')
    assert "<script>" not in snippet and "&amp;b=&quot;&gt;" in snippet and "<iframe" in snippet


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo.cli", *args], capture_output=True, text=True, check=False)


def test_cli_map_writes_html_from_text_geojson_and_json(tmp_path: Path) -> None:
    html = tmp_path / "map.html"
    r = _cli("map", str(SAMPLE), "-o", str(html), "--date", "2026-01-06")
    assert r.returncode == 0, r.stderr
    assert external_requests(html.read_text(encoding="utf-8")) == []
    events = tmp_path / "events.geojson"
    assert _cli("events", str(SAMPLE), "--format", "geojson", "-o", str(events)).returncode == 0
    assert _cli("map", str(events), "-o", str(tmp_path / "g.html")).returncode == 0
    listing = tmp_path / "events.json"
    listing.write_text(_cli("events", str(SAMPLE)).stdout, encoding="utf-8")
    assert _cli("map", str(listing), "-o", str(tmp_path / "j.html")).returncode == 0


@pytest.mark.parametrize(("args", "message"), [
    (["nothere.txt", "-o", "x.html"], "no such file"),
    (["SAMPLE"], "give --output"),
    (["SAMPLE", "--png", "x.png"], "--png needs --output"),
    (["SAMPLE", "-o", "x.html", "--width", "5"], "between 100 and 8000"),
])
def test_cli_map_errors(tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(SAMPLE) if a == "SAMPLE" else (str(tmp_path / a) if a.endswith((".html", ".png")) else a)
            for a in args]
    r = _cli("map", *args)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


def test_cli_map_rejects_a_geojson_that_is_not_events(tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"properties": {"name": "x"}}]}', encoding="utf-8")
    r = _cli("map", str(bad), "-o", str(tmp_path / "m.html"))
    assert r.returncode == 2 and "subtype" in r.stderr


# ---- in the browser ---------------------------------------------------------------------------------------


def _open(page, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.newsmapReady === true", timeout=20_000)


def _drawn(page, kind: str, category: str | None = None) -> list[str]:
    return page.evaluate("([kind, cat]) => window.newsmap.drawn.filter(d => d.kind === kind && "
                         "(!cat || d.category === cat) && d.group._map && d.group.hasLayer(d.layer)).map(d => d.name)",
                         [kind, category])


def test_sample_map_renders_offline_with_layers_shapes_and_legend(offline_page, sample_map: Path) -> None:
    page = offline_page
    _open(page, sample_map)
    overlays = page.locator(".leaflet-control-layers-overlays label")
    labels = [t.strip() for t in overlays.all_inner_texts()]
    for name in ("Diplomacy", "Strikes", "Territory", "Military posture", "Support", "Mentions"):
        assert any(label.startswith(name + " (") for label in labels), labels
    mentions = overlays.filter(has_text="Mentions").locator("input")
    assert not mentions.is_checked()
    assert page.locator(".nm-mention").count() == 0  # off by default
    areas = _drawn(page, "area")
    assert "Greenland" in areas and "Venezuela" in areas and any("Kostroma" in a for a in areas)
    assert page.locator("path.nm-area").count() >= 3 and page.locator("path.nm-marker").count() >= 5
    legend = page.locator(".nm-legend").inner_text()
    for name in ("Diplomacy", "Strikes", "Territory", "Military posture", "Support"):
        assert name in legend
    assert page.refused == [] and page.errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sample-map.png"))


def test_toggling_a_layer_hides_its_markers(offline_page, sample_map: Path) -> None:
    page = offline_page
    _open(page, sample_map)
    before = page.locator("path.nm-cat-strike").count()
    assert before >= 2
    page.locator(".leaflet-control-layers-overlays label", has_text="Strikes").locator("input").uncheck()
    assert page.locator("path.nm-cat-strike").count() == 0
    assert page.locator("path.nm-cat-diplomacy").count() > 0
    page.locator(".leaflet-control-layers-overlays label", has_text="Mentions").locator("input").check()
    assert page.locator(".nm-mention").count() > 0


def test_popup_quotes_the_sentence_and_cites_the_source(offline_page, sample_map: Path) -> None:
    page = offline_page
    _open(page, sample_map)
    page.evaluate("window.newsmap.drawn.find(d => d.kind === 'marker' && d.name.includes('Kostroma'))"
                  ".layer.openPopup()")
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert "Drone strike" in text and "Kostroma" in text and "Paris coalition summit" in text
    assert popup.locator("mark").count() == 1
    assert popup.locator("a").get_attribute("href") == "https://apnews.com/article/sample"


def test_search_flies_to_a_place(offline_page, sample_map: Path) -> None:
    page = offline_page
    _open(page, sample_map)
    page.fill("#nm-search", "Paris")
    page.dispatch_event("#nm-search", "change")
    assert "Paris" in page.locator(".leaflet-popup-content").inner_text()


def test_xss_payloads_never_execute(offline_page, tmp_path: Path, sample_rows, gazetteer) -> None:
    rows, _ = sample_rows
    base = next(r for r in rows if r.get("lat") is not None)
    evil = []
    for i, payload in enumerate(PAYLOADS):
        evil.append(dict(base, event_id=f"x{i}", lat=base["lat"] + i * 0.3, lon=base["lon"] + i * 0.3,
                         sentence=f"Drones hit {payload} depot.", trigger="Drones hit", trigger_start=None,
                         location=payload, admin1=payload, country=payload, actors=payload, title=payload,
                         source=payload if i % 2 else "javascript:window.__xss=99", date="2026-01-0" + str(1 + i % 9)))
    mentions = [{"lat": 10.0 + i * 0.1, "lon": 10.0, "name": p} for i, p in enumerate(PAYLOADS)]
    opts = MapOptions(title=PAYLOADS[0], subtitle=PAYLOADS[1], open_list=True)
    path = save_html(build_map(evil, opts, mentions=mentions, gazetteer=gazetteer), tmp_path / "xss.html")
    page = offline_page
    _open(page, path)
    page.evaluate("window.newsmap.drawn.forEach(d => { if (d.kind === 'marker') { d.layer.openPopup(); "
                  "d.layer.openTooltip(); } })")
    page.locator(".leaflet-control-layers-overlays label", has_text="Mentions").locator("input").check()
    page.evaluate("window.newsmap.map.eachLayer(l => { if (l.getTooltip && l.getTooltip()) { l.openTooltip(); } })")
    tooltips = page.locator(".leaflet-tooltip").all_inner_texts()
    assert any(PAYLOADS[1] in t for t in tooltips)  # the markup shows as text
    page.evaluate("document.querySelector('#nm-date').value = 0;"
                  "document.querySelector('#nm-date').dispatchEvent(new Event('input'))")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []
    assert PAYLOADS[0] in page.locator(".nm-title h1").inner_text()  # shown as text
    listed = page.locator(".nm-list").inner_text()
    assert all(p.strip() in listed for p in PAYLOADS[:5])
    assert page.refused == []


def test_subtype_filter_minimap_and_spread_pins(offline_page, sample_map: Path) -> None:
    page = offline_page
    _open(page, sample_map)
    assert page.locator(".leaflet-control-minimap").count() == 1  # offline: drawn from the country outlines
    # events at one place (the sample has several at Paris and in Ukraine) get distinct pin positions on screen
    by_place = page.evaluate("window.newsmap.drawn.filter(d => d.kind === 'marker').reduce((acc, d) => {"
                             " const p = window.newsmap.map.latLngToContainerPoint(d.layer.getLatLng());"
                             " (acc[d.name] = acc[d.name] || []).push([Math.round(p.x), Math.round(p.y)]);"
                             " return acc; }, {})")
    spots = max(by_place.values(), key=len)
    assert len(spots) >= 2 and len({tuple(s) for s in spots}) == len(spots)
    box = page.locator(".nm-subtype[value='diplomacy.summit']")
    shown = len(_drawn(page, "marker", "diplomacy"))
    box.uncheck()
    assert len(_drawn(page, "marker", "diplomacy")) < shown
    box.check()
    assert len(_drawn(page, "marker", "diplomacy")) == shown


def test_xss_in_article_text_through_the_pipeline(offline_page, tmp_path: Path, parser, gazetteer) -> None:
    regions = ("Lipetsk", "Kostroma", "Belgorod", "Kursk", "Bryansk", "Voronezh")
    text = "\n\n".join(f"Drones hit an oil depot in Russia's {regions[i % 6]} region on Tuesday {p} officials said."
                       for i, p in enumerate(PAYLOADS))
    rows, mentions = from_text(parser, text, doc_id="xss", title=PAYLOADS[7], source=PAYLOADS[6])
    assert sum(1 for r in rows if r["lat"] is not None) >= len(PAYLOADS) // 2
    path = save_html(build_map(rows, MapOptions(title=PAYLOADS[9]), mentions=mentions, gazetteer=gazetteer),
                     tmp_path / "xss-text.html")
    page = offline_page
    _open(page, path)
    page.evaluate("window.newsmap.drawn.forEach(d => { d.layer.openPopup && d.layer.openPopup(); })")
    page.locator(".nm-list summary").click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None and page.dialogs == [] and page.refused == []
    assert PAYLOADS[9] in page.locator(".nm-title h1").inner_text()
