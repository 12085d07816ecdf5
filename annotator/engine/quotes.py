"""Find quoted spans in a document.

Marks are paired by order within a paragraph, one family at a time: the first mark of a family opens,
the next closes. That handles “…”, the reversed ”…“ some outlets write, «…», and quotes padded with
spaces (" نص ") that spacing rules would get wrong. A mark left open runs to the end of its paragraph
(news often opens a quote and never closes it).
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.engine.proposal import Span

# Families of marks that pair with each other; within « », « always opens and » always closes.
_FAMILIES: tuple[frozenset[str], ...] = (frozenset('"'), frozenset("“”„"), frozenset("‹›"))
_GUILLEMETS = ("«", "»")


@dataclass(frozen=True)
class Quote:
    outer: Span  # including the marks
    inner: Span  # strictly inside the marks
    balanced: bool  # False: no closing mark before the end of the paragraph

    @property
    def open(self) -> int:
        return self.outer.start


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    while start <= len(text):
        nl = text.find("\n", start)
        end = len(text) if nl < 0 else nl
        out.append((start, end))
        if nl < 0:
            break
        start = nl + 1
    return out


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".،,"):
        end -= 1
    return end


def _close(text: str, open_at: int, close_at: int) -> Quote:
    return Quote(Span(open_at, close_at + 1), Span(open_at + 1, close_at), balanced=True)


def _left_open(text: str, open_at: int, para_end: int) -> Quote | None:
    inner_end = _trim_end(text, open_at + 1, para_end)
    if inner_end <= open_at + 1:
        return None  # a stray mark at the end of a line
    return Quote(Span(open_at, inner_end), Span(open_at + 1, inner_end), balanced=False)


def _pair_in_order(text: str, marks: list[int], para_end: int) -> list[Quote]:
    quotes = []
    for k in range(0, len(marks) - 1, 2):
        quotes.append(_close(text, marks[k], marks[k + 1]))
    if len(marks) % 2:
        left = _left_open(text, marks[-1], para_end)
        if left is not None:
            quotes.append(left)
    return quotes


def _pair_guillemets(text: str, start: int, end: int) -> list[Quote]:
    quotes = []
    stack: list[int] = []
    for i in range(start, end):
        if text[i] == _GUILLEMETS[0]:
            stack.append(i)
        elif text[i] == _GUILLEMETS[1] and stack:
            quotes.append(_close(text, stack.pop(), i))
    if stack:
        left = _left_open(text, stack[0], end)
        if left is not None:
            quotes.append(left)
    return quotes


def find_quotes(text: str) -> list[Quote]:
    """Quotes in document order; a quote never runs past the end of its paragraph (line)."""
    quotes: list[Quote] = []
    for start, end in _paragraphs(text):
        segment = text[start:end]
        for family in _FAMILIES:
            if any(ch in segment for ch in family):
                marks = [start + i for i, ch in enumerate(segment) if ch in family]
                quotes.extend(_pair_in_order(text, marks, end))
        if _GUILLEMETS[0] in segment:
            quotes.extend(_pair_guillemets(text, start, end))
    quotes.sort(key=lambda q: (q.outer.start, -q.outer.end))
    return quotes


def quote_words(text: str, span: Span) -> int:
    return len(text[span.start:span.end].split())
