"""Measure events: event-place linking on EventLocation data, typing on the hand-made gold set.

Linking (Halterman 2019 EventLocation, shared/eval/eventloc.jsonl): each record is a sentence with
one event verb and the LOCATION spans of that event (often none). We geoparse the sentence, treat
the verb as the trigger and choose a place as for any event. A link is right when the chosen span
overlaps a gold LOCATION span. Precision = right links / links made; recall = right links /
events that have a gold location. The linking model is trained on the even-numbered records
(scripts/train_linker.py), so the figure that counts is the one on the odd-numbered, held-out ones.

Typing: hand-written ACLED-style notes with gold sub-type, status and location (data/eval/): events_gold
(written with the lexicon, in-sample), events_heldout_dev and events_heldout_test (written by someone
who never saw the lexicon, split by article), events_heldout_dev2 (a third writer),
events_heldout_dev3 / events_heldout_test2 (a fourth), events_heldout_dev4 (four more, one per region
of the world) and events_heldout_test3 (three more, by region, written 2026-11-26 and scored once, after that
day's changes). Rules were made looking only at the dev sets' errors, so the test sets are the honest
figures. Macro-F1 by category and by sub-type; how well the status of the events found is told
(occurred, planned, threatened, claimed, denied, intercepted); and whether they are placed on the gold
location.

Real news: notes are all events; news is mostly not. Sentences drawn at random (each naming a gold
place), labelled by a coder who never saw the system's output with the sub-type they report or
``none``: how often a sentence called an event is one (precision), how many events are found
(recall), and by what (lexicon or typing model). Two sets: events_realnews_dev.jsonl (600 sentences
of LGL, TR-News and GeoVirus), which choices may look at, and events_realnews.jsonl (400 of LGL and
TR-News), the test set, which none did. The model's veto was chosen on separate training labels
(data/train/events_realnews_train_*.jsonl, sentences with and without a trigger) by cross-validation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import InputError
from geo.evaluate import prf, read_jsonl
from geo.events import OTHER, Trigger, choose_place, extract_events, first_event, unresolved_places
from geo.models import Event, Toponym
from geo.pipeline import Geoparser
from geo.taxonomy import CATEGORIES, SUBTYPES
from geo.textutil import name_key


@dataclass
class LinkScores:
    events: int = 0
    with_gold: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return prf(self.correct, self.predicted, self.with_gold)[0]

    @property
    def recall(self) -> float:
        return prf(self.correct, self.predicted, self.with_gold)[1]

    @property
    def f1(self) -> float:
        return prf(self.correct, self.predicted, self.with_gold)[2]


def evaluate_links(parser: Geoparser, path: Path, *, limit: int | None = None, held_out: bool = False) -> LinkScores:
    """Link scores on every record, or with ``held_out`` only on the odd-numbered ones the model never saw."""
    scores = LinkScores()
    for i, doc in enumerate(read_jsonl(path, limit=limit)):
        if held_out and i % 2 == 0:
            continue
        text = doc["text"]
        gold = [(g["start"], g["end"]) for g in doc.get("toponyms", [])]
        toponyms = parser.geoparse(text)
        unknown = unresolved_places(text, toponyms)
        for verb in doc.get("event_verbs", []):
            scores.events += 1
            scores.with_gold += bool(gold)
            trigger = Trigger(OTHER, verb["start"], verb["end"], verb["name"])
            place, score = choose_place(text, trigger, toponyms, unresolved=unknown)
            if place is None:
                continue
            scores.predicted += 1
            span = place.mention if isinstance(place, Toponym) else place
            s, e = span.start, span.end
            scores.correct += any(s < ge and gs < e for gs, ge in gold)
    return scores


@dataclass
class TypingScores:
    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    # The status of each note and of the event found in it ("" where none was found)
    gold_status: list[str] = field(default_factory=list)
    predicted_status: list[str] = field(default_factory=list)
    # Where the event found was placed, for each note with a gold location: right, wrong or unlocated
    located: list[str] = field(default_factory=list)

    def location(self) -> tuple[int, float, float]:
        """On the notes with a gold location where an event was found: how many, the share placed on it
        (a place of that name), and the share left unlocated."""
        n = len(self.located)
        return n, self.located.count("right") / (n or 1), self.located.count("unlocated") / (n or 1)

    def status(self) -> tuple[int, float, float]:
        """On the notes where an event was found: how many, the accuracy of its status, and the macro-F1 over
        the statuses the notes have. Most notes report what occurred, so the macro-F1 is the figure that says
        whether planned, threatened, claimed, denied and intercepted events are told apart."""
        pairs = [(g, p) for g, p in zip(self.gold_status, self.predicted_status, strict=True) if p]
        if not pairs:
            return 0, 0.0, 0.0
        right = sum(g == p for g, p in pairs)
        f1s = [prf(sum(g == p == label for g, p in pairs), sum(p == label for _, p in pairs),
                   sum(g == label for g, _ in pairs))[2] for label in sorted({g for g, _ in pairs})]
        return len(pairs), right / len(pairs), sum(f1s) / len(f1s)

    def macro_f1(self, level: str = "subtype") -> float:
        g, p = self._level(level)
        labels = sorted(set(g))
        f1s = []
        for label in labels:
            tp = sum(1 for a, b in zip(g, p, strict=True) if a == b == label)
            f1s.append(prf(tp, p.count(label), g.count(label))[2])
        return sum(f1s) / len(f1s) if f1s else 0.0

    def _level(self, level: str) -> tuple[list[str], list[str]]:
        if level == "subtype":
            return self.gold, self.predicted
        cat = {code: CATEGORIES[s.category].label for code, s in SUBTYPES.items()}
        return [cat[x] for x in self.gold], [cat.get(x, "none") for x in self.predicted]

    def confusion(self, level: str = "category") -> str:
        g, p = self._level(level)
        labels = sorted(set(g) | set(p))
        counts = Counter(zip(g, p, strict=True))
        width = max(len(x) for x in labels)
        head = " " * (width + 1) + " ".join(f"{x[:5]:>5}" for x in labels)
        lines = [head] + [f"{a:<{width}} " + " ".join(f"{counts.get((a, b), 0):5d}" for b in labels) for a in labels]
        return "\n".join(lines)


# The typing sets in data/eval, in-sample first, the never-examined test halves last.
TYPING_SETS = ("gold", "heldout_dev", "heldout_dev2", "heldout_dev3", "heldout_dev4", "heldout_test", "heldout_test2",
               "heldout_test3")


def predict_note(parser: Geoparser, text: str) -> Event | None:
    """The event of a one-event note: its first (news leads put the main event first; chosen over the
    lexicon's priority order on the two development sets), or None when none fires."""
    events = extract_events(text, parser.geoparse(text))
    return first_event(events) if events else None


# What a gold location may add to the name of the place the event is put on: "southern Israel", "Kyiv region",
# "Shayrat air base", "Baghdad airport", "Gaza Strip" are placed right on Israel, Kyiv, Shayrat, Baghdad, Gaza.
# A direction only in lower case: "North Korea" and "South Sudan" are names.
_DIRECTION = re.compile(r"^(?:(?:north|south)?(?:east|west)?(?:ern)?|central)\s+")
_DESIGNATOR = re.compile(r"\s+(?:region|province|state|oblast|governorate|district|city|county|prefecture|"
                         r"(?:air\s+)?base|(?:international\s+)?airport|bridge|coast|strip|corridor|crossing|camp)$")


def _place_key(name: str) -> str:
    return _DESIGNATOR.sub("", name_key(_DIRECTION.sub("", name)))


def placed_on(event: Event, gold: str) -> str:
    """right when the event's place is named ``gold`` (as the text names it, as the gazetteer does, or as an
    unresolved name; a direction before and a designator after aside), else wrong, or unlocated."""
    names = [event.place.mention.text, event.place.place.name] if event.place else []
    names += [event.unresolved_place.text] if event.unresolved_place else []
    if not names:
        return "unlocated"
    key = _place_key(gold)
    return "right" if any(_place_key(n) == key for n in names) else "wrong"


def evaluate_typing(parser: Geoparser, path: Path) -> TypingScores:
    scores = TypingScores()
    for doc in read_jsonl(path):
        event = predict_note(parser, doc["text"])
        scores.gold.append(doc["subtype"])
        scores.predicted.append(event.subtype if event else OTHER)
        scores.gold_status.append(doc.get("status") or "occurred")
        scores.predicted_status.append(event.status if event else "")
        if event and doc.get("location"):
            scores.located.append(placed_on(event, doc["location"]))
    return scores


# Sentences of the geoparsing corpora (LGL, TR-News, GeoVirus) labelled with the event each reports, or none: the
# labels name a sentence by corpus, document id and offsets, so the corpora's text stays in ../shared.
REAL_NEWS = Path(__file__).resolve().parent.parent / "data" / "eval" / "events_realnews.jsonl"
REAL_NEWS_DEV = REAL_NEWS.with_name("events_realnews_dev.jsonl")


@dataclass
class RealNewsScores:
    """Event detection and typing on real news, where most sentences report no event."""

    sentences: int = 0
    gold_events: int = 0
    found: Counter = field(default_factory=Counter)  # typed_by -> sentences with a predicted event
    right: Counter = field(default_factory=Counter)  # typed_by -> of those, gold says there is an event
    typed: Counter = field(default_factory=Counter)  # typed_by -> of those, the gold category too

    @property
    def missed(self) -> int:
        """Sentences reporting an event in which none was found."""
        return self.gold_events - sum(self.right.values())

    def detection(self) -> tuple[float, float, float]:
        """Precision, recall, F1 of "this sentence reports an event"."""
        return prf(sum(self.right.values()), sum(self.found.values()), self.gold_events)


def sentence_key(key: str) -> tuple[str, str, int, int]:
    """(corpus, document id, start, end) of a real-news label's key, "corpus:doc id:start-end"."""
    corpus, doc_id, span = key.split(":")
    start, end = span.split("-")
    return corpus, doc_id, int(start), int(end)


def labelled_documents(labels: Iterable[dict], eval_dir: Path) -> Iterator[tuple[dict, list[tuple[dict, int, int]]]]:
    """Each corpus document that real-news labels point into, with those labels and their sentences' offsets:
    one pass over each corpus of ``eval_dir``, in corpus and document order."""
    wanted: dict[tuple[str, str], list[tuple[dict, int, int]]] = {}
    for r in labels:
        corpus, doc_id, start, end = sentence_key(r["key"])
        wanted.setdefault((corpus, doc_id), []).append((r, start, end))
    for corpus in sorted({c for c, _ in wanted}):
        source = eval_dir / f"{corpus}.jsonl"
        if not source.is_file():
            raise InputError(f"labels point into {source}, which is missing (give the eval directory)")
        for doc in read_jsonl(source):
            todo = wanted.get((corpus, str(doc["id"])))
            if todo:
                yield doc, todo


def evaluate_real_news(parser: Geoparser, labels: Path, eval_dir: Path) -> RealNewsScores:
    """Each labelled sentence: its first event (as for notes) against the gold sub-type or ``none``."""
    scores = RealNewsScores()
    for doc, todo in labelled_documents(read_jsonl(labels), eval_dir):
        found = extract_events(doc["text"], parser.geoparse(doc["text"]))
        for r, start, _ in todo:
            gold = r["subtype"]
            scores.sentences += 1
            scores.gold_events += gold != "none"
            here = [e for e in found if e.sentence_start == start]
            if not here:
                continue
            e = first_event(here)
            scores.found[e.typed_by] += 1
            scores.right[e.typed_by] += gold != "none"
            scores.typed[e.typed_by] += gold in SUBTYPES and SUBTYPES[gold].category == SUBTYPES[e.subtype].category
    return scores
