"""Right-to-left text for terminals: wrapping, shaping and visual order, for display only.

Textual lays text out left to right and does no bidirectional reordering. Two ways out:

* ``app``: we wrap each paragraph in logical order, reshape Arabic letters to their joined
  presentation forms (arabic-reshaper, ligatures off so that one character stays one character)
  and reorder each line with the Unicode bidi algorithm (python-bidi). Every visual character
  keeps the index of the logical character it came from, so a highlight on logical offsets
  lands on the right characters after reordering.
* ``terminal``: logical text goes to the terminal unchanged; a bidi-capable terminal (VTE/GNOME
  Terminal, Konsole, mlterm) reorders and shapes it itself.

Offsets and the database always stay logical. Everything here is a pure function.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Literal

from rich.cells import cell_len

Mode = Literal["app", "terminal"]
Tags = frozenset[str]
Segment = tuple[str, Tags]
NO_TAGS: Tags = frozenset()


def choose_mode(requested: str, environ: Mapping[str, str]) -> Mode:
    """``auto``: the terminal when it is known to do bidi (VTE, Konsole, mlterm), else the app."""
    if requested in ("app", "terminal"):
        return requested  # type: ignore[return-value]
    if environ.get("VTE_VERSION") or environ.get("KONSOLE_VERSION"):
        return "terminal"
    if environ.get("TERM", "").startswith("mlterm"):
        return "terminal"
    return "app"


def is_rtl(text: str) -> bool:
    """The paragraph direction: that of its first strong character (rule P2), left to right if none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Logical line ranges [start, end) of ``text`` at most ``width`` cells wide.

    Lines break at spaces (the space itself is on no line); a word wider than the line is cut.
    Wrapping happens before reordering: each line is then reordered on its own, which is how a
    bidi-aware renderer lays out a paragraph.
    """
    width = max(width, 1)
    lines: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        end, used, last_space = start, 0, -1
        while end < n and text[end] != "\n":
            w = cell_len(text[end])
            if used + w > width:
                break
            if text[end] == " ":
                last_space = end
            used += w
            end += 1
        if end < n and text[end] not in " \n" and last_space > start:
            end = last_space  # do not cut the word at the edge: break at the last space
        elif end == start:
            end = start + 1  # a single character wider than the line
        lines.append((start, end))
        start = end
        while start < n and text[start] in " \n":
            start += 1
    return lines


@cache
def _reshaper() -> Any:
    import arabic_reshaper

    return arabic_reshaper.ArabicReshaper(configuration={
        "delete_harakat": False, "shift_harakat_position": False, "delete_tatweel": False,
        "support_ligatures": False,  # a ligature would turn two logical characters into one
    })


def shape(text: str) -> str:
    """Arabic letters in their joined forms, one output character per input character."""
    shaped: str = _reshaper().reshape(text)
    return shaped if len(shaped) == len(text) else text


def visual_order(text: str, rtl: bool) -> list[tuple[int, str]]:
    """(logical index, character as drawn) for one line, left to right on the screen.

    Runs python-bidi's implementation of the Unicode bidi algorithm with each character
    carrying its logical index; mirrored characters (brackets) come back mirrored.
    Combining marks are kept after their base character, where a terminal expects them.
    """
    from bidi import algorithm

    storage = algorithm.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    algorithm.get_embedding_levels(text, storage, False, False)
    for index, ch in enumerate(storage["chars"]):
        ch["index"] = index
    algorithm.explicit_embed_and_overrides(storage, False)
    algorithm.resolve_weak_types(storage, False)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    algorithm.reorder_resolved_levels(storage, False)
    algorithm.apply_mirroring(storage, False)
    order = [(int(ch["index"]), str(ch["ch"])) for ch in storage["chars"]]
    return _marks_after_bases(text, order)


def _marks_after_bases(text: str, order: list[tuple[int, str]]) -> list[tuple[int, str]]:
    marks_of: dict[int, list[int]] = {}
    base = -1
    for i, ch in enumerate(text):
        if unicodedata.combining(ch) and base >= 0:
            marks_of.setdefault(base, []).append(i)
        else:
            base = i
    attached = {m for ms in marks_of.values() for m in ms}
    out: list[tuple[int, str]] = []
    drawn = dict(order)
    for index, ch in order:
        if index in attached:
            continue
        out.append((index, ch))
        out.extend((m, drawn.get(m, text[m])) for m in marks_of.get(index, ()))
    return out


def segments(text: str, tags: Sequence[Tags], mode: Mode, rtl: bool) -> list[Segment]:
    """One line as styled segments in screen order; ``tags[i]`` belongs to logical character i."""
    if mode == "terminal":
        chars = list(enumerate(text))
    else:
        shaped = shape(text)
        chars = [(i, ch if ch != text[i] else shaped[i]) for i, ch in visual_order(text, rtl)]
    out: list[Segment] = []
    for i, ch in chars:
        tag = tags[i] if i < len(tags) else NO_TAGS
        if out and out[-1][1] == tag:
            out[-1] = (out[-1][0] + ch, tag)
        else:
            out.append((ch, tag))
    return out


def char_tags(length: int, spans: Sequence[tuple[int, int, str]]) -> list[Tags]:
    """Per-character tag sets from (start, end, tag) spans relative to the text."""
    sets: list[set[str]] = [set() for _ in range(length)]
    for start, end, tag in spans:
        for i in range(max(start, 0), min(end, length)):
            sets[i].add(tag)
    cache_: dict[frozenset[str], Tags] = {}
    return [cache_.setdefault(frozenset(s), frozenset(s)) for s in sets]


def layout(text: str, spans: Sequence[tuple[int, int, str]], width: int, mode: Mode,
           rtl: bool | None = None) -> list[tuple[list[Segment], int]]:
    """A paragraph as screen lines: (segments, padding on the left to right-align RTL in app mode)."""
    direction = is_rtl(text) if rtl is None else rtl
    tags = char_tags(len(text), spans)
    lines = []
    for start, end in wrap(text, width):
        segs = segments(text[start:end], tags[start:end], mode, direction)
        used = sum(cell_len(s) for s, _ in segs)
        pad = max(width - used, 0) if mode == "app" and direction else 0
        lines.append((segs, pad))
    return lines
