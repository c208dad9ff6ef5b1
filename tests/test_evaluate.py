from pathlib import Path

import pytest

from geo.evaluate import Scores, evaluate_corpus, format_table, match_spans
from geo.pipeline import Geoparser

MINI = Path(__file__).parent / "data" / "mini_gold.jsonl"


@pytest.mark.parametrize(
    ("pred", "gold", "pairs"),
    [
        ([(0, 5)], [(0, 5)], {(0, 0)}),
        ([(0, 5)], [(3, 9)], {(0, 0)}),
        ([(0, 5)], [(5, 9)], set()),
        ([(0, 10)], [(0, 4), (5, 10)], {(0, 1)}),  # one to one, largest overlap wins
        ([(0, 4), (5, 10)], [(0, 10)], {(1, 0)}),
    ],
)
def test_match_spans_is_one_to_one(pred, gold, pairs) -> None:
    assert set(match_spans(pred, gold)) == pairs


def test_scores_arithmetic() -> None:
    s = Scores(gold=4, predicted=5, matched=3, errors_km=[0.0, 100.0, 5000.0])
    assert s.precision == pytest.approx(0.6) and s.recall == pytest.approx(0.75)
    assert s.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert s.acc() == pytest.approx(2 / 3)
    assert 0 < s.auc < 1
    assert Scores().f1 == 0.0 and Scores().acc() == 0.0


def test_evaluate_mini_corpus(parser: Geoparser) -> None:
    e2e = evaluate_corpus(parser, MINI)
    assert e2e.gold == 5 and e2e.matched == 5 and e2e.predicted == 5
    assert e2e.acc() == 1.0
    oracle = evaluate_corpus(parser, MINI, oracle=True)
    assert oracle.acc() == 1.0 and len(oracle.errors_km) == 5
    assert "mini" in format_table([("mini", "end-to-end", e2e)])
