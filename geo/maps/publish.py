"""Publishing a map: one self-contained HTML file, a PNG from headless Chromium, an iframe snippet."""

from __future__ import annotations

import html as html_lib
import os
import shutil
from pathlib import Path

import folium

from geo.errors import MapError
from geo.maps.assets import external_requests, inline_assets

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def render_html(m: folium.Map) -> str:
    """The whole page with Leaflet, plugins and styles inline: opens with no network at all."""
    page = inline_assets(m.get_root().render())
    leftover = external_requests(page)
    if leftover:
        raise MapError(f"the page would still load {', '.join(leftover)}")
    return page


def save_html(m: folium.Map, path: Path) -> Path:
    path.write_text(render_html(m), encoding="utf-8")
    return path


def chromium_path() -> str:
    """The Chromium binary for screenshots and browser tests: $NEWSMAP_CHROMIUM, else Debian's."""
    configured = os.environ.get("NEWSMAP_CHROMIUM")
    if configured:
        return configured
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise MapError("no Chromium found: install Debian's `chromium` (make browser) or set NEWSMAP_CHROMIUM")


def save_png(html_path: Path, png_path: Path, *, width: int = 1200, height: int = 800,
             timeout_ms: int = 20_000) -> Path:
    """Screenshot of a saved map in headless Chromium, every request off the file refused."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise MapError("PNG export needs Playwright for Python (pip install playwright)") from err
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(html_path.resolve().as_uri())
            page.wait_for_function("window.newsmapReady === true", timeout=timeout_ms)
            page.wait_for_timeout(300)  # let the SVG settle
            page.screenshot(path=str(png_path))
        finally:
            browser.close()
    return png_path


def embed_snippet(url: str, *, title: str = "News events map", ratio: float = 0.66) -> str:
    """A responsive iframe for a CMS: full width, height following the width."""
    pad = f"{ratio * 100:.1f}%"
    return (f'<div style="position:relative;width:100%;padding-top:{pad}">'
            f'<iframe src="{html_lib.escape(url, quote=True)}" title="{html_lib.escape(title, quote=True)}" '
            'style="position:absolute;inset:0;width:100%;height:100%;border:0" loading="lazy" '
            'allowfullscreen></iframe></div>')
