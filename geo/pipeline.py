"""Composes recognition and resolution; no I/O beyond the gazetteer it is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from geo.errors import InputError
from geo.gazetteer import Gazetteer, get_gazetteer
from geo.models import Event, Mention, Toponym
from geo.recognize import Recognizer
from geo.resolve import Resolver, Weights, candidates_for

MAX_TEXT_CHARS = 50_000_000


class Geoparser:
    """Text in, resolved toponyms out. Build one and reuse it: it holds the loaded gazetteer."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, weights: Weights | None = None) -> None:
        self.gazetteer = gazetteer or get_gazetteer()
        self.recognizer = Recognizer(self.gazetteer)
        self.resolver = Resolver(self.gazetteer, weights=weights)

    def recognize(self, text: str) -> list[Mention]:
        return self.recognizer(_checked(text))

    def geoparse(self, text: str, *, baseline: bool = False) -> list[Toponym]:
        """Find and resolve every place mention in ``text``."""
        mentions = self.recognize(text)
        if baseline:
            return self.resolver.baseline(mentions)
        return self.resolver.resolve(text, mentions)

    def events(self, text: str, *, doc_id: str = "", doc_date: dt.date | None = None
               ) -> tuple[list[Toponym], list[Event]]:
        """Places and the events located at them (dates relative to ``doc_date`` when given)."""
        from geo.events import extract_events  # compiles the trigger lexicon: only when events are asked for

        toponyms = self.geoparse(text)
        return toponyms, extract_events(text, toponyms, doc_id=doc_id, doc_date=doc_date)

    def resolve_spans(self, text: str, spans: Iterable[tuple[int, int]], *,
                      baseline: bool = False) -> list[Toponym]:
        """Resolve given spans (oracle recognition); spans with no candidate are left out."""
        text = _checked(text)
        given = []
        for start, end in spans:
            if not 0 <= start < end <= len(text):
                raise InputError(f"span {start}:{end} lies outside the text")
            surface = text[start:end]
            given.append(Mention(start, end, surface, candidates=candidates_for(self.gazetteer, surface)))
        if baseline:
            return self.resolver.baseline(given)
        # The rest of the text still counts as context: places we recognise outside the given spans.
        taken = {(m.start, m.end) for m in given}
        extra = [m for m in self.recognizer(text)
                 if not any(m.start < e and s < m.end for s, e in taken)]
        everything = sorted(given + extra, key=lambda m: m.start)
        return [t for t in self.resolver.resolve(text, everything) if (t.mention.start, t.mention.end) in taken]


def _checked(text: str) -> str:
    if not isinstance(text, str):
        raise InputError(f"text must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    return text
