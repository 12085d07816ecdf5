"""Parse documents piece by piece: only the pieces that can hold an attribution, each distinct piece once.

:class:`ChunkedParser` wraps any parser (Stanza in-process, a pool of worker processes, a test
parser). For each document it picks units with :mod:`annotator.nlp.prefilter` (or takes the whole
text), parses every distinct unit text once (a run over a corpus meets the same boilerplate lines,
datelines and repeated paragraphs many times), and shifts the unit's offsets so that every offset of
the returned :class:`ParsedDocument` is an offset into the whole document text. The engine works on
whatever sentences the document holds.

The parse of every distinct unit is kept for the whole run, so that a text met again after any number
of documents is not parsed again; it is kept compact (zlib-compressed rows) in a private temporary
SQLite file (:class:`UnitStore`), not as Python objects: the memory of a long run stays flat
(docs/scale.md, "Long runs: memory and progress").
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol

from annotator.nlp.prefilter import GRANULARITIES, cue_index, may_hold_attribution, split_units
from annotator.nlp.types import ParsedDocument, Sentence, Word

MODES = ("filter", "all")  # parse the selected units, or every document whole


class BatchParser(Protocol):
    """Parses a batch of texts, possibly in another process: the result comes as a future."""

    name: str

    def submit(self, texts: Sequence[str], light: Sequence[str] = ()) -> Future[list[ParsedDocument]]:
        """Parses of ``texts`` then of ``light`` (these only tokenized and tagged, when the parser can)."""
        ...


@dataclass
class ChunkStats:
    units: int = 0  # units asked for (selected units, or whole documents)
    tagged: int = 0  # distinct unit texts only tokenized and tagged (the pre-filter found no cue in them)
    parsed: int = 0  # distinct unit texts actually sent to the parser
    cached: int = 0  # units served from the cache or from a batch already on its way
    chars_total: int = 0  # characters of the documents
    chars_parsed: int = 0  # characters sent to the parser whole (tokenize, tag, lemma, dependencies)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _key(text: str, light: bool = False) -> bytes:
    return hashlib.blake2b((b"L" if light else b"F") + text.encode("utf-8"), digest_size=16).digest()


def shift(parsed: ParsedDocument, text: str, offset: int, first_index: int) -> list[Sentence]:
    """The sentences of a unit parsed alone, moved to where the unit lies in ``text``."""
    out: list[Sentence] = []
    for k, s in enumerate(parsed.sentences):
        words = tuple(Word(w.index, w.text, w.lemma, w.upos, w.feats, w.head, w.deprel,
                           w.start + offset, w.end + offset) for w in s.words)
        start, end = s.start + offset, s.end + offset
        out.append(Sentence(first_index + k, start, end, text[start:end], words))
    return out


class UnitStore:
    """Every distinct unit parse of a run, compact, on disk: a key is looked up, never parsed again.

    Each parse is stored as zlib-compressed JSON rows (about 30 bytes per Stanza word, measured on
    JawharaFM; the same word held as Python objects took over 300) in a private temporary SQLite
    database: SQLite keeps at most ``cache_kib`` of its pages in memory and writes the rest to a file
    in the temporary directory that is deleted when the store is closed or dropped. So the memory of
    a run does not grow with the number of distinct units, and no unit text is parsed twice in a run.
    """

    def __init__(self, cache_kib: int = 2048) -> None:
        # "": a private temporary on-disk database. Only this process's threads use it, one at a time.
        self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self._db.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE units (key BLOB PRIMARY KEY, parse BLOB NOT NULL) WITHOUT ROWID")
        self._count = 0
        self.bytes = 0  # compressed bytes stored

    def __contains__(self, key: bytes) -> bool:
        return self._db.execute("SELECT 1 FROM units WHERE key = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        return self._count

    def put(self, key: bytes, parsed: ParsedDocument) -> None:
        rows = [(s.start, s.end, [(w.index, w.text, w.lemma, w.upos, w.feats, w.head, w.deprel, w.start, w.end)
                                  for w in s.words]) for s in parsed.sentences]
        blob = zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)
        if self._db.execute("INSERT OR IGNORE INTO units VALUES (?, ?)", (key, blob)).rowcount:
            self._count += 1
            self.bytes += len(blob)

    def get(self, key: bytes, text: str) -> ParsedDocument | None:
        """The parse of the unit ``text`` stored under ``key`` (offsets into ``text``), or None."""
        row = self._db.execute("SELECT parse FROM units WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        rows = json.loads(zlib.decompress(row[0]))
        return ParsedDocument(text, tuple(Sentence(k, start, end, text[start:end], tuple(Word(*w) for w in words))
                                          for k, (start, end, words) in enumerate(rows)))

    def close(self) -> None:
        self._db.close()


@dataclass
class _Plan:
    text: str
    units: list[tuple[int, int]]
    keys: list[bytes]
    light: list[bool]  # only tokenized and tagged


class ChunkedParser:
    """Parse only what may hold an attribution (``mode="filter"``) or everything (``"all"``), once per text.

    ``submit`` returns at once (a :class:`PendingParse`), so a caller can keep several batches in
    flight while a pool of worker processes parses them.
    """

    def __init__(self, base: BatchParser, *, mode: str = "filter", granularity: str = "sentence") -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {GRANULARITIES}")
        self.base = base
        self.mode = mode
        self.granularity = granularity
        self.name = base.name if mode == "all" else f"{base.name} (pre-filtered by {granularity})"
        self.cache = UnitStore()  # every distinct unit parsed in this run, compact, on disk
        self.pending: dict[bytes, tuple[Future[list[ParsedDocument]], int]] = {}
        self.stats = ChunkStats()
        self._index = cue_index()

    def units(self, text: str) -> list[tuple[int, int, bool]]:
        """(start, end, light): in filter mode every unit, light where the pre-filter found no cue."""
        if self.mode == "all":
            return [(0, len(text), False)] if text.strip() else []
        return [(a, b, not may_hold_attribution(text[a:b], self._index))
                for a, b in split_units(text, self.granularity)]

    def submit(self, texts: Sequence[str]) -> PendingParse:
        """Send what is not parsed yet to the base parser; the documents are assembled on ``result()``."""
        plans = [self._plan(t) for t in texts]
        full: dict[bytes, str] = {}
        light: dict[bytes, str] = {}
        for plan in plans:
            for (a, b), key, is_light in zip(plan.units, plan.keys, plan.light, strict=True):
                if key in self.cache or key in self.pending or key in full or key in light:
                    self.stats.cached += 1
                elif is_light:
                    light[key] = plan.text[a:b]
                else:
                    full[key] = plan.text[a:b]
                    self.stats.chars_parsed += b - a
        if full or light:
            batch = self.base.submit(list(full.values()), list(light.values()))
            for i, key in enumerate([*full, *light]):
                self.pending[key] = (batch, i)
        self.stats.parsed += len(full)
        self.stats.tagged += len(light)
        return PendingParse(self, plans)

    def parse_many(self, texts: Sequence[str]) -> list[ParsedDocument]:
        return self.submit(texts).result()

    def _plan(self, text: str) -> _Plan:
        units = self.units(text)
        self.stats.units += sum(1 for *_, light in units if not light)
        self.stats.chars_total += len(text)
        return _Plan(text, [(a, b) for a, b, _ in units], [_key(text[a:b], light) for a, b, light in units],
                     [light for *_, light in units])

    def close(self) -> None:
        """Drop the stored unit parses (also done when the parser is garbage-collected)."""
        self.cache.close()

    def _lookup(self, key: bytes, text: str) -> ParsedDocument:
        stored = self.cache.get(key, text)
        if stored is not None:
            return stored
        fut, i = self.pending[key]
        try:
            parsed = fut.result()[i]
        except BaseException:
            # The whole batch failed: forget all of its units, so that a retry parses them again
            # (one bad text must not fail the good ones that shared its batch).
            for k in [k for k, (f, _) in self.pending.items() if f is fut]:
                del self.pending[k]
            raise
        del self.pending[key]
        self.cache.put(key, parsed)
        return parsed

    def assemble(self, plan: _Plan) -> ParsedDocument:
        sentences: list[Sentence] = []
        for (a, b), key in zip(plan.units, plan.keys, strict=True):
            sentences.extend(shift(self._lookup(key, plan.text[a:b]), plan.text, a, len(sentences)))
        return ParsedDocument(plan.text, tuple(sentences))


class PendingParse:
    """Documents on their way: ``result()`` waits for their units and assembles them (in the caller's thread)."""

    def __init__(self, owner: ChunkedParser, plans: list[_Plan]) -> None:
        self.owner = owner
        self.plans = plans

    def result(self) -> list[ParsedDocument]:
        return [self.owner.assemble(p) for p in self.plans]


class InProcess:
    """Adapts a plain parser (``parse_many``) to :class:`BatchParser`: parses at once, in this process."""

    def __init__(self, parser: object) -> None:
        self.parser = parser
        self.name = str(getattr(parser, "name", type(parser).__name__))

    def submit(self, texts: Sequence[str], light: Sequence[str] = ()) -> Future[list[ParsedDocument]]:
        from annotator.nlp.workers import parse_and_tag

        fut: Future[list[ParsedDocument]] = Future()
        try:
            fut.set_result(parse_and_tag(self.parser, texts, light))
        except Exception as exc:
            fut.set_exception(exc)
        return fut
