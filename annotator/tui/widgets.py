"""Widgets of the review UI: a paragraph view that lays out right-to-left text with highlights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from annotator.tui import bidi
from annotator.tui.bidi import Mode

# Each span kind has a text attribute of its own besides its colour, so the three stay apart
# without colour (colour-blind reviewers, monochrome terminals): content underlined, cue bold,
# source reversed.
TAG_STYLES: dict[str, Style] = {
    "content": Style(underline=True, color="yellow"),
    "cue": Style(bold=True, color="bright_magenta"),
    "source": Style(reverse=True, color="cyan"),
    "other_content": Style(underline=True),
    "other_cue": Style(bold=True),
    "other_source": Style(reverse=True),
    "rejected": Style(strike=True, dim=True),
    "context": Style(dim=True),
    "note": Style(dim=True, italic=True),
    "selected": Style(bgcolor="dark_green", italic=True),
    "cursor": Style(bgcolor="red", bold=True),
}
LEGEND = Text.assemble(
    ("content", TAG_STYLES["content"]), "  ", ("cue", TAG_STYLES["cue"]), "  ",
    ("source", TAG_STYLES["source"]),
)


# Later styles win where they set the same attribute: the cursor over the selection over spans.
TAG_ORDER = tuple(TAG_STYLES)


def style_for(tags: frozenset[str]) -> Style:
    return Style.combine(TAG_STYLES[t] for t in TAG_ORDER if t in tags) if tags else Style()


@dataclass(frozen=True)
class Paragraph:
    """A piece of document text at document offset ``start``, with spans in document offsets."""

    text: str
    start: int = 0
    spans: tuple[tuple[int, int, str], ...] = ()
    tags: frozenset[str] = field(default_factory=frozenset)  # for the whole paragraph

    def relative_spans(self) -> list[tuple[int, int, str]]:
        out = [(s - self.start, e - self.start, tag) for s, e, tag in self.spans]
        out += [(0, len(self.text), tag) for tag in self.tags]
        return out


def display(text: str, mode: Mode) -> str:
    """A short single line (a name, a title) as the screen should draw it."""
    if mode == "terminal":
        return text
    return "".join(s for s, _ in bidi.segments(text, [bidi.NO_TAGS] * len(text), mode, bidi.is_rtl(text)))


class TextPane(Widget):
    """Paragraphs of Arabic text, wrapped in logical order and then drawn per the bidi mode."""

    DEFAULT_CSS = """
    TextPane { height: auto; }
    """

    def __init__(self, mode: Mode, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode: Mode = mode
        self.paragraphs: list[Paragraph] = []
        self._cache: dict[int, list[Text]] = {}
        self._starts: list[int] = []  # the first line of each paragraph, for the cached width

    def show(self, paragraphs: Sequence[Paragraph]) -> None:
        self.paragraphs = list(paragraphs)
        self._cache.clear()
        self.refresh(layout=True)

    def lines(self, width: int) -> list[Text]:
        if width not in self._cache:
            out: list[Text] = []
            self._starts = []
            for n, p in enumerate(self.paragraphs):
                if n:
                    out.append(Text(""))
                self._starts.append(len(out))
                for segments, pad in bidi.layout(p.text, p.relative_spans(), width, self.mode):
                    line = Text(" " * pad, no_wrap=True, end="")
                    for chunk, tags in segments:
                        line.append(chunk, style_for(tags))
                    out.append(line)
            self._cache = {width: out}
        return self._cache[width]

    def line_of(self, paragraph: int) -> int:
        """The screen line a paragraph starts on, at the current width."""
        self.lines(max(self.size.width, 1))
        return self._starts[paragraph] if 0 <= paragraph < len(self._starts) else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self.lines(width)), 1)

    def render(self) -> Text:
        return Text("\n", no_wrap=True, end="").join(self.lines(max(self.size.width, 1)))
