"""Documents from archives, streamed: JSONL, CSV, folders of .txt/.html, RSS/Atom feeds, article URLs.

Every source yields one item at a time (never the whole archive in memory): a :class:`Doc` to
process or a :class:`Reject` that says which record and why it was left out, so a batch run can
write every reject to a file instead of stopping or silently dropping it.
"""

from __future__ import annotations

import csv
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.errors import InputError
from geo.io import decode

MAX_BYTES = 5 * 1024 * 1024  # one document; larger ones are rejected, not truncated
FETCH_TIMEOUT = 30
USER_AGENT = "newsmap-ingest (+https://github.com/newsmap)"


@dataclass(frozen=True, slots=True)
class Doc:
    text: str
    title: str = ""
    url: str = ""
    date: str | None = None
    source: str = ""  # where it came from: file and line, feed entry, URL


@dataclass(frozen=True, slots=True)
class Reject:
    source: str
    reason: str


Item = Doc | Reject


def iter_sources(sources: Sequence[str]) -> Iterator[Item]:
    """Every document of every source, in order."""
    for src in sources:
        try:
            yield from _one(src)
        except (InputError, OSError) as err:
            yield Reject(src, str(err))


def _one(src: str) -> Iterator[Item]:
    if src.startswith(("http://", "https://")):
        yield from _from_url(src)
        return
    path = Path(src)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.suffix.lower() in (".txt", ".html", ".htm"):
                yield from _file(child)
        return
    if not path.is_file():
        raise InputError(f"{src}: no such file or folder")
    yield from _file(path)


def _file(path: Path) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl(path)
    elif suffix == ".csv":
        yield from _csv(path)
    elif suffix in (".xml", ".rss", ".atom"):
        yield from _feed(path.read_bytes(), str(path))
    elif suffix in (".txt", ".html", ".htm"):
        data = path.read_bytes()
        if len(data) > MAX_BYTES:
            yield Reject(str(path), f"larger than {MAX_BYTES // (1024 * 1024)} MB")
            return
        try:
            text = decode(data, source=str(path))
        except InputError as err:
            yield Reject(str(path), str(err))
            return
        if suffix != ".txt":
            text, title = html_text(text)
            yield _checked(Doc(text, title=title or path.stem, source=str(path)))
        else:
            yield _checked(Doc(text, title=path.stem, source=str(path)))
    else:
        yield Reject(str(path), "not a .jsonl, .csv, .txt, .html or RSS/Atom (.xml, .rss, .atom) file")


def _checked(doc: Doc) -> Item:
    if not doc.text.strip():
        return Reject(doc.source, "no text")
    if "\x00" in doc.text:
        return Reject(doc.source, "NUL character in the text")
    return doc


def _record(row: dict, where: str) -> Item:
    text = row.get("text")
    if not isinstance(text, str):
        return Reject(where, "no 'text' string")
    fields = {}
    for key in ("title", "url", "date"):
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            return Reject(where, f"{key!r} is not a string")
        fields[key] = value or ""
    date = fields["date"][:10] or None
    return _checked(Doc(text, title=fields["title"] or str(row.get("id") or ""), url=fields["url"], date=date,
                        source=where))


def _jsonl(path: Path) -> Iterator[Item]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            where = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                row = json.loads(decode(raw, source=where))
            except (InputError, json.JSONDecodeError) as err:
                yield Reject(where, f"not a JSON line ({err})")
                continue
            yield _record(row, where) if isinstance(row, dict) else Reject(where, "not a JSON object")


def _csv(path: Path) -> Iterator[Item]:
    csv.field_size_limit(MAX_BYTES)
    with path.open(encoding="utf-8", errors="strict", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise InputError(f"{path}: the CSV needs a 'text' column (and optionally title, url, date)")
        number = 1
        while True:
            number += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as err:
                yield Reject(f"{path}:{number}", f"malformed CSV row ({err})")
                return
            yield _record(row, f"{path}:{number}")


def _fetch(url: str) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT) as resp:  # noqa: S310 (http(s) only, checked above)
            data = resp.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as err:
        err.close()
        raise InputError(f"{url}: HTTP {err.code} {err.reason}") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


def _from_url(url: str) -> Iterator[Item]:
    """A feed (its entries, each fetched when it has no full text) or one article page."""
    data = _fetch(url)
    head = data[:2048].lstrip().lower()
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        yield from _feed(data, url)
        return
    text, title = html_text(decode(data, source=url))
    yield _checked(Doc(text, title=title, url=url, source=url))


def _feed(data: bytes, where: str) -> Iterator[Item]:
    import feedparser

    feed = feedparser.parse(data)
    if feed.bozo and not feed.entries:
        raise InputError(f"{where}: not an RSS or Atom feed ({feed.bozo_exception})")
    for i, entry in enumerate(feed.entries):
        link = entry.get("link", "")
        source = f"{where}#{i + 1}"
        body = " ".join(c.get("value", "") for c in entry.get("content", [])) or entry.get("summary", "")
        text = fragment_text(body)
        if len(text) < 200 and link.startswith(("http://", "https://")):
            try:  # a feed with only teasers: the article itself
                page, _ = html_text(decode(_fetch(link), source=link))
                text = page or text
            except (InputError, OSError) as err:
                if not text:
                    yield Reject(source, f"{link}: {err}")
                    continue
        date = None
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        if parsed:
            date = f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
        yield _checked(Doc(text, title=entry.get("title", ""), url=link, date=date, source=source))


def fragment_text(html: str) -> str:
    """Text of a feed entry's HTML fragment (too short for boilerplate removal): tags out, entities decoded."""
    import html as html_lib
    import re

    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html or "", flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>|</p>|</div>|</li>", "\n", text, flags=re.I)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def html_text(html: str) -> tuple[str, str]:
    """The main text and title of an HTML page (trafilatura: boilerplate, menus and ads removed)."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True) or ""
    meta = trafilatura.extract_metadata(html)
    return text, (meta.title if meta and meta.title else "")


if __name__ == "__main__":  # a quick look at what a source yields
    for item in iter_sources(sys.argv[1:]):
        print(item)
