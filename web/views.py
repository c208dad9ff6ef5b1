"""Pages: a map of the places found in the loaded documents (the full service comes with the web issue)."""

from __future__ import annotations

from pathlib import Path

import folium
from flask import Flask, jsonify, render_template
from markupsafe import escape

from geo.io import read_text
from geo.models import Toponym
from geo.pipeline import Geoparser


def _documents(app: Flask) -> list[tuple[str, list[Toponym]]]:
    if "DOCS" not in app.extensions:
        parser = Geoparser()
        app.extensions["DOCS"] = [(Path(p).name, parser.geoparse(read_text(p))) for p in app.config["SAMPLES"]]
    return app.extensions["DOCS"]


def _map_html(docs: list[tuple[str, list[Toponym]]]) -> str:
    fmap = folium.Map(location=[30, 10], zoom_start=2, tiles="OpenStreetMap")
    seen: dict[int, list[str]] = {}
    places = {}
    for title, toponyms in docs:
        for t in toponyms:
            seen.setdefault(t.place.id, []).append(f"{t.mention.text} ({title})")
            places[t.place.id] = t.place
    for pid, place in places.items():
        label = f"<b>{escape(place.name)}</b> ({escape(place.kind)}, {escape(place.country)})<br>" + \
                "<br>".join(str(escape(s)) for s in sorted(set(seen[pid]))[:5])
        folium.Marker([place.lat, place.lon], popup=folium.Popup(label, max_width=300),
                      tooltip=str(escape(place.name))).add_to(fmap)
    return fmap.get_root().render()


def init_app(app: Flask) -> None:
    @app.get("/")
    def home() -> str:
        docs = _documents(app)
        return render_template("home.html", docs=docs, map_html=_map_html(docs))

    @app.get("/api/v1/health")
    def health():  # type: ignore[no-untyped-def]
        return jsonify(status="ok")
