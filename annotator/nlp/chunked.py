"""Parse documents piece by piece: only the pieces that can hold an attribution, each distinct piece once.

:class:`ChunkedParser` wraps any parser (Stanza in-process, a pool of worker processes, a test
parser). For each document it picks units with :mod:`annotator.nlp.prefilter` (or takes the whole
text), parses every distinct unit text once (a run over a corpus meets the same boilerplate lines,
datelines and repeated paragraphs many times), and shifts the unit's offsets so that every offset of
the returned :class:`ParsedDocument` is an offset into the whole document text. The engine works on
whatever sentences the document holds.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
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

    def __init__(self, base: BatchParser, *, mode: str = "filter", granularity: str = "sentence",
                 cache_size: int = 50_000) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {GRANULARITIES}")
        self.base = base
        self.mode = mode
        self.granularity = granularity
        self.name = base.name if mode == "all" else f"{base.name} (pre-filtered by {granularity})"
        self.cache: OrderedDict[bytes, ParsedDocument] = OrderedDict()
        self.cache_size = cache_size
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

    def _lookup(self, key: bytes) -> ParsedDocument:
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
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
        self.cache[key] = parsed
        if len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        return parsed

    def assemble(self, plan: _Plan) -> ParsedDocument:
        sentences: list[Sentence] = []
        for (a, _b), key in zip(plan.units, plan.keys, strict=True):
            sentences.extend(shift(self._lookup(key), plan.text, a, len(sentences)))
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
