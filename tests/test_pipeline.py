import time

import pytest

from geo.errors import InputError
from geo.pipeline import Geoparser

PARAGRAPH = ("Officials in Kyiv and Warsaw met on Tuesday; shelling was reported near Kharkiv, "
             "and protesters gathered in São Paulo. ") * 10


def test_huge_input_scales_linearly(parser: Geoparser) -> None:
    """A 10 MB text finishes, and 10x the text gives 10x the mentions in roughly 10x the time."""
    small = PARAGRAPH * (1_000_000 // len(PARAGRAPH) + 1)
    big = small * 10
    assert len(big) >= 10_000_000
    t0 = time.perf_counter()
    n_small = len(parser.geoparse(small))
    t1 = time.perf_counter()
    n_big = len(parser.geoparse(big))
    t2 = time.perf_counter()
    assert n_big == 10 * n_small > 0
    # Generous bound: quadratic behaviour would be ~100x; linear is ~10x.
    assert (t2 - t1) < 30 * max(t1 - t0, 0.05)


def test_non_string_input_is_rejected(parser: Geoparser) -> None:
    with pytest.raises(InputError):
        parser.geoparse(b"bytes")  # type: ignore[arg-type]


def test_bad_oracle_span(parser: Geoparser) -> None:
    with pytest.raises(InputError, match="outside"):
        parser.resolve_spans("Paris", [(0, 50)])


def test_html_in_text_is_just_text(parser: Geoparser) -> None:
    text = '<script>alert("Paris")</script> Riots in <b>Lyon</b>'
    names = [t.mention.text for t in parser.geoparse(text)]
    assert "Lyon" in names
