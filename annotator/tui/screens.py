"""Secondary screens: help, prompts, the speaker picker, the document view and the speaker view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from annotator.errors import AnnotatorError
from annotator.services.review import DocumentView, ReviewService
from annotator.tui.bidi import Mode
from annotator.tui.selection import WordSelection, text_of
from annotator.tui.widgets import LEGEND, Paragraph, TextPane, display

# Every key of the app, by screen: the help screen shows this table.
KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Review", [
        ("a", "accept the proposal (then the next one)"),
        ("r", "reject it (then the next one)"),
        ("space  j", "next: skip without deciding"),
        ("p  k", "previous"),
        ("u", "undo your last decision (again for earlier ones)"),
        ("s", "change the speaker: fuzzy search, or a new speaker"),
        ("t", "change the type: direct → indirect → mixed"),
        ("c  v  o", "edit the content / cue (verb) / source span"),
        ("[  ]", "start of that span one word earlier / later"),
        ("{  }", "end of that span one word earlier / later"),
        ("x", "remove the cue or source span"),
        ("e", "select words for that span"),
        ("n", "new attribution: select its words yourself"),
        ("↑  ↓", "scroll the text"),
        ("d", "document view: the whole article"),
        ("S", "speakers: counts, aliases, merge"),
        ("/", "filter the queue"),
        ("?", "this help"),
        ("q", "quit (every decision is already saved)"),
    ]),
    ("Selecting words (after e or n)", [
        ("←  →", "move one word (← forward in Arabic reading order)"),
        ("shift+←  shift+→", "extend the selection"),
        ("c  v  o", "make the selection the content / cue / source"),
        ("enter", "save (n: the new attribution; e: the span being edited)"),
        ("escape", "cancel"),
    ]),
    ("Speaker picker", [
        ("type", "search names and aliases (Arabic spellings folded, Latin too)"),
        ("↑  ↓  enter", "choose; the last lines make a new speaker or none"),
        ("escape", "cancel"),
    ]),
    ("Speakers view", [
        ("↑  ↓", "move"),
        ("m", "merge the highlighted speaker into another"),
        ("a", "add an alias to the highlighted speaker"),
        ("/", "search"),
        ("escape", "back"),
    ]),
    ("Document view", [
        ("↑  ↓  pgup  pgdn", "scroll"),
        ("n", "new attribution anywhere in the article: select words as above"),
        ("escape  d", "back"),
    ]),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "dismiss", "close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; height: 90%; border: round $accent; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        text = Text()
        for title, rows in KEYS:
            text.append(f"{title}\n", style="bold underline")
            for keys, what in rows:
                text.append(f"  {keys:<18}", style="bold")
                text.append(f"{what}\n")
            text.append("\n")
        text.append("Spans: ")
        text.append_text(LEGEND)
        text.append("  (underlined, bold, reversed: told apart without colour)\n")
        with VerticalScroll():
            yield Static(text)

    async def action_dismiss(self, result: Any = None) -> None:
        self.dismiss(None)


class PromptScreen(ModalScreen[str | None]):
    """One line of input: a filter, an alias, a name."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 90%; height: auto; border: round $accent; background: $surface; }
    """

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Input(value=self.value, id="prompt")
            if self.hint:
                yield Static(Text(self.hint, style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class SpeakerChoice:
    speaker_id: int | None = None
    new_name: str | None = None


class SpeakerPicker(ModalScreen[SpeakerChoice | None]):
    """Fuzzy search over the registry; the list ends with "new speaker" and "no speaker"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]
    DEFAULT_CSS = """
    SpeakerPicker { align: center middle; }
    SpeakerPicker > Vertical { width: 90%; height: 80%; border: round $accent; background: $surface; }
    SpeakerPicker OptionList { height: 1fr; }
    """

    def __init__(self, service: ReviewService, mode: Mode, title: str, query: str = "",
                 allow_new: bool = True, exclude: int | None = None) -> None:
        super().__init__()
        self.service, self.mode, self.title_text = service, mode, title
        self.query_text, self.allow_new, self.exclude = query, allow_new, exclude
        self.choices: list[SpeakerChoice] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Input(value=self.query_text, placeholder="name or alias", id="query")
            yield OptionList(id="hits")

    def on_mount(self) -> None:
        self.fill(self.query_text)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def fill(self, query: str) -> None:
        hits = [h for h in self.service.search_speakers(query, limit=30) if h.id != self.exclude]
        self.choices = []
        options: list[Option] = []
        for h in hits:
            label = Text(display(h.name, self.mode), style="bold")
            if h.matched != h.name:
                label.append(f"  ({display(h.matched, self.mode)})", style="dim")
            options.append(Option(label))
            self.choices.append(SpeakerChoice(speaker_id=h.id))
        name = " ".join(query.split())
        if self.allow_new and name and not any(h.name == name for h in hits):
            options.append(Option(Text(f"+ new speaker: {display(name, self.mode)}", style="green")))
            self.choices.append(SpeakerChoice(new_name=name))
        if self.allow_new:
            options.append(Option(Text("- no speaker", style="dim")))
            self.choices.append(SpeakerChoice())
        hits_list = self.query_one("#hits", OptionList)
        hits_list.clear_options()
        hits_list.add_options(options)
        hits_list.highlighted = 0 if options else None

    def action_move(self, step: int) -> None:
        hits_list = self.query_one("#hits", OptionList)
        if hits_list.option_count:
            now = hits_list.highlighted or 0
            hits_list.highlighted = max(0, min(hits_list.option_count - 1, now + step))

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        at = self.query_one("#hits", OptionList).highlighted
        if at is not None and at < len(self.choices):
            self.dismiss(self.choices[at])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def document_paragraphs(doc: DocumentView, current: int | None,
                        extra: Sequence[tuple[int, int, str]] = ()) -> list[Paragraph]:
    """Every sentence with every attribution marked; the current one in the review colours,
    the others by attribute only; after each sentence, a note per attribution starting there.
    ``extra`` adds marks of a word selection."""
    out: list[Paragraph] = []
    for s in doc.sentences:
        spans = [m for m in extra if m[0] < s.end and m[1] > s.start]
        notes: list[Paragraph] = []
        for a in doc.attributions:
            prefix = "" if a.id == current else "other_"
            marks = [(a.content, "content"), (a.cue, "cue"), (a.source, "source")]
            for span, name in marks:
                if span is not None and span[0] < s.end and span[1] > s.start:
                    spans.append((span[0], span[1], prefix + name))
                    if a.status == "rejected":
                        spans.append((span[0], span[1], "rejected"))
            if s.start <= a.content[0] < s.end:
                here = "▶ " if a.id == current else ""
                speaker = a.speaker or "?"
                notes.append(Paragraph(f"  {here}#{a.id} {a.status} · {a.type} · {speaker}",
                                       tags=frozenset({"note"})))
        out.append(Paragraph(s.text, s.start, tuple(spans)))
        out.extend(notes)
    return out


