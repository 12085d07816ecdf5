"""The project's canonical JSONL format: one attribution a line (README, "Export schema")."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from annotator.errors import InputError

TYPES = ("direct", "indirect", "mixed")
STATUSES = ("proposed", "accepted", "rejected", "corrected")
SPAN_KEYS = ("content", "cue", "source")


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def _check_span(rec: dict[str, Any], key: str, required: bool) -> str | None:
    span = rec.get(key)
    if span is None:
        return f"'{key}' is missing" if required else None
    if not isinstance(span, dict):
        return f"'{key}' must be an object with start, end and text"
    start, end = span.get("start"), span.get("end")
    if type(start) is not int or type(end) is not int:
        return f"'{key}' needs integer start and end"
    if not 0 <= start <= end:
        return f"'{key}' has start {start} after end {end} (or a negative offset)"
    if "text" in span and not isinstance(span["text"], str):
        return f"'{key}.text' must be a string"
    return None


def problem(rec: Any) -> str | None:
    """Why this value is not an attribution record, or None when it is one."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    if not isinstance(rec.get("doc"), str) or not rec["doc"]:
        return "'doc' must be a non-empty string (the document name)"
    for key in SPAN_KEYS:
        reason = _check_span(rec, key, required=key == "content")
        if reason:
            return reason
    if "type" in rec and rec["type"] not in TYPES:
        return f"'type' must be one of {', '.join(TYPES)}"
    if rec.get("status") is not None and rec["status"] not in STATUSES:
        return f"'status' must be one of {', '.join(STATUSES)}"
    for key in ("speaker", "doc_sha256", "rule", "annotator"):
        if rec.get(key) is not None and not isinstance(rec[key], str):
            return f"'{key}' must be a string or null"
    conf = rec.get("confidence")
    if conf is not None and (isinstance(conf, bool) or not isinstance(conf, int | float)):
        return "'confidence' must be a number"
    return None


def _open(file: Path) -> IO[str]:
    if file.name.endswith(".gz"):
        return gzip.open(file, "rt", encoding="utf-8")
    return file.open(encoding="utf-8")


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Attribution records from a JSONL file (``.gz`` too); blank lines are skipped.

    Each line needs ``doc`` and ``content`` (start, end); other fields are checked when present. A bad
    line raises :class:`InputError` naming the file and line number.
    """
    for _, rec in read_numbered(path):
        yield rec


def read_numbered(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Like :func:`read_records`, with each record's line number."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"no such file: {file}")
    try:
        with _open(file) as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except ValueError as exc:
                    raise InputError(f"{file}:{n}: not JSON ({exc})") from exc
                reason = problem(rec)
                if reason:
                    raise InputError(f"{file}:{n}: not an attribution record: {reason}")
                yield n, rec
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise InputError(f"cannot read {file}: {exc}") from exc
