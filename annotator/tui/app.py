"""The review app: one proposal at a time, decided with single keys, saved at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from annotator.db.models import ATTRIBUTION_TYPES
from annotator.errors import AnnotatorError, ConflictError
from annotator.services.review import (
    SPAN_NAMES,
    Edge,
    ItemView,
    QueueFilter,
    ReviewService,
    SpanName,
    format_filter,
    parse_filter,
)
from annotator.tui.bidi import Mode
from annotator.tui.screens import (
    DocumentScreen,
    HelpScreen,
    PromptScreen,
    SpeakerChoice,
    SpeakerPicker,
    SpeakersScreen,
)
from annotator.tui.selection import WordSelection, text_of
from annotator.tui.widgets import LEGEND, TAG_STYLES, Paragraph, TextPane, display

SelectMode = Literal["new", "set"]
SPAN_KEYS = {"content": "c", "cue": "v", "source": "o"}


class ReviewScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "accept"),
        Binding("r", "reject", "reject"),
        Binding("space", "next", "next"),
        Binding("j", "next", show=False),
        Binding("p,k", "previous", "prev"),
        Binding("u", "undo", "undo"),
        Binding("s", "speaker", "speaker"),
        Binding("t", "cycle_type", "type"),
        Binding("n", "select('new')", "new"),
        Binding("c", "span('content')", show=False),
        Binding("v", "span('cue')", show=False),
        Binding("o", "span('source')", show=False),
        Binding("left_square_bracket", "boundary('start', True)", show=False),
        Binding("right_square_bracket", "boundary('start', False)", show=False),
        Binding("left_curly_bracket", "boundary('end', False)", show=False),
        Binding("right_curly_bracket", "boundary('end', True)", show=False),
        Binding("x", "clear_span", show=False),
        Binding("e", "select('set')", show=False),
        Binding("left", "cursor(1, False)", show=False),
        Binding("right", "cursor(-1, False)", show=False),
        Binding("shift+left", "cursor(1, True)", show=False),
        Binding("shift+right", "cursor(-1, True)", show=False),
        Binding("enter", "save_selection", show=False),
        Binding("escape", "cancel_selection", show=False),
        Binding("up", "scroll(-1)", show=False),
        Binding("down", "scroll(1)", show=False),
        Binding("d", "document", "doc"),
        Binding("S", "speakers", "speakers"),
        Binding("slash", "filter", "filter"),
        Binding("question_mark", "help", "help"),
        Binding("q", "quit", "quit"),
    ]
    DEFAULT_CSS = """
    ReviewScreen #progress { height: 1; background: $primary; color: $text; }
    ReviewScreen #meta { height: auto; padding: 0 1; background: $boost; }
    ReviewScreen #progress, ReviewScreen #meta, ReviewScreen #notice { text-wrap: nowrap; text-overflow: ellipsis; }
    ReviewScreen #body { height: 1fr; padding: 0 1; }
    ReviewScreen #notice { height: 1; padding: 0 1; color: $warning; }
    """

    def __init__(self, service: ReviewService, flt: QueueFilter, mode: Mode, start_at: int | None = None) -> None:
        super().__init__()
        self.service, self.mode = service, mode
        self.queue = service.queue(flt)
        self.start_at = start_at
        self.item: ItemView | None = None
        self.editing: SpanName = "content"
        self.selecting: SelectMode | None = None
        self.sel: WordSelection | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="progress")
        yield Static(id="meta")
        with VerticalScroll(id="body", can_focus=False):
            yield TextPane(self.mode, id="text")
        yield Static(id="notice")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.queue.start(self.start_at))

    def show(self, attribution_id: int | None, notice: str = "") -> None:
        """Load and draw an item (None: the queue is empty)."""
        self.selecting = None
        self.item = self.service.item(attribution_id) if attribution_id is not None else None
        self.redraw()
        self.notice(notice or ("" if self.item else "nothing to review with this filter (/ to change it)"))

    def redraw(self) -> None:
        self.draw_progress()
        self.draw_meta()
        self.query_one("#text", TextPane).show(self.paragraphs())

    def draw_progress(self) -> None:
        p = self.service.progress(self.item.document_id if self.item else None)
        share = f" ({100 * p.reviewed // p.total}%)" if p.total else ""
        line = Text(f" {self.service.annotator} │ reviewed {p.reviewed:,}/{p.total:,}{share}", no_wrap=True,
                    overflow="ellipsis")
        if self.item:
            line.append(f" │ this document {p.document_reviewed}/{p.document_total}")
        line.append(f" │ {format_filter(self.queue.filter)}")
        self.query_one("#progress", Static).update(line)

    def draw_meta(self) -> None:
        meta = self.query_one("#meta", Static)
        item = self.item
        if item is None:
            meta.update(Text("no item", style="dim"))
            return
        first = Text(no_wrap=True, overflow="ellipsis")
        first.append(f"#{item.id} ", style="bold")
        first.append(item.status.upper(), style="bold reverse" if item.status != "proposed" else "bold")
        first.append(f" · {item.type} · confidence {item.confidence:.2f} · {item.rule} · v{item.version}")
        if item.reviewed_by:
            first.append(f" · by {item.reviewed_by}", style="dim")
        second = Text("speaker: ", no_wrap=True, overflow="ellipsis")
        second.append(display(item.speaker, self.mode) if item.speaker else "none", style="bold")
        second.append(f" · {item.document_name}", style="dim")
        third = Text(no_wrap=True, overflow="ellipsis")
        third.append_text(LEGEND)
        third.append(" │ editing: ")
        for name in SPAN_NAMES:
            chosen = name == self.editing
            third.append(f"[{SPAN_KEYS[name]}]{name}", style="bold reverse" if chosen else "dim")
            third.append(" ")
        if self.selecting:
            third = self.selection_line()
        meta.update(Text("\n", no_wrap=True, overflow="ellipsis").join([first, second, third]))

    def selection_line(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis", style="bold")
        what = "NEW ATTRIBUTION" if self.selecting == "new" else f"SET {self.editing.upper()}"
        line.append(f"{what}: ←→ move, shift extends, c/v/o mark, enter save, esc cancel",
                    style=TAG_STYLES["selected"])
        for name in self.sel.marked if self.sel else ():
            line.append(f" {name} ✓", style=TAG_STYLES[name])
        return line

    def paragraphs(self) -> list[Paragraph]:
        item = self.item
        if item is None:
            return []
        marks: list[tuple[int, int, str]] = []
        if self.selecting != "new":
            for name in SPAN_NAMES:
                span = item.span(name)
                if span is not None:
                    marks.append((span.start, span.end, name))
        if self.selecting and self.sel:
            marks += self.sel.marks(with_marked=self.selecting == "new")
        here = {s.index for s in item.sentences
                if s.start < item.content.end and s.end > item.content.start}
        return [Paragraph(s.text, s.start, tuple(m for m in marks if m[0] < s.end and m[1] > s.start),
                          frozenset() if s.index in here else frozenset({"context"}))
                for s in item.sentences]

    def notice(self, message: str) -> None:
        self.query_one("#notice", Static).update(Text(message, no_wrap=True, overflow="ellipsis"))

    # ------------------------------------------------------------------ decisions

    def decide(self, act: Callable[[ItemView], ItemView | None], then_next: bool = False) -> None:
        """Run one decision; a conflict shows a notice and reloads the item, never overwrites."""
        item = self.item
        if item is None or self.selecting:
            return
        try:
            view = act(item)
        except ConflictError as exc:
            self.show(item.id, f"conflict: {exc}")
            return
        except AnnotatorError as exc:
            self.notice(str(exc))
            return
        if then_next:
            self.advance(view)
            return
        self.item = view
        self.redraw()
        self.notice("")

    def advance(self, decided: ItemView | None) -> None:
        next_id = self.queue.next()
        if next_id is None:
            self.item = decided
            self.redraw()
            self.notice("end of the queue: nothing further with this filter")
            return
        self.show(next_id)

    def action_accept(self) -> None:
        self.decide(lambda i: self.service.accept(i.id, i.version), then_next=True)

    def action_reject(self) -> None:
        self.decide(lambda i: self.service.reject(i.id, i.version), then_next=True)

    def action_next(self) -> None:
        if self.item is not None and not self.selecting:
            self.advance(self.item)

    def action_previous(self) -> None:
        if self.selecting:
            return
        previous = self.queue.previous()
        if previous is None:
            self.notice("start of the queue")
            return
        self.show(previous)

    def action_undo(self) -> None:
        if self.selecting:
            return
        try:
            view = self.service.undo()
        except AnnotatorError as exc:
            self.notice(str(exc))
            if self.item is not None:
                self.show(self.item.id, str(exc))
            return
        if view is None:
            self.notice("nothing to undo in this session")
            return
        self.queue.goto(view.id)
        self.show(view.id, f"undone: #{view.id} is {view.status} again")

    def action_cycle_type(self) -> None:
        def cycle(i: ItemView) -> ItemView:
            following = ATTRIBUTION_TYPES[(ATTRIBUTION_TYPES.index(i.type) + 1) % len(ATTRIBUTION_TYPES)]
            return self.service.set_type(i.id, i.version, following)
        self.decide(cycle)

    def action_speaker(self) -> None:
        item = self.item
        if item is None or self.selecting:
            return
        query = item.source.text if item.source and not item.speaker else (item.speaker or "")

        def chosen(choice: SpeakerChoice | None) -> None:
            if choice is not None:
                self.decide(lambda i: self.service.set_speaker(i.id, i.version, choice.speaker_id,
                                                               choice.new_name))

        self.app.push_screen(SpeakerPicker(self.service, self.mode, "speaker:", query), chosen)

    def action_span(self, which: SpanName) -> None:
        if self.selecting:
            self.mark(which)
            return
        self.editing = which
        self.draw_meta()

    def action_boundary(self, edge: Edge, grow: bool) -> None:
        self.decide(lambda i: self.service.adjust_span(i.id, i.version, self.editing, edge, grow))

    def action_clear_span(self) -> None:
        self.decide(lambda i: self.service.set_span(i.id, i.version, self.editing, None))

    def action_scroll(self, step: int) -> None:
        self.query_one("#body", VerticalScroll).scroll_relative(y=step, animate=False)

    # ------------------------------------------------------------------ selecting words

    def action_select(self, purpose: SelectMode) -> None:
        item = self.item
        if item is None or self.selecting:
            return
        span = item.span(self.editing) if purpose == "set" else None
        at = item.content.start if span is None else span.start
        self.sel = WordSelection.starting_at([w for s in item.sentences for w in s.words], at)
        if self.sel is None:
            self.notice("this text has no words to select")
            return
        self.selecting = purpose
        self.redraw()
        self.notice("select words: ← → move (← is forward in Arabic), shift to extend")

    def action_cursor(self, step: int, extend: bool) -> None:
        if not self.selecting or self.sel is None or self.item is None:
            return
        self.sel.move(step, extend)
        self.redraw()
        self.notice(self.sel.selected_notice(display(text_of(self.item.sentences, self.sel.span()), self.mode)))

    def mark(self, which: SpanName) -> None:
        if self.selecting == "set":
            self.editing = which
            self.action_save_selection()
            return
        if self.sel is None:
            return
        self.sel.mark(which)
        self.redraw()
        self.notice(self.sel.marked_notice(which))

    def action_save_selection(self) -> None:
        item, sel = self.item, self.sel
        if item is None or self.selecting is None or sel is None:
            return
        if self.selecting == "set":
            span = sel.span()
            self.selecting = None
            self.decide(lambda i: self.service.set_span(i.id, i.version, self.editing, span))
            self.redraw()
            return
        if "content" not in sel.marked:
            self.notice("mark the content first: select its words and press c")
            return
        marked = dict(sel.marked)
        source = marked.get("source")
        query = text_of(item.sentences, source) if source else ""

        def create(choice: SpeakerChoice | None) -> None:
            if choice is None:  # the picker was cancelled: keep the selection, save nothing
                self.notice("not saved yet: enter to choose a speaker again, escape to drop the selection")
                return
            try:
                view = self.service.add(item.document_id, marked["content"], cue=marked.get("cue"),
                                        source=source, speaker_id=choice.speaker_id, new_speaker=choice.new_name)
            except AnnotatorError as exc:
                self.notice(str(exc))
                return
            self.selecting = None
            self.queue.goto(view.id)
            self.show(view.id, f"added #{view.id} ({view.type}; t to change)")

        self.app.push_screen(SpeakerPicker(self.service, self.mode, "speaker of the new attribution:", query),
                             create)

    def action_cancel_selection(self) -> None:
        if self.selecting:
            self.selecting = None
            self.redraw()
            self.notice("selection cancelled")

    # ------------------------------------------------------------------ other screens

    def action_document(self) -> None:
        if self.selecting:
            return
        item = self.item
        document_id = item.document_id if item else self.service.document_id(self.queue.filter.documents)
        if document_id is None:
            self.notice("no document to show: filter on one (/ doc:NAME) or open an item")
            return

        def back(_result: None) -> None:
            if self.item is not None:
                self.show(self.item.id)  # progress and the item may have changed there
            else:
                self.draw_progress()

        self.app.push_screen(DocumentScreen(self.service, self.mode, document_id, item.id if item else None),
                             back)

    def action_speakers(self) -> None:
        if self.selecting:
            return

        def back(_result: None) -> None:
            if self.item is not None:
                self.show(self.item.id)  # a merge may have changed its speaker

        self.app.push_screen(SpeakersScreen(self.service, self.mode), back)

    def action_filter(self) -> None:
        if self.selecting:
            return

        def apply(text: str | None) -> None:
            if text is None:
                return
            try:
                flt = parse_filter(text)
            except AnnotatorError as exc:
                self.notice(str(exc))
                return
            self.queue = self.service.queue(flt)
            self.show(self.queue.start())

        hint = ("status:proposed,accepted,rejected,corrected|all  doc:NAME  speaker:NAME  type:direct,indirect,mixed"
                "  min:0.5  max:0.9  order:confidence|document   (spaces in a name: _)")
        self.app.push_screen(PromptScreen("filter the queue:", format_filter(self.queue.filter), hint), apply)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self.app.exit()


class ReviewApp(App[None]):
    """``annotator review``: the queue of proposals for one reviewer."""

    TITLE = "annotator review"

    def __init__(self, service: ReviewService, flt: QueueFilter | None = None, mode: Mode = "app",
                 start_at: int | None = None) -> None:
        super().__init__()
        self.service = service
        self.review_filter = flt or QueueFilter()
        self.bidi_mode: Mode = mode
        self.start_at = start_at

    def get_default_screen(self) -> Screen[None]:
        return ReviewScreen(self.service, self.review_filter, self.bidi_mode, self.start_at)
