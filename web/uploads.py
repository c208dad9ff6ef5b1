"""Uploaded files -> documents: one .txt, the lines of a .jsonl, the rows of a .csv."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from werkzeug.datastructures import FileStorage

from geo.errors import InputError
from geo.io import decode

MAX_DOCUMENTS = 1000  # per request: bigger archives go through the batch command


def documents_from_files(files: Iterable[FileStorage], missing: str) -> list[dict[str, Any]]:
    """Documents of every uploaded file of a request; ``missing`` is the error when none was sent."""
    chosen = [f for f in files if f and f.filename]
    if not chosen:
        raise InputError(missing)
    docs: list[dict[str, Any]] = []
    for f in chosen:
        docs.extend(documents_from_upload(f.filename or "", f.read()))
    return docs


def documents_from_upload(filename: str, data: bytes) -> list[dict[str, Any]]:
    name = PurePath(filename.replace("\\", "/")).name  # never a path: "../../etc/passwd" is "passwd"
    suffix = PurePath(name).suffix.lower()
    if suffix not in (".txt", ".jsonl", ".csv"):
        raise InputError(f"{name!r}: upload a .txt, .jsonl or .csv file")
    text = decode(data, source=name)
    if not text.strip():
        raise InputError(f"{name!r} is empty")
    if suffix == ".txt":
        return [{"text": text, "title": PurePath(name).stem, "url": "", "date": None}]
    docs = _jsonl(name, text) if suffix == ".jsonl" else _csv(name, text)
    if not docs:
        raise InputError(f"{name!r} holds no document")
    if len(docs) > MAX_DOCUMENTS:
        raise InputError(f"{name!r} holds {len(docs)} documents; at most {MAX_DOCUMENTS} per upload "
                         "(use `newsmap ingest` for archives)")
    return docs


def _doc(name: str, where: str, row: dict[str, Any]) -> dict[str, Any]:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{name!r} {where}: no 'text'")
    out = {"text": text}
    for key in ("title", "url", "date"):
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name!r} {where}: {key!r} must be a string")
        out[key] = value or ("" if key != "date" else None)
    return out


def _jsonl(name: str, text: str) -> list[dict[str, Any]]:
    docs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{name!r} line {number}: invalid JSON ({err.msg})") from err
        if not isinstance(row, dict):
            raise InputError(f"{name!r} line {number}: not a JSON object")
        docs.append(_doc(name, f"line {number}", row))
    return docs


def _csv(name: str, text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise InputError(f"{name!r}: the CSV needs a 'text' column (and optionally title, url, date)")
    try:
        return [_doc(name, f"row {n}", row) for n, row in enumerate(reader, 2)]
    except csv.Error as err:
        raise InputError(f"{name!r}: malformed CSV ({err})") from err
