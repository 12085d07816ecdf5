"""Reading articles from .txt files, folders and JSON Lines, with a reason for every rejected item.

Nothing here touches the database: :func:`read_inputs` yields :class:`Article` or :class:`Rejected`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from annotator.errors import InputError

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
TEXT_FIELDS = ("text", "content", "body", "article")
ID_FIELDS = ("id", "docno", "doc_id", "url")
OUTLET_FIELDS = ("outlet", "src", "source")
DEFAULT_MAX_BYTES = 5_000_000  # news articles are a few kB; 5 MB of text is not one article

_ARABIC = re.compile("[\u0600-\u06ff]")
_HTML = re.compile(r"<\s*(html|body|div|p|span|script|head|meta|br|a\s)[\s>/]", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    source_path: str
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return text_hash(self.text)


@dataclass(frozen=True)
class Rejected:
    where: str  # path, or path:line
    reason: str


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_text(text: str) -> str | None:
    """Why this text cannot be an article, or None when it can."""
    if not text.strip():
        return "empty"
    if "\x00" in text:
        return "binary data (NUL bytes)"
    if _HTML.search(text[:5000]):
        return "looks like HTML: extract the article text first"
    if not _ARABIC.search(text):
        return "no Arabic text"
    return None


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise UnicodeDecodeError("utf-8", data[:1], 0, 1, "binary data (NUL bytes)")
    return data.decode("utf-8-sig")  # a byte order mark is not text; anything else is kept exactly


def read_text_file(path: Path, max_bytes: int) -> Article | Rejected:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Rejected(str(path), f"too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB; see --max-bytes)")
        data = path.read_bytes()
    except OSError as exc:
        return Rejected(str(path), f"cannot read: {exc.strerror or exc}")
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        reason = exc.reason if "NUL" in exc.reason else f"not UTF-8 (byte {exc.start})"
        return Rejected(str(path), reason)
    problem = check_text(text)
    if problem:
        return Rejected(str(path), problem)
    return Article(name=path.name, text=text, source_path=str(path))


def _first(record: dict[str, Any], names: Iterable[str]) -> tuple[str | None, Any]:
    for name in names:
        if name in record and record[name] not in (None, ""):
            return name, record[name]
    return None, None


def _open_bytes(path: Path) -> BinaryIO:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _lines(fh: BinaryIO, limit: int) -> Iterator[tuple[bytes, bool]]:
    """(line, whole) pairs; a line longer than ``limit`` bytes comes back cut, ``whole`` False, and
    the rest of it is skipped without being held in memory."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, True
            continue
        while line and not line.endswith(b"\n"):  # skip to the end of this line
            line = fh.readline(1 << 20)
        yield b"", False


def article_from_record(record: Any, where: str, fallback_name: str, text_field: str | None = None,
                        id_field: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Article | Rejected:
    if not isinstance(record, dict):
        return Rejected(where, "not a JSON object")
    if text_field:
        text = record.get(text_field)
    else:
        # The first text field present, even when empty: an empty article is "empty", not "no text field".
        text = next((record[f] for f in TEXT_FIELDS if f in record and record[f] is not None), None)
    if not isinstance(text, str):
        wanted = text_field or "/".join(TEXT_FIELDS)
        return Rejected(where, f"no text field ({wanted})")
    if len(text) > max_bytes:
        return Rejected(where, f"text too large ({len(text) / 1e6:.1f} M characters; see --max-bytes)")
    problem = check_text(text)
    if problem:
        return Rejected(where, problem)
    ident = record.get(id_field) if id_field else _first(record, ID_FIELDS)[1]
    _, outlet = _first(record, OUTLET_FIELDS)
    meta = {k: v for k, v in record.items() if k not in (text_field, *TEXT_FIELDS) and _small(v)}
    return Article(
        name=str(ident) if ident not in (None, "") else fallback_name,
        text=text,
        source_path=where,
        outlet=str(outlet) if outlet else None,
        title=str(record["title"]) if record.get("title") else None,
        published=str(_first(record, ("time", "date", "published", "date_extracted"))[1] or "") or None,
        meta=meta,
    )


def _small(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(str(value)) <= 2000


def read_jsonl(path: Path, text_field: str | None = None, id_field: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | Rejected]:
    """Articles from a JSON Lines file; a bad line is rejected with its reason and reading goes on.

    Lines are read as bytes and decoded one by one, so one line that is not UTF-8 costs that line
    only; a line over ``2 * max_bytes`` is skipped without being read into memory whole.
    """
    try:
        fh = _open_bytes(path)
    except OSError as exc:
        yield Rejected(str(path), f"cannot read: {exc.strerror or exc}")
        return
    limit = max_bytes * 2 + 2  # JSON escapes make a line longer than its text
    with fh:
        lineno = 0
        try:
            for lineno, (raw, whole) in enumerate(_lines(fh, limit), start=1):
                where = f"{path}:{lineno}"
                if not whole:
                    yield Rejected(where, f"line too large (over {limit / 1e6:.1f} MB; see --max-bytes)")
                    continue
                item = _jsonl_item(raw, where, f"{path.name}:{lineno}", text_field, id_field, max_bytes)
                if item is not None:
                    yield item
        except (OSError, EOFError, zlib.error) as exc:  # a truncated or corrupt .gz
            yield Rejected(f"{path}:{lineno + 1}", f"cannot read further: {exc}")


def _jsonl_item(raw: bytes, where: str, fallback_name: str, text_field: str | None, id_field: str | None,
                max_bytes: int) -> Article | Rejected | None:
    if _blank(raw):
        return None
    try:
        line = raw.decode("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as exc:
        return Rejected(where, f"not UTF-8 (byte {exc.start} of the line)")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejected(where, f"malformed JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return Rejected(where, "malformed JSON (nested too deeply)")
    return article_from_record(record, where, fallback_name, text_field, id_field, max_bytes)


def _blank(raw: bytes) -> bool:
    return not raw.strip()


def _is_jsonl(path: Path) -> bool:
    return path.name.endswith(JSONL_SUFFIXES)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to read, in a stable order; a missing path is an error before anything is read."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"no such file or folder: {p}")
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and (f.name.endswith(TEXT_SUFFIXES) or _is_jsonl(f))
            )
            if not found:
                raise InputError(f"no .txt or .jsonl files in {p}")
            out.extend(found)
        else:
            out.append(p)
    return out


def read_inputs(paths: Iterable[str | Path], *, text_field: str | None = None, id_field: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | Rejected]:
    for path in expand_paths(paths):
        if _is_jsonl(path):
            yield from read_jsonl(path, text_field, id_field, max_bytes)
        else:
            yield read_text_file(path, max_bytes)
