"""The web service over real HTTP: a threaded WSGI server on a loopback port, urllib as the client.

Every route and error case of the API, the pages' forms (CSRF), security headers, and the store's
promises (no duplicates, corrections survive re-processing, originals recoverable).
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from geo.taxonomy import STATUSES, SUBTYPES
from tests.conftest import SAMPLE
from web import create_app
from web.store import (
    CELL_BUDGET,
    CELL_LEVEL,
    SCHEMA_VERSION,
    EventQuery,
    Processed,
    Store,
    _event_columns,
    cell_of,
    cell_ranges,
    content_hash,
    documents,
    events,
    scan_limit,
    schema_version,
)

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


class Client:
    def __init__(self, base: str) -> None:
        self.base = base

    def request(self, method: str, path: str, body: bytes | str | dict | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def json(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        status, _, raw = self.request(method, path, body, **kw)
        return status, json.loads(raw)


@pytest.fixture(scope="module")
def server(tmp_path_factory, db_url):
    url = db_url(tmp_path_factory.mktemp("db"))
    app = create_app({"DATABASE_URL": url, "MAX_CONTENT_LENGTH": 2 * 1024 * 1024, "SECRET_KEY": "test"})
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield Client(f"http://127.0.0.1:{srv.server_port}")
    srv.shutdown()
    thread.join(timeout=10)
    app.extensions["newsmap.store"].close()


@pytest.fixture(scope="module")
def sample_doc(server: Client) -> dict:
    status, doc = server.json("POST", "/api/v1/documents", {"text": SAMPLE_TEXT, "title": "Paris coalition summit",
                                                             "url": "https://apnews.com/x", "date": "2026-01-06"})
    assert status in (200, 201)
    return doc


def test_health(server: Client) -> None:
    status, body = server.json("GET", "/api/v1/health")
    assert status == 200 and body["status"] == "ok" and body["database"] in ("sqlite", "postgresql")


def test_post_document_then_same_text_is_not_duplicated(server: Client, sample_doc: dict) -> None:
    assert {"Kostroma", "Lipetsk", "Greenland", "Venezuela", "Paris"} <= {e["location"] for e in sample_doc["events"]}
    status, again = server.json("POST", "/api/v1/documents", {"text": SAMPLE_TEXT + "\n"})
    assert status == 200 and again["id"] == sample_doc["id"]
    _, listing = server.json("GET", "/api/v1/documents?limit=500")
    assert [d["id"] for d in listing["documents"]].count(sample_doc["id"]) == 1


def test_post_plain_text_and_uploads(server: Client) -> None:
    status, _, raw = server.request("POST", "/api/v1/documents?title=Plain&date=2025-03-01",
                                    "Protesters marched in Nairobi on Monday.", {"Content-Type": "text/plain"})
    assert status == 201 and json.loads(raw)["title"] == "Plain"
    boundary = "xyz"
    files = [("a.txt", "Shelling hit Kharkiv overnight, officials said."),
             ("b.jsonl", '{"text": "Police arrested 40 people in Tehran.", "title": "T"}\n'
                         '{"text": "Troops were deployed to Goma on Friday."}\n'),
             ("c.csv", 'text,title\n"Rebels seized the town of Kidal, residents said.",Mali\n')]
    parts = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     f"Content-Type: text/plain\r\n\r\n{content}\r\n".encode() for name, content in files)
    status, body = server.json("POST", "/api/v1/documents", parts + f"--{boundary}--\r\n".encode(),
                               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 201 and len(body["documents"]) == 4


def test_get_document_and_unknown_ids(server: Client, sample_doc: dict) -> None:
    status, doc = server.json("GET", f"/api/v1/documents/{sample_doc['id']}")
    assert status == 200 and doc["text"] == SAMPLE_TEXT and doc["places"]
    for path in ("/api/v1/documents/000000000000", "/api/v1/documents/..%2F..%2Fetc%2Fpasswd",
                 "/api/v1/documents/%3Cscript%3E", "/api/v1/events/nope", "/api/v1/maps/zzz.html",
                 "/api/v1/events/000000000000-0000000000"):
        status, body = server.json("GET", path)
        assert status == 404 and body["error"]["status"] == 404, path


@pytest.mark.parametrize(("query", "check"), [
    ("category=strike", lambda e: e["category"] == "strike"),
    ("subtype=strike.drone", lambda e: e["subtype"] == "strike.drone"),
    ("status=planned", lambda e: e["status"] == "planned"),
    ("country=RU", lambda e: e["iso"] == "RU"),
    ("country=russia", lambda e: e["iso"] == "RU"),
    ("q=arsenal", lambda e: "arsenal" in e["sentence"]),
    ("since=2026-01-06&until=2026-01-06", lambda e: e["event_date"] == "2026-01-06"),
    ("bbox=35,50,45,60", lambda e: 35 <= e["lon"] <= 45 and 50 <= e["lat"] <= 60),
    ("category=Ground%20combat", lambda e: e["category"] == "combat"),
])
def test_event_filters(server: Client, sample_doc: dict, query: str, check) -> None:
    status, headers, raw = server.request("GET", f"/api/v1/events?{query}")
    body = json.loads(raw)
    assert status == 200 and headers["Content-Type"].startswith("application/geo+json")
    assert body["type"] == "FeatureCollection" and body["numberReturned"] == len(body["features"]) > 0
    assert all(check(f["properties"]) for f in body["features"])


def test_bbox_finds_the_kostroma_strike_and_paging_links(server: Client, sample_doc: dict) -> None:
    _, body = server.json("GET", "/api/v1/events?bbox=38,56,46,60")
    assert "Kostroma" in {f["properties"]["location"] for f in body["features"]}
    _, page1 = server.json("GET", "/api/v1/events?limit=2")
    assert page1["numberReturned"] == 2 and page1["numberMatched"] > 2
    nxt = next(link["href"] for link in page1["links"] if link["rel"] == "next")
    _, page2 = server.json("GET", nxt)
    assert {f["id"] for f in page2["features"]}.isdisjoint({f["id"] for f in page1["features"]})


def test_match_count_stops_at_the_cap(server: Client, sample_doc: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    _, full = server.json("GET", "/api/v1/events?limit=1")
    assert full["numberMatchedExact"] is True and full["numberMatched"] > 3
    monkeypatch.setattr("web.store.COUNT_CAP", 2)  # counted up to max(cap, offset + limit), then "more than"
    _, capped = server.json("GET", "/api/v1/events?limit=1")
    assert capped["numberMatched"] == 3 and capped["numberMatchedExact"] is False
    assert any(link["rel"] == "next" for link in capped["links"])
    _, paged = server.json("GET", f"/api/v1/events?limit=1&offset={full['numberMatched'] - 1}")
    assert paged["numberMatched"] == full["numberMatched"] and paged["numberMatchedExact"] is True
    assert paged["numberReturned"] == 1 and not paged["links"]


@pytest.mark.parametrize("query", ["bbox=1,2", "bbox=a,b,c,d", "bbox=10,0,5,1", "since=yesterday", "until=2026-13-01",
                                   "since=2026-02-01&until=2026-01-01", "limit=0", "limit=99999", "offset=-1",
                                   "limit=ten", "category=weather", "subtype=strike.nuclear", "status=maybe",
                                   "q=" + "x" * 300])
def test_bad_filters_are_400_with_a_message(server: Client, query: str) -> None:
    status, headers, raw = server.request("GET", f"/api/v1/events?{query}")
    body = json.loads(raw)
    assert status == 400 and body["error"]["message"] and "Traceback" not in raw.decode()
    assert headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(("body", "headers", "status"), [
    ({"text": ""}, None, 400),
    ({"text": "   "}, None, 400),
    ({"text": 42}, None, 400),
    ({"title": "no text"}, None, 400),
    ({"text": "ok text in Paris", "date": "not a date"}, None, 400),
    (b"\xff\xfe\x00\x01binary", {"Content-Type": "text/plain"}, 400),
    ("Caf\xe9 in Paris".encode("latin-1"), {"Content-Type": "text/plain"}, 400),
    (b"{not json", {"Content-Type": "application/json"}, 400),
    (b"[1, 2]", {"Content-Type": "application/json"}, 400),
    (b"text=hello", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    (b"<xml/>", {"Content-Type": "application/xml"}, 415),
])
def test_bad_documents(server: Client, body, headers, status: int) -> None:
    code, _, raw = server.request("POST", "/api/v1/documents", body, headers)
    assert code == status and json.loads(raw)["error"]["message"]


def test_nul_characters_are_400_and_nothing_is_stored(server: Client) -> None:
    _, before = server.json("GET", "/api/v1/health")
    for body in ({"text": "Shelling hit Kharkiv\u0000 overnight."}, {"text": "Shelling hit Odesa.", "title": "a\u0000"},
                 {"text": "Shelling hit Lviv.", "url": "https://x/\u0000"}):
        status, out = server.json("POST", "/api/v1/documents", body)
        assert status == 400 and "NUL" in out["error"]["message"], body
    past_sniffing = b"Protesters gathered in Nairobi. " * 300 + b"\x00"  # decode() looks at the first 8 KiB only
    upload = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="n.txt"\r\n\r\n' + past_sniffing +
              b"\r\n--b--\r\n")
    status, out = server.json("POST", "/api/v1/documents", upload,
                              headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert status == 400 and "NUL" in out["error"]["message"]
    for query in ("q=a%00b", "country=%00"):
        status, out = server.json("GET", f"/api/v1/events?{query}")
        assert status == 400 and "NUL" in out["error"]["message"], query
    _, after = server.json("GET", "/api/v1/health")
    assert after["documents"] == before["documents"]


def test_q_takes_like_wildcards_literally(server: Client) -> None:
    titles = ["zq50% up", "zq500 up", "zq_1", "zqa1", "zq\\w", "zqw"]
    for n, title in enumerate(titles):
        status, _ = server.json("POST", "/api/v1/documents",
                                {"text": f"Shelling hit Kharkiv overnight, officials said ({n}).", "title": title})
        assert status == 201
    for q, title in (("zq50%25", "zq50% up"), ("zq_1", "zq_1"), ("ZQ%5C", "zq\\w")):
        _, body = server.json("GET", f"/api/v1/events?q={q}")
        assert body["numberMatched"] > 0 and {f["properties"]["title"] for f in body["features"]} == {title}, q


def test_oversized_body_is_413_and_nothing_is_stored(server: Client) -> None:
    _, before = server.json("GET", "/api/v1/health")
    big = "Shelling hit Kharkiv. " * 120_000  # about 2.6 MB, over the 2 MB limit of this app
    status, body = server.json("POST", "/api/v1/documents", {"text": big})
    assert status == 413 and "larger than" in body["error"]["message"]
    _, after = server.json("GET", "/api/v1/health")
    assert after["documents"] == before["documents"]


def test_bad_uploads(server: Client) -> None:
    def upload(name: str, content: bytes) -> tuple[int, dict]:
        body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="' + name.encode() +
                b'"\r\n\r\n' + content + b"\r\n--b--\r\n")
        return server.json("POST", "/api/v1/documents", body,
                           headers={"Content-Type": "multipart/form-data; boundary=b"})

    for name, content, needle in [("x.pdf", b"%PDF", "upload a .txt"), ("../../etc/passwd", b"root", "upload a .txt"),
                                  ("e.txt", b"", "empty"), ("bin.txt", b"\x00\x01\x02", "binary"),
                                  ("bad.jsonl", b'{"text": "ok in Paris"}\n{oops\n', "line 2"),
                                  ("notext.csv", b"title\nx\n", "'text' column")]:
        status, body = upload(name, content)
        assert status == 400 and needle in body["error"]["message"], (name, body)


def test_corrections_apply_survive_reprocessing_and_keep_the_original(server: Client, sample_doc: dict) -> None:
    doc_id = sample_doc["id"]
    strike = next(e for e in sample_doc["events"] if e["subtype"] == "strike.drone" and e["location"] == "Lipetsk")
    status, changed = server.json("POST", f"/api/v1/events/{strike['id']}/corrections",
                                  {"action": "status", "value": "claimed"})
    assert status == 200 and changed["status"] == "claimed" and changed["automatic"]["status"] == "occurred"
    summit = next(e for e in sample_doc["events"] if e["subtype"] == "diplomacy.summit" and e["location"] == "Paris")
    status, rejected = server.json("POST", f"/api/v1/events/{summit['id']}/corrections", {"action": "reject"})
    assert status == 200 and rejected["rejected"] is True
    _, listing = server.json("GET", "/api/v1/events?subtype=diplomacy.summit&limit=1000")
    assert summit["id"] not in {f["id"] for f in listing["features"]}
    # re-resolve a place: "Paris" to Paris, Texas
    paris = next(p for p in sample_doc["places"] if p["text"] == "Paris")
    _, found = server.json("GET", "/api/v1/gazetteer?q=Paris")
    texas = next(p for p in found["places"] if p["country"] == "US" and p["kind"] == "city")
    status, doc = server.json("POST", f"/api/v1/documents/{doc_id}/places/{paris['start']}-{paris['end']}/corrections",
                              {"place_id": texas["place_id"]})
    fixed = next(p for p in doc["places"] if p["start"] == paris["start"])
    assert status == 200 and fixed["country"] == "US" and fixed["corrected"] and fixed["automatic"]["country"] == "FR"
    status, doc = server.json("POST", f"/api/v1/documents/{doc_id}/reprocess")
    assert status == 200
    after = {e["id"]: e for e in doc["events"]}
    assert after[strike["id"]]["status"] == "claimed" and after[summit["id"]]["rejected"]
    assert next(p for p in doc["places"] if p["start"] == paris["start"])["country"] == "US"
    assert [c["action"] for c in doc["corrections"]] == ["status", "reject", "resolve"]


def test_events_say_what_typed_them(server: Client, sample_doc: dict) -> None:
    """The lexicon or the typing model, and "review" once a reviewer sets the sub-type (the automatic value kept)."""
    assert {e["typed_by"] for e in sample_doc["events"]} <= {"lexicon", "classifier"}
    event = next(e for e in sample_doc["events"] if e["subtype"] == "support.military_aid")
    status, changed = server.json("POST", f"/api/v1/events/{event['id']}/corrections",
                                  {"action": "subtype", "value": "support.cooperation"})
    assert status == 200 and changed["typed_by"] == "review"
    assert changed["automatic"]["typed_by"] == event["typed_by"]


def test_move_an_event_to_another_place_of_its_sentence(server: Client, sample_doc: dict) -> None:
    event = next(e for e in sample_doc["events"] if e["location"] == "Kostroma")
    others = [p for p in sample_doc["places"] if event["sentence_start"] <= p["start"] and
              p["end"] <= event["sentence_end"] and p["start"] != event["place_start"]]
    target = others[0]
    status, moved = server.json("POST", f"/api/v1/events/{event['id']}/corrections",
                                {"action": "move", "value": {"start": target["start"], "end": target["end"]}})
    assert status == 200 and moved["place_start"] == target["start"] and moved["located_by"] == "review"
    status, body = server.json("POST", f"/api/v1/events/{event['id']}/corrections",
                               {"action": "move", "value": {"start": 0, "end": 3}})
    assert status == 400


@pytest.mark.parametrize(("body", "status"), [({"action": "explode"}, 400), ({"action": "subtype", "value": "x"}, 400),
                                              ({"action": "status", "value": "maybe"}, 400), ({"value": 1}, 400),
                                              ({"action": "move", "value": "here"}, 400)])
def test_bad_corrections(server: Client, sample_doc: dict, body: dict, status: int) -> None:
    event_id = sample_doc["events"][0]["id"]
    code, out = server.json("POST", f"/api/v1/events/{event_id}/corrections", body)
    assert code == status and out["error"]["message"]
    code, _, _ = server.request("POST", f"/api/v1/events/{event_id}/corrections", b"action=reject",
                                {"Content-Type": "application/x-www-form-urlencoded"})
    assert code == 415


def test_maps_are_self_contained_with_a_strict_csp(server: Client, sample_doc: dict) -> None:
    status, headers, raw = server.request("GET", f"/api/v1/maps/{sample_doc['id']}.html")
    html = raw.decode()
    assert status == 200 and "newsmap-data" in html and "cdn.jsdelivr" not in html
    csp = headers["Content-Security-Policy"]
    assert "'sha256-" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    status, _, raw = server.request("GET", "/api/v1/maps/events.html?category=strike")
    assert status == 200 and b"Strikes (" in raw


def test_security_headers_and_csrf(server: Client) -> None:
    status, headers, raw = server.request("GET", "/")
    assert status == 200 and headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert 'name="csrf_token"' in raw.decode()
    status, _, raw = server.request("POST", "/documents", b"text=Shelling+hit+Kharkiv",
                                    {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"form expired" in raw and b"Traceback" not in raw


def test_pages_escape_article_text(server: Client) -> None:
    evil = 'Drones hit an oil depot in Lipetsk <script>alert(1)</script> region. <img src=x onerror=alert(2)>'
    _, doc = server.json("POST", "/api/v1/documents", {"text": evil, "title": "<b>t</b>"})
    _, _, raw = server.request("GET", f"/documents/{doc['id']}")
    page = raw.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<b>t</b>" not in page


def test_openapi_lists_exactly_the_routes(server: Client) -> None:
    from openapi_spec_validator import validate

    status, spec = server.json("GET", "/api/v1/openapi.json")
    assert status == 200
    validate(spec)
    app = create_app({"DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "x"})
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert routes == documented


def test_area_events_keep_their_gazetteer_place_for_shapes(server: Client, sample_doc: dict) -> None:
    greenland = next(e for e in sample_doc["events"] if e["location"] == "Greenland")
    assert greenland["place_kind"] == "country" and greenland["place_id"] is not None
    _, _, raw = server.request("GET", f"/api/v1/maps/{sample_doc['id']}.html")
    assert b'"shapes":{"0":' in raw  # country and region outlines travel with the map


# ---- box queries through cells (Store.events), against a brute-force filter of every event ----------------------

CENTRES = ((2.35, 48.86), (37.62, 55.75), (-74.0, 40.7), (30.5, 50.45), (151.2, -33.87), (179.9, 0.0))


def _synthetic(rng: random.Random, n_docs: int, per_doc: int) -> list[Processed]:
    """Documents of clustered events (some unlocated), every sub-type, through the store's own row shaping."""
    subtypes = sorted(SUBTYPES)
    docs = []
    for d in range(n_docs):
        text = f"synthetic document {d}"
        digest = content_hash(text)
        rows = []
        for j in range(per_doc):
            lon, lat = rng.choice(CENTRES)
            spread = rng.choice((0.05, 0.5, 5.0))
            located = rng.random() > 0.1
            row = {"subtype": rng.choice(subtypes), "status": rng.choice(STATUSES),  # positions on a 0.001° grid
                   "lon": round(max(-180.0, min(180.0, lon + rng.gauss(0, spread))), 3) if located else None,
                   "lat": round(max(-90.0, min(90.0, lat + rng.gauss(0, spread))), 3) if located else None}
            rows.append({"id": f"{digest[:12]}-{j:010x}", "auto": json.dumps(row),
                         **_event_columns(row, "2024-01-01")})
        docs.append(Processed(doc_id=digest[:12], content_hash=digest, text=text, source_url="", published="2024-01-01",
                              title=f"doc {d} {'alpha' if d % 3 == 0 else 'beta'}", places=[], events=rows))
    return docs


