"""Find quoted spans in a document: balanced pairs, ”…“ written reversed, and unbalanced openers."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.engine.proposal import Span
from annotator.lang.ar.quotes import QUOTE_PAIRS

_CLOSER_FOR: dict[str, set[str]] = {}
for _o, _c in QUOTE_PAIRS:
    _CLOSER_FOR.setdefault(_o, set()).add(_c)
_ALL = set(_CLOSER_FOR) | {c for cs in _CLOSER_FOR.values() for c in cs}


@dataclass(frozen=True)
class Quote:
    outer: Span  # including the marks
    inner: Span  # strictly inside the marks
    balanced: bool  # False: no closing mark before the end of the paragraph

    @property
    def open(self) -> int:
        return self.outer.start


def _opens_here(text: str, i: int) -> bool:
    """A mark opens a quote when text follows it directly (not a space or the end)."""
    return i + 1 < len(text) and not text[i + 1].isspace()


def find_quotes(text: str) -> list[Quote]:
    """Quotes in document order, within paragraphs (a quote never runs past a blank line)."""
    quotes: list[Quote] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch not in _CLOSER_FOR or not _opens_here(text, i):
            i += 1
            continue
        closers = _CLOSER_FOR[ch]
        end = _paragraph_end(text, i)
        j = i + 1
        close = -1
        while j < end:
            if text[j] in closers and (j + 1 >= n or not text[j - 1].isspace() or text[j] != ch):
                close = j
                break
            j += 1
        if close < 0:
            inner = Span(i + 1, _trim_end(text, i + 1, end))
            quotes.append(Quote(Span(i, inner.end), inner, balanced=False))
            i = end
            continue
        quotes.append(Quote(Span(i, close + 1), Span(i + 1, close), balanced=True))
        i = close + 1
    return quotes


def _paragraph_end(text: str, start: int) -> int:
    """End of the paragraph: the next blank line, or a line break when lines are paragraphs."""
    nl = text.find("\n", start)
    return len(text) if nl < 0 else nl


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".،,"):
        end -= 1
    return end


def quote_words(text: str, span: Span) -> int:
    return len(text[span.start:span.end].split())
