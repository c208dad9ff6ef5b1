"""Toponym resolution: pick one gazetteer place for each mention, using the whole document.

Each candidate gets a score from priors (kind of place, population, how the name was matched)
and from document context, computed in two passes: the first pass resolves every mention on
priors alone; the second adds what the other mentions say (countries and regions named nearby, an explicit
"Paris, Texas" qualifier, and which readings put the named places next to each other). Scores become
confidences with a softmax; the best other candidate is kept as the runner-up.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from geo.gazetteer import Gazetteer
from geo.models import Mention, Place, Toponym
from geo.textutil import fold

FORM_PRIOR = {"name": 0.0, "abbr": 0.0, "alt": -0.4, "demonym": 0.0}
CONTEXT_PASSES = 2
CONTEXT_BLOCK = 30  # mentions; context is a block and its neighbours, so long texts stay linear
_QUALIFIER = re.compile(r"^\s*,\s*(?:the\s+)?([A-Z][\w.'’ -]{0,30}?)(?=[\s,.;:)!?]|$)")
# A sea, gulf or strait named as such is the water, not a region named after it ("in the Red Sea", not Sudan's Red
# Sea state), unless a designator follows ("Red Sea state")
_WATER = re.compile(r"\b(?:sea|ocean|gulf|strait|straits|channel|bay)\b", re.I)
_DESIGNATOR_AFTER = re.compile(r"\s+(?:state|region|province|governorate|county|district|prefecture)\b", re.I)
# A name in a list that a plural designator closes names a region: "the Kharkiv and Odesa regions", "over the
# Belgorod, Kursk and Bryansk regions", "Harris and Fort Bend counties"
_LIST_OF_REGIONS = re.compile(r"(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)[A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*)?)*"
                              r"\s+(?:regions|provinces|oblasts|governorates|states|prefectures|counties)\b")


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the linear ranking score; defaults set by measurement (see README, Evaluation)."""

    continent: float = 4.5
    country: float = 3.0
    admin1: float = 2.0
    admin2: float = 2.5
    feature: float = 3.4
    city: float = 0.0
    population: float = 0.6  # per decade of population (cities, countries)
    prominence: float = 0.3  # per decade of the population of a region's country
    capital: float = 0.0
    same_country: float = 3.0
    same_admin1: float = 3.5
    qualifier: float = 6.0
    namesake: float = 1.5
    support: float = 1.0


def _pop_score(population: int) -> float:
    return math.log10(population + 10)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