@pytest.fixture(scope="module")
def box_store(tmp_path_factory: pytest.TempPathFactory, db_url, gazetteer) -> Any:
    """A store of 1,200 synthetic events, some rejected (and one rejected then restored)."""
    store = Store(db_url(tmp_path_factory.mktemp("boxes")), gazetteer)
    rng = random.Random(7)
    assert store.add_processed(_synthetic(rng, 8, 150)) == 8
    with store.begin() as con:
        ids = con.execute(sa.select(events.c.id).order_by(events.c.pk)).scalars().all()
    for event_id in rng.sample(ids, 40):
        store.correct_event(event_id, "reject")
    store.correct_event(ids[5], "reject")
    store.correct_event(ids[5], "restore")
    yield store
    store.close()


def _matches(store: Store, q: EventQuery) -> list[str]:
    """The ids of every event a box query matches, newest first, from all stored events filtered in Python."""
    with store.begin() as con:
        rows = con.execute(sa.select(events.c.pk, events.c.id, events.c.lon, events.c.lat, events.c.category,
                                     events.c.subtype, events.c.rejected, documents.c.title)
                           .join(documents, documents.c.id == events.c.document_id)).mappings().all()
    x1, y1, x2, y2 = q.bbox
    hits = [r for r in rows if not r["rejected"] and r["lon"] is not None and x1 <= r["lon"] <= x2
            and y1 <= r["lat"] <= y2 and q.category in (None, r["category"]) and q.subtype in (None, r["subtype"])
            and (q.q is None or q.q in r["title"])]
    return [r["id"] for r in sorted(hits, key=lambda r: -r["pk"])]


