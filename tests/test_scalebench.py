"""The scale benchmark on a tiny size: its synthetic rows are valid store rows and every backend runs end to end.

Figures are printed, never asserted (``make bench-scale`` runs the real sizes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from geo.pipeline import Geoparser
from tests.conftest import POSTGRES_URL_VAR, SAMPLE
from web.api import DOC_ID, EVENT_ID
from web.scalebench import DOCUMENT_COLUMNS, EVENT_COLUMNS, run_scale_bench, sample_events, synthetic


@pytest.fixture(scope="module")
def eval_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("eval")
    (path / "lgl.jsonl").write_text(json.dumps({"text": SAMPLE.read_text(encoding="utf-8")}) + "\n", encoding="utf-8")
    return path


def test_synthetic_rows_are_store_rows(parser: Geoparser) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    sample = sample_events([text], parser)
    batches = list(synthetic(sample, [text], 700))
    docs = [dict(zip(DOCUMENT_COLUMNS, d, strict=True)) for b in batches for d in b[0]]
    rows = [dict(zip(EVENT_COLUMNS, r, strict=True)) for b in batches for r in b[1]]
    assert len(rows) == 700 and len(docs) == 3 and len({d["content_hash"] for d in docs}) == 3
    assert all(DOC_ID.match(d["id"]) for d in docs) and len({r["id"] for r in rows}) == 700
    assert all(EVENT_ID.match(r["id"]) and r["document_id"] in {d["id"] for d in docs} for r in rows)
    assert all(-90 <= r["lat"] <= 90 and -180 <= r["lon"] <= 180 and json.loads(r["auto"]) for r in rows)


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_bench_runs(backend: str, eval_dir: Path, parser: Geoparser, capsys: pytest.CaptureFixture[str]) -> None:
    server = os.environ.get(POSTGRES_URL_VAR)
    if backend == "postgis" and not server:
        pytest.skip(f"{POSTGRES_URL_VAR} is unset")
    [r] = run_scale_bench(eval_dir, sizes=(600,), backends=(backend,), queries=8, postgres_url=server,
                          parser=parser)
    out = capsys.readouterr().out
    assert r.events == 600 and r.insert_s > 0 and r.matched > 0 and f"{backend:8}       600 events" in out
    assert "bbox+category  p50" in out
