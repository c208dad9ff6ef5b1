"""Map assets inlined from pinned npm packages, so a published map needs no CDN, ever.

Folium writes ``<script src="https://cdn...">`` and ``<link href="https://cdn...">`` tags. For a
self-contained file each one is replaced by the same library read from ``data/npm/node_modules``
(versions pinned in ``data/npm/package.json``); images that the CSS refers to become data: URIs.
A tag this table does not know is an error, not a silent request to a third-party host.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

from geo.errors import MapError

NPM = Path(__file__).resolve().parents[2] / "data" / "npm" / "node_modules"

# Asset file name as folium's CDN URLs end -> path inside node_modules.
LOCAL: dict[str, str] = {
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
    "Control.FullScreen.min.js": "leaflet.fullscreen/Control.FullScreen.js",
    "Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    "Control.MiniMap.js": "leaflet-minimap/dist/Control.MiniMap.min.js",
    "Control.MiniMap.css": "leaflet-minimap/dist/Control.MiniMap.min.css",
    "leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
}
_SCRIPT = re.compile(r'<script\s+src="(https?://[^"]+)"\s*>\s*</script>')
_LINK = re.compile(r'<link\s+rel="stylesheet"\s+href="(https?://[^"]+)"\s*/?>')
_CSS_URL = re.compile(r"url\((['\"]?)(?!data:|#|https?:)([^'\")]+)\1\)")


def _local(url: str) -> Path:
    name = url.rsplit("/", 1)[-1].split("?")[0]
    rel = LOCAL.get(name)
    if rel is None:
        raise MapError(f"no local copy of {url}: add it to geo/maps/assets.py and data/npm/package.json")
    path = NPM / rel
    if not path.is_file():
        raise MapError(f"{path} is missing: run `make data` (npm ci in data/npm)")
    return path


@lru_cache(maxsize=32)
def _read(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".css":
        text = _CSS_URL.sub(lambda m: f'url("{_data_uri(path.parent / m.group(2))}")', text)
    # A library that contains "</script" would end our inline script early.
    return text.replace("</script", "<\\/script")


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".svg":
        mime = "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_assets(html: str) -> str:
    """The page with every CDN script and stylesheet replaced by the local copy, inline."""
    html = _SCRIPT.sub(lambda m: f"<script>{_read(_local(m.group(1)))}</script>", html)
    return _LINK.sub(lambda m: f"<style>{_read(_local(m.group(1)))}</style>", html)


def external_requests(html: str) -> list[str]:
    """URLs the page would load from elsewhere on opening (scripts, styles, images, frames)."""
    found = re.findall(r'<(?:script|img|iframe|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
    return sorted(set(found))
