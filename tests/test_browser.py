"""The service in headless Chromium against a real server on a loopback port: paste, explore, review.

Requests to any host other than the test server are refused and recorded, so the pages prove they
work offline too.
"""

from __future__ import annotations

import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from tests.conftest import SAMPLE
from web import create_app


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> str:
    db = tmp_path_factory.mktemp("browser-db") / "newsmap.sqlite"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "browser-test"})
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser, base: str):
    context = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.refused, page.errors = [], []

    def route(r):
        if r.request.url.startswith((base, "data:", "about:")):
            r.continue_()
        else:
            page.refused.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def _until(check, timeout: float = 20.0) -> None:
    """Poll from Python: the pages' CSP forbids the eval that Playwright's wait_for_function needs."""
    import time

    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


def _paste_sample(page, base: str) -> str:
    page.goto(base + "/")
    page.fill("#paste input[name=title]", "Paris coalition summit")
    page.fill("#paste input[name=url]", "https://apnews.com/article/sample")
    page.fill("#paste input[name=date]", "2026-01-06")
    page.fill("#paste textarea[name=text]", SAMPLE.read_text(encoding="utf-8"))
    page.click("#paste button[type=submit]")
    page.wait_for_url("**/documents/*")
    return page.url.rsplit("/", 1)[-1].split("#")[0]


def _map_frame(page):
    frame = page.frame_locator("#map")
    frame.locator("html[data-newsmap-ready]").wait_for(timeout=20_000)
    return page.frames[1]


def _drawn(frame) -> list[str]:
    return frame.evaluate("window.newsmap.drawn.filter(d => d.kind === 'marker' && d.group.hasLayer(d.layer))"
                          ".map(d => d.name)")


def test_paste_the_sample_and_see_its_events_on_the_map(page, base: str) -> None:
    _paste_sample(page, base)
    assert "Paris coalition summit" in page.locator("h1").inner_text()
    frame = _map_frame(page)
    names = _drawn(frame)
    for place in ("Paris", "Kostroma", "Lipetsk", "Greenland", "Venezuela", "Ukraine"):
        assert place in names, names
    areas = frame.evaluate("window.newsmap.drawn.filter(d => d.kind === 'area').map(d => d.name)")
    assert {"Greenland", "Venezuela", "Kostroma"} <= set(areas)
    assert page.locator("article.text mark.nm-event").count() >= 5
    assert page.refused == [] and page.errors == []


def test_explore_filters_by_category_without_reloading(page, base: str) -> None:
    _paste_sample(page, base)
    page.goto(base + "/explore")
    page.locator("#summary[data-shown]").wait_for()
    everything = page.locator("path.nm-marker").count()
    page.evaluate("window.__same_page = true")
    page.select_option("select[name=category]", "strike")
    _until(lambda: 0 < page.locator("path.nm-marker").count() < everything)
    assert page.evaluate("window.__same_page") is True  # no full reload
    assert page.locator("path.nm-marker").count() == page.locator("path.nm-cat-strike").count() >= 2
    assert "category=strike" in page.url
    page.reload()  # the URL is a permalink
    _until(lambda: page.locator("path.nm-marker").count() > 0)
    assert page.locator("path.nm-marker").count() == page.locator("path.nm-cat-strike").count()
    assert page.refused == [] and page.errors == []


def test_review_moves_an_event_and_re_resolves_a_place(page, base: str) -> None:
    doc_id = _paste_sample(page, base)
    kostroma = page.locator("li.event", has=page.locator(".where", has_text="Kostroma")).first
    event_id = kostroma.get_attribute("id")[2:]
    move = kostroma.locator("form.move select")
    options = move.locator("option").all_inner_texts()
    target = next(o for o in options if "Kostroma" not in o)
    move.select_option(label=target)
    kostroma.locator("form.move button").click()
    page.wait_for_load_state()
    new_place = target.split("→")[1].strip()
    # re-resolve "Paris" through the gazetteer search: Paris, Texas
    row = page.locator("table.places tr", has=page.locator("td", has_text="Paris")).first
    row.locator("form.search input[name=search]").fill("Paris")
    row.locator("form.search button").click()
    page.wait_for_load_state()
    row = page.locator("table.places tr", has=page.locator("td", has_text="Paris")).first
    select = row.locator("form.resolve select")
    texas = next(o for o in select.locator("option").all_inner_texts() if o.endswith("city, US)"))
    select.select_option(label=texas)
    row.locator("form.resolve button").click()
    page.wait_for_load_state()

    page.reload()
    frame = _map_frame(page)
    moved = frame.evaluate("(id) => window.newsmap.drawn.filter(d => d.kind === 'marker').map(d => d.name)", event_id)
    assert new_place in moved
    assert "corrected" in page.locator(f"#e-{event_id}").inner_text()
    with urllib.request.urlopen(f"{base}/api/v1/events/{event_id}") as resp:
        import json

        api_event = json.load(resp)["properties"]
    assert api_event["location"] == new_place and api_event["automatic"]["location"] == "Kostroma"
    with page.expect_download() as info:
        page.click("a[href$='/download.html']")
    published = info.value.path().read_text(encoding="utf-8")
    assert new_place in published and "United States" in published  # Paris, Texas in the exported map
    assert doc_id in page.url
    assert page.refused == [] and page.errors == []


def test_explore_asks_for_the_events_in_view_after_panning(page, base: str) -> None:
    _paste_sample(page, base)
    page.goto(base + "/explore")
    page.locator("#summary[data-shown]").wait_for()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/v1/events" in r.url else None)
    for _ in range(2):  # zoom in twice: from a whole-world view, one step can still show all longitudes
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)
    for _ in range(100):  # Playwright delivers request events while it waits
        if any("bbox=" in u for u in requests) and "in view" in page.locator("#summary").inner_text():
            break
        page.wait_for_timeout(100)
    assert any("bbox=" in u for u in requests) and "in view" in page.locator("#summary").inner_text(), \
        (requests, page.locator("#summary").inner_text(), page.evaluate("location.href"))
    assert page.errors == [] and page.refused == []
