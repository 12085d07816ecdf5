"""Parsed text as small immutable values.

Every offset is a character offset into the document text exactly as ingested, so a span found
on a parsed sentence can be stored and shown without any re-alignment.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True, slots=True)
class Word:
    """One syntactic word (clitics such as و/ل/ب are words of their own)."""

    index: int  # 1-based position in the sentence, as in CoNLL-U
    text: str
    lemma: str
    upos: str
    feats: str  # UD features, "Gender=Fem|Number=Sing" or ""
    head: int  # 0 for the root
    deprel: str
    start: int  # character offsets into the document text
    end: int

    def feat(self, name: str) -> str | None:
        for pair in self.feats.split("|"):
            key, _, value = pair.partition("=")
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class Sentence:
    index: int  # 0-based position in the document
    start: int
    end: int
    text: str  # the document text [start:end]
    words: tuple[Word, ...]

    @cached_property
    def _children(self) -> dict[int, list[int]]:
        kids: dict[int, list[int]] = {}
        for w in self.words:
            kids.setdefault(w.head, []).append(w.index)
        return kids

    def word(self, index: int) -> Word:
        return self.words[index - 1]

    def children(self, index: int) -> list[Word]:
        return [self.words[i - 1] for i in self._children.get(index, [])]

    def subtree(self, index: int) -> list[Word]:
        """The word and all its descendants, in sentence order."""
        seen: set[int] = set()
        stack = [index]
        while stack:
            i = stack.pop()
            if i in seen:  # a malformed tree must not loop
                continue
            seen.add(i)
            stack.extend(self._children.get(i, []))
        return [self.words[i - 1] for i in sorted(seen) if 0 < i <= len(self.words)]

    def ancestors(self, index: int) -> Iterator[Word]:
        seen: set[int] = set()
        head = self.words[index - 1].head
        while head and head not in seen:
            seen.add(head)
            word = self.words[head - 1]
            yield word
            head = word.head

    def words_between(self, start: int, end: int) -> list[Word]:
        """Words lying wholly inside the character range [start, end)."""
        return [w for w in self.words if w.start >= start and w.end <= end]

    def word_at(self, offset: int) -> Word | None:
        for w in self.words:
            if w.start <= offset < w.end:
                return w
        return None


@dataclass(frozen=True)
class ParsedDocument:
    text: str
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None


def sentence_from_rows(index: int, text: str, rows: Sequence[Sequence[object]]) -> Sentence:
    """Rebuild a sentence from stored rows [text, lemma, upos, feats, head, deprel, start, end]."""
    words = tuple(
        Word(i + 1, str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), str(r[5]), int(r[6]), int(r[7]))  # type: ignore[call-overload]
        for i, r in enumerate(rows)
    )
    start = words[0].start if words else 0
    end = words[-1].end if words else 0
    return Sentence(index, start, end, text[start:end], words)


def sentence_to_rows(sentence: Sentence) -> list[list[object]]:
    return [[w.text, w.lemma, w.upos, w.feats, w.head, w.deprel, w.start, w.end] for w in sentence.words]