def test_box_queries_equal_a_brute_force_filter(box_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # small caps, so the three ways a box is answered all occur: every match counted (at most the cap); more than
    # the cap, at most the scan (count "more", page from the scanned keys); more than the scan (newest-first)
    monkeypatch.setattr("web.store.COUNT_CAP", 15)
    monkeypatch.setattr("web.store.SCAN", 150)
    rng = random.Random(11)
    cats, subtypes = sorted({s.category for s in SUBTYPES.values()}), sorted(SUBTYPES)
    ways = set()
    for _ in range(250):
        lon, lat = rng.choice(CENTRES)
        side = rng.choice((0.1, 1.0, 8.0, 40.0, 400.0))
        # edges between grid points: PostGIS's && (filters besides a box and a category) compares float4 boxes
        bbox = tuple(round(v, 3) + 0.0005 for v in (lon - side * rng.random(), lat - side * rng.random() / 2,
                                                    lon + side * rng.random(), lat + side * rng.random() / 2))
        bbox = (max(-180.0, bbox[0]), max(-90.0, bbox[1]), min(180.0, bbox[2]), min(90.0, bbox[3]))
        q = EventQuery(bbox=bbox, category=rng.choice((None, None, *cats)),
                       subtype=rng.choice((None,) * 8 + (*subtypes,)), q=rng.choice((None, None, None, "alpha")),
                       include_rejected=rng.random() < 0.2, limit=rng.choice((1, 7, 30)),
                       offset=rng.choice((0, 0, 3, 20, 60)))
        found, total = box_store.events(q)
        hits = _matches(box_store, q)
        assert [e["id"] for e in found] == hits[q.offset:q.offset + q.limit], q
        assert total == min(len(hits), q.count_cap + 1), q
        scan = scan_limit(q.offset + q.limit, q.count_cap)
        ways.add("counted" if len(hits) <= q.count_cap else "scanned" if len(hits) <= scan else "newest-first")
    assert ways == {"counted", "scanned", "newest-first"}


def test_box_edges_are_exact(box_store: Store) -> None:
    """A box and a category are answered from the cells: an event on an edge is in, one a hair outside is out."""
    rng = random.Random(13)
    with box_store.begin() as con:
        located = con.execute(sa.select(events.c.lon, events.c.lat, events.c.category)
                              .where(events.c.cell.is_not(None))).all()
    for lon, lat, category in rng.sample(located, 30):
        above, below = math.nextafter(lon, math.inf), math.nextafter(lat, -math.inf)
        for bbox in ((lon, lat, lon, lat), (lon - 1, lat - 1, lon, lat), (above, lat, lon + 1, lat + 1),
                     (lon - 1, lat - 1, lon + 1, below)):
            for q in (EventQuery(bbox=bbox, limit=1000), EventQuery(bbox=bbox, category=category, limit=1000)):
                found, total = box_store.events(q)
                hits = _matches(box_store, q)
                assert ([e["id"] for e in found], total) == (hits[:1000], min(len(hits), q.count_cap + 1)), q


def test_cells_cover_every_box() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        lon, lat, side = rng.uniform(-180, 180), rng.uniform(-90, 90), rng.choice((1e-4, 0.3, 5.0, 60.0, 400.0))
        bbox = (max(-180.0, lon - side), max(-90.0, lat - side / 2), min(180.0, lon + side), min(90.0, lat + side / 2))
        ranges = cell_ranges(bbox)
        assert len(ranges) <= 4 * CELL_BUDGET + 4 and all(lo <= hi for lo, hi in ranges)
        assert all(a[1] + 1 < b[0] for a, b in zip(ranges, ranges[1:], strict=False))  # sorted, merged
        for _ in range(20):
            c = cell_of(rng.uniform(bbox[0], bbox[2]), rng.uniform(bbox[1], bbox[3]))
            assert any(lo <= c <= hi for lo, hi in ranges)
    assert cell_ranges((-180.0, -90.0, 180.0, 90.0)) == [(0, 4 ** CELL_LEVEL - 1)] and cell_of(None, 1.0) is None


def _reopened(store: Store, url: str, gazetteer: Any) -> Store:
    """``store`` closed and opened again, as a newer newsmap opens an older database: upgraded to this schema."""
    store.close()
    store = Store(url, gazetteer)
    with store.begin() as con:
        assert con.execute(sa.select(schema_version.c.version)).scalar() == SCHEMA_VERSION
    return store


def test_a_schema_2_database_learns_what_typed_each_event(tmp_path, db_url, gazetteer) -> None:
    url = db_url(tmp_path)
    store = Store(url, gazetteer)
    store.add_processed(_synthetic(random.Random(6), 1, 20))
    with store.begin() as con:  # back to schema 2: no typed_by column; one automatic event says what typed it
        ids = con.execute(sa.select(events.c.id).order_by(events.c.pk)).scalars().all()
        said = {"subtype": "strike.air", "status": "occurred", "typed_by": "classifier"}
        con.execute(events.update().where(events.c.id == ids[0]).values(auto=json.dumps(said)))
        con.exec_driver_sql("ALTER TABLE events DROP COLUMN typed_by")
        con.execute(schema_version.update().values(version=2))
    store = _reopened(store, url, gazetteer)
    try:
        with store.begin() as con:
            typed = dict(con.execute(sa.select(events.c.id, events.c.typed_by)).all())
        assert typed[ids[0]] == "classifier" and all(typed[i] is None for i in ids[1:])
    finally:
        store.close()


def test_a_schema_1_database_gets_its_cells(tmp_path, db_url, gazetteer) -> None:
    url = db_url(tmp_path)
    store = Store(url, gazetteer)
    store.add_processed(_synthetic(random.Random(5), 2, 50))
    with store.begin() as con:
        first = con.execute(sa.select(events.c.id).order_by(events.c.pk)).scalars().first()
    store.correct_event(first, "reject")
    with store.begin() as con:  # back to schema 1: no cell column (nor its index), an R*Tree on SQLite
        con.exec_driver_sql("DROP INDEX events_cell_idx")
        con.exec_driver_sql("ALTER TABLE events DROP COLUMN cell")
        if store.dialect == "sqlite":
            con.exec_driver_sql("CREATE VIRTUAL TABLE events_rtree USING rtree(pk, min_x, max_x, min_y, max_y)")
        con.execute(schema_version.update().values(version=1))
    store = _reopened(store, url, gazetteer)
    try:
        with store.begin() as con:
            rows = con.execute(sa.select(events.c.id, events.c.lon, events.c.lat, events.c.cell)).all()
            tables = sa.inspect(con).get_table_names()
        assert all(cell == (None if event_id == first else cell_of(lon, lat)) for event_id, lon, lat, cell in rows)
        assert sum(cell is not None for *_, cell in rows) > 50 and "events_rtree" not in tables
        q = EventQuery(bbox=(-180.0, -90.0, 180.0, 90.0), limit=1000)
        assert [e["id"] for e in store.events(q)[0]] == _matches(store, q)
    finally:
        store.close()
