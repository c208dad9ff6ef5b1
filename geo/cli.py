"""The ``newsmap`` command: geoparse, events, map, ingest, geocode, eval, bench, serve.

Errors the user can fix (missing file, bad encoding, bad JSON line) print one line and exit 2;
no traceback reaches the terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import NewsMapError
from geo.io import open_output, read_jsonl_docs, read_text

if TYPE_CHECKING:  # the web side is imported only by the commands that use it
    from web.outdir import OutputDir
    from web.store import Store

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsmap", description="Offline geoparsing of news into maps.")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("geoparse", help="find and resolve place mentions")
    g.add_argument("file", nargs="?", help="a UTF-8 text file, or - for stdin")
    g.add_argument("--input", help="JSONL documents ({'id', 'text', ...} per line), or - for stdin")
    g.add_argument("--output", default="-", help="JSONL output for --input (default: stdout)")
    g.add_argument("--oracle", action="store_true", help="resolve the input's own 'toponyms' spans only")
    g.add_argument("--gazetteer", help="gazetteer file (default: $NEWSMAP_GAZETTEER or the built one)")

    v = sub.add_parser("events", help="find events, typed and located")
    v.add_argument("file", nargs="?", help="a UTF-8 text file, or - for stdin")
    v.add_argument("--input", help="JSONL documents; each line gains 'places' and 'events'")
    v.add_argument("--output", "-o", default="-", help="output file (default: stdout; required for gpkg)")
    v.add_argument("--format", choices=("json", "geojson", "csv", "gpkg"), default="json")
    v.add_argument("--date", help="document date YYYY-MM-DD, to resolve 'Tuesday' and the like")
    v.add_argument("--source", default="", help="source URL or title recorded with each event")

    m = sub.add_parser("map", help="draw a layered event map as one self-contained HTML file (and a PNG)")
    m.add_argument("file", help="article .txt (or - for stdin), documents or events .jsonl, events .geojson/.json")
    m.add_argument("--output", "-o", help="HTML file to write (self-contained: opens with no network)")
    m.add_argument("--basemap", default="offline",
                   help="offline (country outlines, no tile server), osm, or an XYZ tile URL template")
    m.add_argument("--attribution", default="", help="attribution text for a custom tile URL")
    m.add_argument("--title", default="", help="map title (default: the file name)")
    m.add_argument("--subtitle", default="")
    m.add_argument("--source", default="", help="source URL cited in popups")
    m.add_argument("--date", help="document date YYYY-MM-DD, to resolve 'Tuesday' and the like")
    m.add_argument("--png", help="also write a screenshot (headless Chromium)")
    m.add_argument("--width", type=int, default=1200)
    m.add_argument("--height", type=int, default=800)
    m.add_argument("--embed", metavar="URL", help="print a responsive iframe snippet for the map published at URL")

    i = sub.add_parser("ingest", help="batch-geoparse archives into the store or a GeoParquet/GeoPackage directory "
                                      "(resumable; workers or Dask)")
    i.add_argument("sources", nargs="+", help=".jsonl, .csv, folders of .txt/.html, RSS/Atom files or URLs, "
                                               "article URLs")
    i.add_argument("--database", help="store URL (default: $NEWSMAP_DATABASE_URL or the embedded SQLite file)")
    i.add_argument("--output", metavar="DIR", help="write parts of documents, events and places into DIR "
                                                   "instead of a database (each worker its own parts)")
    i.add_argument("--format", choices=("parquet", "gpkg"), help="with --output: GeoParquet (default) or "
                                                                 "GeoPackage parts")
    i.add_argument("--workers", type=int, default=1, help="worker processes (each loads the gazetteer once)")
    i.add_argument("--engine", choices=("local", "dask"), default="local")
    i.add_argument("--scheduler", help="an existing Dask scheduler, tcp://host:port (with --engine dask)")
    i.add_argument("--batch", type=int, default=500,
                   help="documents per batch: one worker processes it and writes one transaction or output part")
    i.add_argument("--rejects", default="rejects.jsonl", help="where rejected records and reasons go")
    i.add_argument("--quiet", action="store_true", help="no progress bar")

    c = sub.add_parser("geocode", help="look a name up in the offline gazetteer")
    c.add_argument("query")
    c.add_argument("--all", action="store_true", help="print every match, not only the best")
    c.add_argument("--online", action="store_true", help="fall back to Nominatim (network; opt-in)")

    e = sub.add_parser("eval", help="measure against gold corpora")
    e.add_argument("--eval-dir", default="../shared/eval")
    e.add_argument("--corpus", action="append", help="corpus name (default: lgl, trnews, geovirus, wiktor)")
    e.add_argument("--limit", type=int, help="first N documents of each corpus")
    e.add_argument("--no-events", action="store_true", help="skip the events section")
    e.add_argument("--no-places", action="store_true", help="skip the geoparsing section")
    gold_dir = Path(__file__).resolve().parent.parent / "data" / "eval"
    e.add_argument("--events-gold", action="append",
                   help="hand-made event typing gold set (repeatable; default: the three sets in data/eval/)")
    e.set_defaults(gold_dir=gold_dir)

    b = sub.add_parser("bench", help="measure speed and memory")
    b.add_argument("--eval-dir", default="../shared/eval")
    b.add_argument("--corpus", default="lgl")

    s = sub.add_parser("serve", help="serve the map web app")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=5000)
    s.add_argument("--load", action="append", default=[], help="text file to store (once) before serving")
    s.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except NewsMapError as err:
        print(f"newsmap: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _geoparse(args: argparse.Namespace) -> int:
    from geo.gazetteer import Gazetteer, get_gazetteer
    from geo.pipeline import Geoparser

    if bool(args.file) == bool(args.input):
        raise _usage("give either FILE or --input DOCS.jsonl")
    gaz = Gazetteer(args.gazetteer) if args.gazetteer else get_gazetteer()
    parser = Geoparser(gaz)
    if args.file:
        text = read_text(args.file)
        places = [t.to_dict() for t in parser.geoparse(text)]
        json.dump(places, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    with open_output(args.output) as out:
        for doc in _progress(read_jsonl_docs(args.input), args.input):
            doc["places"] = _places_for(parser, doc, oracle=args.oracle)
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return 0


def _places_for(parser: Any, doc: dict, *, oracle: bool) -> list[dict]:
    if oracle:
        spans = [(t["start"], t["end"]) for t in doc.get("toponyms") or []]
        toponyms = parser.resolve_spans(doc["text"], spans)
    else:
        toponyms = parser.geoparse(doc["text"])
    keep = ("start", "end", "name", "lat", "lon", "kind", "country", "geonameid", "confidence", "text",
            "form", "admin1", "runner_up")
    return [{k: d[k] for k in keep} for d in (t.to_dict() for t in toponyms)]


def _progress(docs: Iterator[dict], source: str) -> Iterator[dict]:
    """A progress bar on an interactive terminal; plain iteration otherwise (pipes, CI)."""
    if not sys.stderr.isatty():
        yield from docs
        return
    from tqdm import tqdm

    yield from tqdm(docs, desc=f"geoparse {source}", unit="doc", file=sys.stderr)


def _doc_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as err:
        raise _usage(f"date {value!r} is not YYYY-MM-DD") from err


def _events(args: argparse.Namespace) -> int:
    from geo.pipeline import Geoparser

    if bool(args.file) == bool(args.input):
        raise _usage("give either FILE or --input DOCS.jsonl")
    parser = Geoparser()
    if args.input:
        if args.format != "json":
            raise _usage("--input writes JSONL; use --format with a single FILE")
        with open_output(args.output) as out:
            for doc in _progress(read_jsonl_docs(args.input), args.input):
                toponyms, events = parser.events(doc["text"], doc_id=str(doc.get("id", "")),
                                                 doc_date=_doc_date(doc.get("date") or args.date))
                doc["places"] = [t.to_dict() for t in toponyms]
                doc["events"] = [e.to_dict() for e in events]
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return 0
    text = read_text(args.file)
    doc_id = Path(args.file).stem if args.file != "-" else "stdin"
    _, events = parser.events(text, doc_id=doc_id, doc_date=_doc_date(args.date))
    if args.format == "json":
        with open_output(args.output) as out:
            json.dump([e.to_dict() for e in events], out, ensure_ascii=False, indent=2)
            out.write("\n")
        return 0
    from geo.export import write_csv, write_file

    source = args.source or args.file
    if args.format == "csv" and args.output == "-":
        write_csv(events, sys.stdout, gazetteer=parser.gazetteer, source=source)
        return 0
    if args.output == "-":
        raise _usage(f"--format {args.format} needs --output FILE")
    write_file(events, Path(args.output), args.format, gazetteer=parser.gazetteer, source=source)
    return 0


def _map(args: argparse.Namespace) -> int:
    from geo.maps import MapOptions, build_map, embed_snippet, save_html, save_png
    from geo.maps.inputs import load
    from geo.pipeline import Geoparser

    if args.png and not args.output:
        raise _usage("--png needs --output MAP.html to render from")
    if not args.output and not args.embed:
        raise _usage("give --output MAP.html (and optionally --png MAP.png) or --embed URL")
    if not (100 <= args.width <= 8000 and 100 <= args.height <= 8000):
        raise _usage("--width and --height must be between 100 and 8000 pixels")
    if args.output:
        parser = Geoparser()
        rows, mentions = load(args.file, parser, title=args.title, source=args.source, date=_doc_date(args.date))
        name = Path(args.file).stem.replace("-", " ").capitalize() if args.file != "-" else "News events"
        title = args.title or name
        located = sum(1 for r in rows if r.get("lat") is not None)
        subtitle = args.subtitle or f"{len(rows)} events, {located} located · newsmap"
        options = MapOptions(title=title, subtitle=subtitle, basemap=args.basemap, attribution=args.attribution)
        out = save_html(build_map(rows, options, mentions=mentions, gazetteer=parser.gazetteer), Path(args.output))
        print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {len(rows)} events)", file=sys.stderr)
        if args.png:
            save_png(out, Path(args.png), width=args.width, height=args.height)
            print(f"wrote {args.png}", file=sys.stderr)
    if args.embed:
        print(embed_snippet(args.embed, title=args.title or "News events map"))
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from web.ingest import rejects_file, run_ingest

    if args.batch < 1:
        raise _usage("--batch must be at least 1")
    if args.scheduler and args.engine != "dask":
        raise _usage("--scheduler needs --engine dask")
    if args.output and args.database:
        raise _usage("give --database or --output, not both")
    if args.format and not args.output:
        raise _usage("--format needs --output DIR")
    store = _ingest_target(args)
    rejects = rejects_file(args.rejects)
    try:
        summary = run_ingest(args.sources, store, workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                             batch=args.batch, rejects=rejects, progress=not args.quiet and sys.stderr.isatty())
    finally:
        if rejects is not None:
            rejects.close()
        store.close()
    print(summary.report(), file=sys.stderr)
    if summary.rejected:
        print(f"rejected records and reasons: {args.rejects}", file=sys.stderr)
    return 0


def _ingest_target(args: argparse.Namespace) -> Store | OutputDir:
    """The output directory of --output, or the database (--database, $NEWSMAP_DATABASE_URL, the embedded file)."""
    if args.output:
        from web.outdir import OutputDir

        return OutputDir(args.output, args.format or "parquet")
    from geo.gazetteer import get_gazetteer
    from web import config_from_env
    from web.store import Store

    url = args.database or config_from_env()["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    return Store(url, get_gazetteer())


def _geocode(args: argparse.Namespace) -> int:
    from geo.geopy_adapter import OfflineGeocoder, online_fallback

    geocoder = OfflineGeocoder()
    locations = geocoder.geocode(args.query, exactly_one=False) or []
    if not locations and args.online:
        hit = online_fallback().geocode(args.query)
        locations = [hit] if hit else []
    if not locations:
        print(f"newsmap: no place called {args.query!r} in the gazetteer", file=sys.stderr)
        return 1
    for loc in locations if args.all else locations[:1]:
        print(json.dumps({"address": loc.address, "lat": loc.latitude, "lon": loc.longitude,
                          "raw": loc.raw}, ensure_ascii=False))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from geo.pipeline import Geoparser

    eval_dir = Path(args.eval_dir)
    if not eval_dir.is_dir():
        raise _usage(f"evaluation directory {eval_dir} not found (set EVAL_DIR=... for make eval)")
    parser = Geoparser()
    if not args.no_places:
        _eval_places(parser, eval_dir, args)
    if not args.no_events:
        _eval_events(parser, eval_dir, args)
    return 0


def _eval_places(parser: Any, eval_dir: Path, args: argparse.Namespace) -> None:
    from geo.evaluate import CORPORA, evaluate_corpus, format_table

    rows = []
    for name in args.corpus or CORPORA:
        path = eval_dir / f"{name}.jsonl"
        if not path.exists():
            print(f"skip {name}: {path} not found", file=sys.stderr)
            continue
        for mode, oracle, baseline in (("end-to-end", False, False), ("e2e baseline", False, True),
                                       ("oracle", True, False), ("oracle baseline", True, True)):
            scores = evaluate_corpus(parser, path, oracle=oracle, baseline=baseline, limit=args.limit)
            rows.append((name, mode, scores))
            print(format_table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(format_table(rows))
    print("baseline = most populous candidate; oracle = gold spans given, so P/R/F1 are 1 by construction.")


def _eval_events(parser: Any, eval_dir: Path, args: argparse.Namespace) -> None:
    from geo.evaluate_events import (
        REAL_NEWS,
        REAL_NEWS_DEV,
        TYPING_SETS,
        evaluate_links,
        evaluate_real_news,
        evaluate_typing,
    )

    print("\nEvents")
    links = eval_dir / "eventloc.jsonl"
    if links.exists():
        for held_out, label in ((True, "held-out half (odd records)"), (False, "all records")):
            s = evaluate_links(parser, links, limit=args.limit, held_out=held_out)
            print(f"event-place links, eventloc.jsonl {label}: {s.events} events, {s.with_gold} with a gold "
                  f"location: P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  "
                  f"({s.correct} right of {s.predicted} links made)")
    else:
        print(f"skip event-place links: {links} not found", file=sys.stderr)
    golds = [Path(g) for g in args.events_gold] if args.events_gold else \
        [args.gold_dir / f"events_{name}.jsonl" for name in TYPING_SETS]
    for gold in golds:
        if not gold.exists():
            print(f"skip typing: {gold} not found", file=sys.stderr)
            continue
        t = evaluate_typing(parser, gold)
        print(f"typing ({gold.name}, {len(t.gold)} notes): macro-F1 by category {t.macro_f1('category'):.3f}, "
              f"by sub-type {t.macro_f1('subtype'):.3f}")
        found, accuracy, status_f1 = t.status()
        print(f"  status of the {found} events found: accuracy {accuracy:.3f}, macro-F1 over statuses {status_f1:.3f}")
        n, right, unlocated = t.location()
        print(f"  place of the {n} events found in notes with a gold location: right {right:.3f}, "
              f"unlocated {unlocated:.3f}")
        print("confusion by category (rows gold, columns predicted):")
        print(t.confusion("category"))
    for labels, what in ((REAL_NEWS_DEV, "dev, choices looked at it"), (REAL_NEWS, "test, no choice did")):
        if not labels.exists() or not (eval_dir / "lgl.jsonl").exists():
            print(f"skip real news: {labels} or {eval_dir / 'lgl.jsonl'} not found", file=sys.stderr)
            continue
        r = evaluate_real_news(parser, labels, eval_dir)
        p, rec, f1 = r.detection()
        print(f"events on real news ({labels.name}, {what}: {r.sentences} sentences, {r.gold_events} "
              f"report an event): detection P {p:.3f}  R {rec:.3f}  F1 {f1:.3f}")
        for by in sorted(r.found):
            print(f"  typed by {by}: {r.found[by]} sentences called events, {r.right[by]} are, "
                  f"{r.typed[by]} with the right category")


def _bench(args: argparse.Namespace) -> int:
    from geo.bench import run_bench, run_map_bench

    run_bench(Path(args.eval_dir), args.corpus)
    run_map_bench(Path(args.eval_dir), args.corpus)
    from web.loadtest import run_load_bench

    run_load_bench(Path(args.eval_dir))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from web import create_app

    app = create_app()
    store, parser = app.extensions["newsmap.store"], app.extensions["newsmap.parser"]
    for path in args.load:
        doc_id, created = store.add_document(parser, read_text(path), title=Path(path).stem.replace("-", " "))
        print(f"{'stored' if created else 'already stored'}: {path} -> /documents/{doc_id}", file=sys.stderr)
    from waitress import serve

    print(f"newsmap serving on http://{args.host}:{args.port}/ (database {store.dialect})", file=sys.stderr,
          flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, connection_limit=1000)
    return 0


def _usage(message: str) -> NewsMapError:
    from geo.errors import InputError

    return InputError(message)


_COMMANDS = {"geoparse": _geoparse, "events": _events, "map": _map, "ingest": _ingest, "geocode": _geocode,
             "eval": _eval, "bench": _bench, "serve": _serve}


if __name__ == "__main__":
    sys.exit(main())
