"""Word selection with the keyboard (pure state, no app)."""

from __future__ import annotations

from annotator.services.review import SentenceView
from annotator.tui.selection import WordSelection, text_of

WORDS = [(0, 4), (5, 9), (10, 11), (11, 15), (16, 20)]


def test_starting_at_an_offset_and_moving() -> None:
    sel = WordSelection.starting_at(WORDS, 6)
    assert sel is not None and sel.cursor == 1 and sel.span() == (5, 9)
    sel.move(1, extend=True)
    sel.move(1, extend=True)
    assert sel.span() == (5, 15) and sel.size == 3
    sel.move(-5, extend=False)  # clamped at the first word, selection collapsed
    assert sel.span() == (0, 4) and sel.size == 1
    sel.move(99, extend=False)
    assert sel.span() == (16, 20)
    assert WordSelection.starting_at([], 0) is None
    assert WordSelection.starting_at(WORDS, 500) is not None


def test_marks_keep_each_span_and_restart_from_the_cursor() -> None:
    sel = WordSelection(list(WORDS), cursor=1, anchor=1)
    sel.move(1, extend=True)
    sel.mark("content")
    assert sel.marked == {"content": (5, 11)} and sel.span() == (10, 11)
    sel.move(-2, extend=False)
    sel.mark("source")
    assert sel.marked["source"] == (0, 4)
    tags = [tag for _, _, tag in sel.marks()]
    assert tags == ["content", "source", "selected", "cursor"]
    assert [tag for _, _, tag in sel.marks(with_marked=False)] == ["selected", "cursor"]


def test_text_of_a_span_across_sentences() -> None:
    text = "قال بوتين. إن موسكو ستواصل"
    first = SentenceView(0, 0, 10, text[0:10], ((0, 3), (4, 9), (9, 10)))
    second = SentenceView(1, 11, len(text), text[11:], ((11, 13), (14, 19), (20, len(text))))
    assert text_of([first, second], (4, 9)) == "بوتين"
    assert text_of([first, second], (4, 19)) == "بوتين. إن موسكو"