class DocumentScreen(Screen[None]):
    """The whole article; ``n`` selects words for an attribution the engine missed, anywhere in it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "escape", "back"),
        Binding("d", "back", show=False),
        Binding("n", "new", "new attribution"),
        Binding("left", "cursor(1, False)", show=False, priority=True),
        Binding("right", "cursor(-1, False)", show=False, priority=True),
        Binding("shift+left", "cursor(1, True)", show=False, priority=True),
        Binding("shift+right", "cursor(-1, True)", show=False, priority=True),
        Binding("c", "mark('content')", show=False),
        Binding("v", "mark('cue')", show=False),
        Binding("o", "mark('source')", show=False),
        Binding("enter", "save", show=False),
        Binding("question_mark", "help", "help"),
    ]
    DEFAULT_CSS = """
    DocumentScreen #doc-title { height: 1; background: $primary; color: $text; text-wrap: nowrap; }
    DocumentScreen #doc-notice { height: 1; padding: 0 1; color: $warning; text-wrap: nowrap; }
    DocumentScreen VerticalScroll { padding: 0 1; }
    """

    def __init__(self, service: ReviewService, mode: Mode, document_id: int, current: int | None) -> None:
        super().__init__()
        self.service, self.mode, self.document_id, self.current = service, mode, document_id, current
        self.doc: DocumentView | None = None
        self.sel: WordSelection | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="doc-title")
        with VerticalScroll(id="doc-body"):
            yield TextPane(self.mode, id="doc-text")
        yield Static(id="doc-notice")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.query_one("#doc-body").focus()
        doc = self.doc
        current = next((a for a in doc.attributions if a.id == self.current), None) if doc else None
        if current is not None:
            self.call_after_refresh(self.scroll_to_offset, current.content[0])

    def load(self) -> None:
        self.doc = doc = self.service.document(self.document_id)
        progress = self.service.progress(self.document_id)
        title = Text(f" {doc.name} · {len(doc.attributions)} attributions · reviewed "
                     f"{progress.document_reviewed}/{progress.document_total} · ", no_wrap=True)
        title.append_text(LEGEND)
        self.query_one("#doc-title", Static).update(title)
        self.draw()

    def draw(self) -> None:
        if self.doc is not None:
            marks = self.sel.marks() if self.sel else []
            self.query_one("#doc-text", TextPane).show(document_paragraphs(self.doc, self.current, marks))

    def notice(self, message: str) -> None:
        self.query_one("#doc-notice", Static).update(Text(message, no_wrap=True, overflow="ellipsis"))

    def scroll_to_offset(self, offset: int, only_if_hidden: bool = False) -> None:
        """Scroll to the sentence holding a document offset, with a little of what comes before it."""
        pane = self.query_one("#doc-text", TextPane)
        at = next((n for n, p in enumerate(pane.paragraphs)
                   if not p.tags and p.start <= offset < p.start + len(p.text)), 0)
        line = pane.line_of(at)
        body = self.query_one("#doc-body", VerticalScroll)
        if only_if_hidden and body.scroll_y <= line < body.scroll_y + body.size.height - 1:
            return
        body.scroll_to(y=max(line - 2, 0), animate=False)

    # ------------------------------------------------------------------ adding an attribution

    def action_new(self) -> None:
        if self.doc is None or self.sel is not None:
            return
        current = next((a for a in self.doc.attributions if a.id == self.current), None)
        words = [w for s in self.doc.sentences for w in s.words]
        self.sel = WordSelection.starting_at(words, current.content[1] if current else 0)
        if self.sel is None:
            self.notice("this document has no words to select")
            return
        self.draw()
        self.notice("NEW ATTRIBUTION: ←→ move (← forward), shift extends, c/v/o mark, enter save, esc cancel")

    def action_cursor(self, step: int, extend: bool) -> None:
        if self.sel is None or self.doc is None:
            return
        self.sel.move(step, extend)
        self.draw()
        self.notice(self.sel.selected_notice(display(text_of(self.doc.sentences, self.sel.span()), self.mode)))
        self.call_after_refresh(self.scroll_to_offset, self.sel.words[self.sel.cursor][0], True)

    def action_mark(self, which: str) -> None:
        if self.sel is None:
            return
        self.sel.mark(which)
        self.draw()
        self.notice(self.sel.marked_notice(which))

    def action_save(self) -> None:
        sel, doc = self.sel, self.doc
        if sel is None or doc is None:
            return
        if "content" not in sel.marked:
            self.notice("mark the content first: select its words and press c")
            return
        marked = dict(sel.marked)
        source = marked.get("source")

        def create(choice: SpeakerChoice | None) -> None:
            if choice is None:
                self.notice("not saved yet: enter to choose a speaker again, escape to drop the selection")
                return
            try:
                view = self.service.add(doc.id, marked["content"], cue=marked.get("cue"), source=source,
                                        speaker_id=choice.speaker_id, new_speaker=choice.new_name)
            except AnnotatorError as exc:
                self.notice(str(exc))
                return
            self.sel = None
            self.current = view.id
            self.load()
            self.notice(f"added #{view.id} ({view.type}); u in the review screen takes it back")

        query = text_of(doc.sentences, source) if source else ""
        self.app.push_screen(SpeakerPicker(self.service, self.mode, "speaker of the new attribution:", query),
                             create)

    def action_escape(self) -> None:
        if self.sel is not None:
            self.sel = None
            self.draw()
            self.notice("selection cancelled")
            return
        self.dismiss(None)

    def action_back(self) -> None:
        if self.sel is None:
            self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())


class SpeakersScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "back"),
        Binding("m", "merge", "merge"),
        Binding("a", "alias", "alias"),
        Binding("slash", "search", "search"),
        Binding("question_mark", "help", "help"),
    ]
    DEFAULT_CSS = """
    SpeakersScreen #speakers-title { height: 1; background: $primary; color: $text; }
    SpeakersScreen #speakers-notice { height: 1; color: $warning; }
    SpeakersScreen DataTable { height: 1fr; }
    """

    def __init__(self, service: ReviewService, mode: Mode) -> None:
        super().__init__()
        self.service, self.mode = service, mode
        self.query_text = ""
        self.row_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static(id="speakers-title")
        yield DataTable(id="speakers", cursor_type="row", zebra_stripes=True)
        yield Static(id="speakers-notice")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "speaker", "attributions", "kind", "aliases")
        self.fill()
        table.focus()

    def fill(self) -> None:
        rows = self.service.speakers()
        if self.query_text:
            wanted = {h.id for h in self.service.search_speakers(self.query_text, limit=200)}
            rows = [r for r in rows if r.id in wanted]
        table = self.query_one(DataTable)
        at = table.cursor_row
        table.clear()
        self.row_ids = [r.id for r in rows]
        for r in rows:
            aliases = " · ".join(display(a, self.mode) for a in r.aliases[:4])
            if len(r.aliases) > 4:
                aliases += f" · +{len(r.aliases) - 4}"
            table.add_row(str(r.id), display(r.name, self.mode), str(r.count), r.kind, aliases)
        if rows:
            table.move_cursor(row=min(at, len(rows) - 1))
        shown = f" matching {self.query_text!r}" if self.query_text else ""
        self.query_one("#speakers-title", Static).update(
            Text(f" speakers{shown}: {len(rows)} · m merge · a alias · / search · escape back", no_wrap=True))

    def highlighted(self) -> int | None:
        row = self.query_one(DataTable).cursor_row
        return self.row_ids[row] if 0 <= row < len(self.row_ids) else None

    def notice(self, message: str) -> None:
        self.query_one("#speakers-notice", Static).update(Text(message, no_wrap=True, overflow="ellipsis"))

    def action_merge(self) -> None:
        source = self.highlighted()
        if source is None:
            return
        name = next(r.name for r in self.service.speakers() if r.id == source)

        def merge(choice: SpeakerChoice | None) -> None:
            if choice is None or choice.speaker_id is None:
                return
            try:
                moved = self.service.merge_speakers(source, choice.speaker_id)
            except AnnotatorError as exc:
                self.notice(str(exc))
                return
            self.notice(f"merged {name} into speaker {choice.speaker_id}: {moved} attributions moved")
            self.fill()

        self.app.push_screen(SpeakerPicker(self.service, self.mode, f"merge {display(name, self.mode)} into:",
                                           allow_new=False, exclude=source), merge)

    def action_alias(self) -> None:
        speaker = self.highlighted()
        if speaker is None:
            return

        def add(alias: str | None) -> None:
            if not alias:
                return
            try:
                added = self.service.add_alias(speaker, alias)
            except AnnotatorError as exc:
                self.notice(str(exc))
                return
            self.notice(f"alias {alias} added" if added else f"{alias} is already a name of this speaker")
            self.fill()

        self.app.push_screen(PromptScreen("new alias for the highlighted speaker:"), add)

    def action_search(self) -> None:
        def search(query: str | None) -> None:
            if query is not None:
                self.query_text = query.strip()
                self.fill()

        self.app.push_screen(PromptScreen("search speakers (empty: all):", self.query_text), search)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