class Resolver:
    """Ranks candidates with priors and document context."""

    def __init__(self, gazetteer: Gazetteer, *, weights: Weights | None = None) -> None:
        self.gaz = gazetteer
        self.w = weights or Weights()
        self._country_pop: dict[str, int] = {}

    def prior(self, place: Place, form: str) -> float:
        """Context-free score: kind of place, its size, and how its name was matched."""
        w = self.w
        score = getattr(w, place.kind) + FORM_PRIOR.get(form, 0.0)
        if place.kind in ("city", "country"):
            score += w.population * _pop_score(place.population)
        elif place.kind in ("admin1", "admin2"):
            score += w.prominence * _pop_score(self._country_population(place.country))
        if place.capital:
            score += w.capital
        return score

    def _country_population(self, iso: str) -> int:
        if iso not in self._country_pop:
            country = self.gaz.country(iso) if iso else None
            self._country_pop[iso] = country.population if country else 0
        return self._country_pop[iso]

    def resolve(self, text: str, mentions: Sequence[Mention]) -> list[Toponym]:
        if not mentions:
            return []
        forms = [self._forms(m) for m in mentions]  # how the text names each candidate, looked up once
        priors = [self._priors(text, m, f) for m, f in zip(mentions, forms, strict=True)]
        if self.w.support:
            priors = self._with_support(mentions, priors)
        ranked = [self._rank(base) for base in priors]
        for _ in range(CONTEXT_PASSES):
            tops = [(r[0][1], _softmax([sc for sc, _ in r])[0]) if r else None for r in ranked]
            for lo in range(0, len(mentions), CONTEXT_BLOCK):
                ctx = _Context.for_block(tops, lo - CONTEXT_BLOCK, lo + 2 * CONTEXT_BLOCK)
                for i in range(lo, min(lo + CONTEXT_BLOCK, len(mentions))):
                    ranked[i] = self._rank(priors[i], ctx, tops[i])
        return [_toponym(_as_chosen(m, r[0][1], f), r) for m, r, f in zip(mentions, ranked, forms, strict=True) if r]

    def _with_support(self, mentions: Sequence[Mention], priors: list[list[tuple[float, Place]]]
                      ) -> list[list[tuple[float, Place]]]:
        """Spatial minimality: reward a candidate when other names in the text have candidates nearby.

        "Paris" next to "Henry County" is Paris, Tennessee: of all the readings, that one puts the
        two places side by side. Candidates are hashed into half-degree cells; a candidate's support
        is the number of other distinct names with a candidate in its cell or the eight around it.
        """
        keys = [fold(m.text) for m in mentions]
        out = list(priors)
        for lo in range(0, len(mentions), CONTEXT_BLOCK):
            grid: dict[tuple[int, int], set[str]] = {}
            for j in range(max(0, lo - CONTEXT_BLOCK), min(len(mentions), lo + 2 * CONTEXT_BLOCK)):
                for _, place in priors[j]:
                    if place.kind in _POINTS:
                        grid.setdefault(_cell(place), set()).add(keys[j])
            for i in range(lo, min(lo + CONTEXT_BLOCK, len(mentions))):
                scored = []
                for score, place in priors[i]:
                    if place.kind in _POINTS:
                        cx, cy = _cell(place)
                        near: set[str] = set()
                        for dx in (-1, 0, 1):
                            for dy in (-1, 0, 1):
                                near |= grid.get((cx + dx, cy + dy), set())
                        near.discard(keys[i])
                        score += self.w.support * math.log2(1 + len(near))
                    scored.append((score, place))
                out[i] = scored
        return out

    def baseline(self, mentions: Sequence[Mention]) -> list[Toponym]:
        """The most populous candidate, for comparison in the evaluation."""
        out = []
        for m in mentions:
            if m.candidates:
                best = max(m.candidates, key=lambda p: (p.population, p.kind == "country"))
                out.append(Toponym(m, best, 1.0 / len(m.candidates)))
        return out

    def _qualifier(self, text: str, m: Mention) -> frozenset[str]:
        """Country and admin1 codes named right after a comma ("Paris, Texas", "Paris, TX")."""
        hit = _QUALIFIER.match(text[m.end:m.end + 40])
        if not hit:
            return frozenset()
        words = hit.group(1).strip()
        codes: set[str] = set()
        for cut in range(len(words.split()), 0, -1):
            phrase = " ".join(words.split()[:cut])
            for place in self.gaz.lookup(phrase):
                if place.kind == "country":
                    codes.add(place.country)
                elif place.kind == "admin1":
                    codes.add(place.admin1 or place.country)
            if codes:
                break
        return frozenset(codes)

    def _priors(self, text: str, m: Mention, forms: dict[int, str]) -> list[tuple[float, Place]]:
        """Context-free scores of a mention's candidates (``forms``: how the text names each, see _forms),
        qualifier and namesake rules included."""
        qualifier = self._qualifier(text, m) if m.candidates else frozenset()
        regions = [p for p in m.candidates if p.kind == "admin1"]
        designated = bool(_LIST_OF_REGIONS.match(text, m.end, m.end + 120))
        water = bool(_WATER.search(m.text)) and not _DESIGNATOR_AFTER.match(text, m.end, m.end + 20)
        out = []
        for place in m.candidates:
            score = self.prior(place, forms.get(place.id, "name"))
            if designated and place.kind in ("admin1", "admin2"):
                score += self.w.qualifier
            if water and place.kind == "feature":
                score += self.w.qualifier
            if place.kind == "city" and any(inside(place, r) for r in regions):
                score += self.w.namesake  # Kyiv the city, not the region named after it
            if qualifier and (place.country in qualifier or place.admin1 in qualifier):
                score += self.w.qualifier
            out.append((score, place))
        # Context adds a few points at most: candidates far below the best can never win.
        out.sort(key=lambda sp: -sp[0])
        return out[:MAX_CANDIDATES]

    def _rank(self, priors: list[tuple[float, Place]], ctx: _Context | None = None,
              own: tuple[Place, float] | None = None) -> list[tuple[float, Place]]:
        if ctx is None:
            scored = list(priors)
        else:
            scored = [(score + ctx.bonus(place, self.w, own), place) for score, place in priors]
        scored.sort(key=lambda sp: (-sp[0], -sp[1].population, sp[1].id))
        return scored

    def _forms(self, m: Mention) -> dict[int, str]:
        kid = self.gaz.key_id(m.text)
        if kid is None:
            return {}
        return {p.id: form for p, form in self.gaz.entries(kid)}


