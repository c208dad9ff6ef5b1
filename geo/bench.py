"""Speed and memory figures for `make bench`: reported, never asserted.

Each figure comes from a fresh child process pinned to one CPU core, so start-up and gazetteer
loading are counted the way a user pays for them.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from geo.errors import InputError

_LOAD = "import time;t=time.perf_counter();from geo.gazetteer import Gazetteer;g=Gazetteer();g.automaton;" \
        "g.words('stop');print(time.perf_counter()-t)"


# Pipeline time inside one warm process (no start-up, no JSON writing): what events cost per document.
_PIPELINE = """
import json, sys, time
from geo.pipeline import Geoparser
from geo.events import extract_events
docs = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
p = Geoparser()
for d in docs[:20]:
    extract_events(d, p.geoparse(d))
geo_t, both_t = [], []
for _ in range(5):
    t = time.perf_counter(); [p.geoparse(d) for d in docs]; geo_t.append(time.perf_counter() - t)
    t = time.perf_counter(); [extract_events(d, p.geoparse(d)) for d in docs]; both_t.append(time.perf_counter() - t)
print(min(geo_t), min(both_t) - min(geo_t))
"""


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _child(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str, int]:
    """Wall seconds, stdout, and peak RSS in MB of one pinned child process (``env``: extra variables)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, preexec_fn=_pin_one_core,
                          check=False, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise InputError(f"benchmark child failed: {proc.stderr.strip()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, proc.stdout, max(peak, before) // 1024


def run_bench(eval_dir: Path, corpus: str = "lgl") -> None:
    path = eval_dir / f"{corpus}.jsonl"
    if not path.is_file():
        raise InputError(f"{path} not found (set EVAL_DIR=... for make bench)")
    loads = [float(_child(["-c", _LOAD])[1]) for _ in range(3)]
    docs = sum(1 for line in path.open(encoding="utf-8") if line.strip())
    mb = path.stat().st_size / 1e6
    runs = []
    for _ in range(3):
        wall, _, peak = _child(["-m", "geo.cli", "geoparse", "--input", str(path), "--output", os.devnull])
        runs.append((wall, peak))
    wall = min(w for w, _ in runs)
    peak = max(p for _, p in runs)
    with_events = min(_child(["-m", "geo.cli", "events", "--input", str(path), "--output", os.devnull])[0]
                      for _ in range(3))
    lexicon_only = min(_child(["-m", "geo.cli", "events", "--input", str(path), "--output", os.devnull],
                              {"NEWSMAP_EVENT_MODEL": "off"})[0] for _ in range(3))
    geo_s, ev_s = map(float, _child(["-c", _PIPELINE, str(path)])[1].split())
    print(f"newsmap bench ({corpus}: {docs} documents, {mb:.2f} MB of JSONL; one core, best of 3)")
    print(f"  gazetteer load (open + automaton): {min(loads) * 1000:.0f} ms (best of 3, "
          f"worst {max(loads) * 1000:.0f} ms)")
    print(f"  whole process, geoparse --input:   {wall:.2f} s")
    print(f"  documents per second:              {docs / wall:.0f}")
    print(f"  MB of text per second:             {mb / wall:.2f}")
    print(f"  peak memory (max RSS):             {peak} MB")
    print(f"  events --input (geoparse + events): {with_events:.2f} s, {docs / with_events:.0f} documents/s, "
          f"events add {100 * (with_events - wall) / wall:.0f}% to geoparse")
    print(f"  the same, NEWSMAP_EVENT_MODEL=off: {lexicon_only:.2f} s, events add "
          f"{100 * (lexicon_only - wall) / wall:.0f}% (the lexicon alone types events)")
    print(f"  in one warm process (best of 5):   geoparse {geo_s:.2f} s, events {ev_s:.2f} s more: "
          f"events add {100 * ev_s / geo_s:.0f}% to geoparse")


def run_map_bench(eval_dir: Path, corpus: str = "lgl", events: int = 10_000) -> None:
    """A map of ``events`` real events (the corpus's, repeated at shifted positions): size and render time."""
    import json
    import tempfile

    from geo.maps import MapOptions, build_map, save_html
    from geo.maps.inputs import from_text
    from geo.maps.publish import chromium_path
    from geo.pipeline import Geoparser

    path = eval_dir / f"{corpus}.jsonl"
    if not path.is_file():
        raise InputError(f"{path} not found (set EVAL_DIR=... for make bench)")
    parser = Geoparser()
    real: list[dict] = []
    for line in path.open(encoding="utf-8"):
        doc = json.loads(line)
        rows, _ = from_text(parser, doc["text"], doc_id=str(doc.get("id", "")), title=str(doc.get("id", "")))
        real.extend(r for r in rows if r["lat"] is not None)
    rows = []
    for i in range(events):
        r = dict(real[i % len(real)])
        shift = (i // len(real)) * 0.2  # copies land beside the original, not on it
        r.update(event_id=f"{r['event_id']}-{i}", lat=r["lat"] + shift, lon=r["lon"] + shift)
        rows.append(r)
    t0 = time.perf_counter()
    m = build_map(rows, MapOptions(title=f"{events:,} events"), gazetteer=parser.gazetteer)
    with tempfile.TemporaryDirectory() as tmp:
        out = save_html(m, Path(tmp) / "map.html")
        build_s = time.perf_counter() - t0
        size = out.stat().st_size / 1e6
        from playwright.sync_api import sync_playwright

        times = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
            for _ in range(3):
                page = browser.new_page(viewport={"width": 1200, "height": 800})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                           else r.abort())
                t = time.perf_counter()
                page.goto(out.resolve().as_uri())
                page.wait_for_function("window.newsmapReady === true", timeout=60_000)
                times.append(time.perf_counter() - t)
                page.close()
            browser.close()
    print(f"map of {events:,} events ({len(real):,} distinct real events from {corpus}, repeated at shifted places):")
    print(f"  build + write HTML:                {build_s:.2f} s")
    print(f"  self-contained HTML:               {size:.1f} MB")
    print(f"  headless Chromium, offline, open to drawn: {min(times):.2f} s (best of 3, worst {max(times):.2f} s)")
