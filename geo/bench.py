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


def _child(args: list[str]) -> tuple[float, str, int]:
    """Wall seconds, stdout, and peak RSS in MB of one pinned child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, preexec_fn=_pin_one_core,
                          check=False)
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
    print(f"  in one warm process (best of 5):   geoparse {geo_s:.2f} s, events {ev_s:.2f} s more: "
          f"events add {100 * ev_s / geo_s:.0f}% to geoparse")