@dataclass(frozen=True, slots=True)
class _Context:
    """Where the mentions of one stretch of text currently resolve to, weighted by confidence.

    Built once per block of mentions (the block and its neighbours), so long texts stay linear;
    each mention's own contribution is taken out when it is scored.
    """

    countries: Counter
    admin1s: Counter
    total: float

    @classmethod
    def for_block(cls, tops: list[tuple[Place, float] | None], lo: int, hi: int) -> _Context:
        countries: Counter = Counter()
        admin1s: Counter = Counter()
        total = 0.0
        for i in range(max(0, lo), min(len(tops), hi)):
            top = tops[i]
            if top is None:
                continue
            place, conf = top
            total += conf
            if place.country:
                countries[place.country] += conf
            if place.kind in _LOCAL and place.admin1:
                admin1s[place.admin1] += conf
        return cls(countries, admin1s, total)

    def bonus(self, place: Place, w: Weights, own: tuple[Place, float] | None) -> float:
        own_place, own_conf = own if own else (None, 0.0)
        total = self.total - own_conf
        if total <= 1e-9:
            return 0.0
        score = 0.0
        if place.country:
            mass = self.countries.get(place.country, 0.0)
            if own_place is not None and own_place.country:
                mass -= own_conf if own_place.country == place.country else 0.0
            score += w.same_country * min(1.0, 2 * mass / total)
        if place.kind in _LOCAL and place.admin1:
            mass = self.admin1s.get(place.admin1, 0.0)
            if own_place is not None and own_place.kind in _LOCAL and own_place.admin1 == place.admin1:
                mass -= own_conf
            score += w.same_admin1 * min(1.0, 2 * mass / total)
        return score


_LOCAL = frozenset(("city", "admin1", "admin2"))
_POINTS = frozenset(("city", "admin2"))
MAX_CANDIDATES = 12


def _cell(place: Place) -> tuple[int, int]:
    return int(math.floor(place.lat * 2)), int(math.floor(place.lon * 2))


def inside(place: Place, region: Place) -> bool:
    """Whether a place lies in a region: same admin1 code, or within the region's bounding box."""
    if place.country != region.country:
        return False
    if place.admin1 and place.admin1 == region.admin1:
        return True
    if region.bbox is None:
        return False
    west, south, east, north = region.bbox
    return west <= place.lon <= east and south <= place.lat <= north


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def _as_chosen(m: Mention, place: Place, forms: dict[int, str]) -> Mention:
    """The mention with the form by which it names the chosen place: "Canadian" is Canada's demonym even
    though a town in Texas is called Canadian, so "a Canadian convoy" is an actor, not a location."""
    form = forms.get(place.id, m.form)
    return m if form == m.form else replace(m, form=form)


def _toponym(m: Mention, ranked: list[tuple[float, Place]]) -> Toponym:
    probs = _softmax([s for s, _ in ranked])
    runner = ranked[1][1] if len(ranked) > 1 else None
    return Toponym(m, ranked[0][1], probs[0], runner)


def _bounded(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


_DESIGNATOR = re.compile(r"\s+(River|Creek|Lake|Station|Township|Road|Street|Airport|Bridge|Valley|Park|Bay|"
                         r"Island|Islands|Mountains?|Heights|Hills?|Beach|Harbou?r|Port)$")


def candidates_for(gaz: Gazetteer, name: str) -> tuple[Place, ...]:
    """Candidates for a given span (oracle mode).

    Tries the exact name, then common simplifications (article, possessive, a county's bare name,
    a feature's designator: "Neches River" -> "Neches"), then the longest gazetteer name inside the
    span ("Tennessee Colony" -> "Tennessee"), so a span outside the gazetteer still gets a nearby place.
    """
    stripped = re.sub(r"^(the|The)\s+", "", name)
    stripped = re.sub(r"['’]s?$", "", stripped)
    tries = [name, stripped, f"{stripped} County", f"{stripped} Parish",
             re.sub(r"\s+(County|Parish|City|Province|Region|State|District)$", "", stripped),
             fold(stripped).replace(".", ""), _DESIGNATOR.sub("", stripped)]
    for t in tries:
        kid = gaz.key_id(t)
        if kid is not None:
            entries = gaz.entries(kid)
            if entries:
                return tuple(p for p, _ in entries)
    folded = fold(stripped)
    skip = gaz.words("stop") | gaz.words("common")
    inner = [(value & 127, value >> 7) for end, value in gaz.automaton.iter(folded)
             if _bounded(folded, end - (value & 127) + 1, end + 1)
             and folded[end - (value & 127) + 1:end + 1] not in skip]
    if inner:
        _, kid = max(inner)
        return tuple(p for p, _ in gaz.entries(kid))
    return ()
