"""Layered event maps: build them with Folium, publish them as one self-contained HTML file or a PNG."""

from geo.maps.build import MapOptions, build_map, popup_html
from geo.maps.publish import embed_snippet, render_html, save_html, save_png

__all__ = ["MapOptions", "build_map", "embed_snippet", "popup_html", "render_html", "save_html", "save_png"]
