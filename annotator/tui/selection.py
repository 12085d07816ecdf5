"""Selecting words with the keyboard: a cursor, an anchor, and spans marked as content/cue/source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.services.review import SentenceView


@dataclass
class WordSelection:
    """A selection over word offsets in reading order; ``cursor`` and ``anchor`` are word indexes."""

    words: list[tuple[int, int]]
    cursor: int = 0
    anchor: int = 0
    marked: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def starting_at(cls, words: Sequence[tuple[int, int]], offset: int) -> WordSelection | None:
        """A selection on the word at (or after) a character offset; None when there are no words."""
        if not words:
            return None
        at = next((n for n, w in enumerate(words) if w[1] > offset), len(words) - 1)
        return cls(list(words), at, at)

    def move(self, step: int, extend: bool) -> None:
        self.cursor = max(0, min(len(self.words) - 1, self.cursor + step))
        if not extend:
            self.anchor = self.cursor

    @property
    def size(self) -> int:
        return abs(self.cursor - self.anchor) + 1

    def span(self) -> tuple[int, int]:
        lo, hi = sorted((self.anchor, self.cursor))
        return self.words[lo][0], self.words[hi][1]

    def selected_notice(self, shown: str) -> str:
        """The status line after a cursor move; ``shown`` is the selected text as the screen displays it."""
        return f"selected {self.size} word(s): {shown}"

    def marked_notice(self, which: str) -> str:
        if "content" in self.marked:
            return f"{which} marked; enter saves the new attribution"
        return f"{which} marked; mark the content (c) too"

    def mark(self, which: str) -> None:
        """The selection becomes that span; the next selection starts from the cursor."""
        self.marked[which] = self.span()
        self.anchor = self.cursor

    def marks(self, with_marked: bool = True) -> list[tuple[int, int, str]]:
        """Spans to highlight: what is marked, the selection, and the cursor word on top."""
        out = [(s, e, name) for name, (s, e) in self.marked.items()] if with_marked else []
        start, end = self.span()
        out.append((start, end, "selected"))
        out.append((*self.words[self.cursor], "cursor"))
        return out


def text_of(sentences: Sequence[SentenceView], span: tuple[int, int]) -> str:
    """The text of a span from the sentences that hold it (a span may cross sentences)."""
    parts = []
    for s in sentences:
        start, end = max(span[0], s.start), min(span[1], s.end)
        if start < end:
            parts.append(s.text[start - s.start:end - s.start])
    return " ".join(parts)
