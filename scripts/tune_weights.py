"""Coordinate-descent tuning of the resolver weights on a development split.

Development split: the odd-numbered documents of LGL, TR-News and GeoVirus (oracle spans); the even
ones are held out and reported separately, so the gain can be checked on text the search never saw.
Usage: python scripts/tune_weights.py [EVAL_DIR]
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from geo.evaluate import MAX_KM, read_jsonl
from geo.models import Mention
from geo.pipeline import Geoparser
from geo.resolve import Resolver, Weights, candidates_for, haversine_km


def load(parser: Geoparser, eval_dir: Path, parity: int) -> list[tuple[str, list[Mention], list[dict]]]:
    docs = []
    for name in ("lgl", "trnews", "geovirus"):
        for i, doc in enumerate(read_jsonl(eval_dir / f"{name}.jsonl")):
            if i % 2 != parity:
                continue
            gold = doc["toponyms"]
            mentions = [Mention(g["start"], g["end"], doc["text"][g["start"]:g["end"]],
                                candidates=candidates_for(parser.gazetteer, g["name"])) for g in gold]
            docs.append((doc["text"], mentions, gold))
    return docs


def accuracy(resolver: Resolver, docs) -> float:
    ok = total = 0
    for text, mentions, gold in docs:
        found = {(t.mention.start, t.mention.end): t for t in resolver.resolve(text, mentions)}
        for g in gold:
            if g.get("lat") is None:
                continue
            t = found.get((g["start"], g["end"]))
            err = haversine_km(t.place.lat, t.place.lon, g["lat"], g["lon"]) if t else MAX_KM
            ok += err <= 161
            total += 1
    return ok / total


def main() -> None:
    eval_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval")
    parser = Geoparser()
    dev, held = load(parser, eval_dir, 1), load(parser, eval_dir, 0)
    w = Weights()
    best = accuracy(Resolver(parser.gazetteer, weights=w), dev)
    print(f"start dev={best:.4f}")
    for _round in range(3):
        for f in dataclasses.fields(Weights):
            for step in (1.0, -1.0, 0.5, -0.5, 0.25, -0.25):
                trial = dataclasses.replace(w, **{f.name: round(getattr(w, f.name) + step, 3)})
                acc = accuracy(Resolver(parser.gazetteer, weights=trial), dev)
                if acc > best + 1e-4:
                    best, w = acc, trial
                    print(f"{f.name}={getattr(w, f.name)} dev={best:.4f}", flush=True)
    print("weights:", w)
    print(f"dev={best:.4f} held-out={accuracy(Resolver(parser.gazetteer, weights=w), held):.4f} "
          f"(held-out with defaults {accuracy(Resolver(parser.gazetteer), held):.4f})")


if __name__ == "__main__":
    main()
