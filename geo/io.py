"""Reading user input (text files, JSONL batches) with precise errors, and writing output."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from geo.errors import InputError


def decode(data: bytes, *, source: str) -> str:
    """UTF-8 text from bytes, or an InputError that says where and why it is not."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{source} looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{source} is not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}") from err
    return text.removeprefix("\ufeff")


def lenient_date(value: object) -> dt.date | None:
    """The date at the start of a metadata value ("2025-01-27T10:00Z" -> 2025-01-27), or None when there is
    none: a record with an unreadable date is kept, without the date."""
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def read_text(path: str) -> str:
    """The text of a file, or of stdin for ``-``."""
    if path == "-":
        return decode(sys.stdin.buffer.read(), source="stdin")
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path} is a directory, not a text file")
    try:
        data = p.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from err
    return decode(data, source=path)


def read_jsonl_docs(path: str) -> Iterator[dict]:
    """Documents from a JSONL file (one ``{"id", "text", ...}`` object a line), streamed."""
    if path == "-":
        stream: IO[bytes] = sys.stdin.buffer
        yield from _docs(stream, "stdin")
        return
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    with p.open("rb") as fh:
        yield from _docs(fh, path)


def _docs(stream: IO[bytes], source: str) -> Iterator[dict]:
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        line = decode(raw, source=f"{source} line {number}")
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{source} line {number}: invalid JSON ({err.msg} at column {err.colno})") from err
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise InputError(f"{source} line {number}: expected an object with a string 'text' field")
        yield doc


@contextmanager
def open_output(path: str) -> Iterator[IO[str]]:
    """Stdout for ``-``; otherwise a file written beside its target and renamed when complete."""
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.exists() and not target.is_file():  # /dev/null, a pipe: write straight through
        with target.open("w", encoding="utf-8") as fh:
            yield fh
        return
    tmp = target.with_name(target.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            yield fh
        tmp.replace(target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({err.strerror})") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
