"""The display-only bidi helper: mode choice, wrapping, shaping, visual order, highlights."""

from __future__ import annotations

import pytest
from bidi import get_display
from rich.cells import cell_len

from annotator.tui.bidi import (
    char_tags,
    choose_mode,
    is_rtl,
    layout,
    segments,
    shape,
    visual_order,
    wrap,
)

SENTENCE = "وقال لافروف: “نحن ممتنون للغاية لأصدقائنا الكوريين (في بيونغ يانغ) منذ 2024”."


@pytest.mark.parametrize(("requested", "env", "expected"), [
    ("app", {"VTE_VERSION": "7600"}, "app"),
    ("terminal", {}, "terminal"),
    ("auto", {"VTE_VERSION": "7600"}, "terminal"),
    ("auto", {"KONSOLE_VERSION": "230804"}, "terminal"),
    ("auto", {"TERM": "mlterm"}, "terminal"),
    ("auto", {"TERM": "xterm-256color"}, "app"),
    ("auto", {"TERM": "tmux-256color", "VTE_VERSION": ""}, "app"),
])
def test_choose_mode(requested: str, env: dict[str, str], expected: str) -> None:
    assert choose_mode(requested, env) == expected


def test_direction_from_first_strong_character() -> None:
    assert is_rtl("«قال» Putin")
    assert not is_rtl("2024: Putin قال")
    assert not is_rtl("2024 ...")


def test_shape_keeps_one_character_per_character() -> None:
    shaped = shape("لا إله إلا الله، مُحَمَّدٌ")
    assert len(shaped) == len("لا إله إلا الله، مُحَمَّدٌ")
    assert shaped != "لا إله إلا الله، مُحَمَّدٌ"  # presentation forms


BRACKETS = str.maketrans("()«»[]", "||||||")


def test_visual_order_matches_python_bidi() -> None:
    """Our indexed run of the algorithm draws what python-bidi's get_display draws.

    get_display (python-bidi 0.6) leaves out rule L4, mirroring; we apply it, so brackets are
    compared without their direction here and checked on their own below.
    """
    for text in (SENTENCE, "قال 3.5% من الناس (تقريبا) إن CNN أخطأت", "Putin said «نعم» twice"):
        drawn = "".join(ch for _, ch in visual_order(text, is_rtl(text)))
        expected = get_display(text, base_dir="R" if is_rtl(text) else "L")
        assert drawn.translate(BRACKETS) == expected.translate(BRACKETS)
        assert sorted(i for i, _ in visual_order(text, is_rtl(text))) == list(range(len(text)))


def test_brackets_are_mirrored_in_right_to_left_runs() -> None:
    drawn = "".join(ch for _, ch in visual_order("قال (في بيونغ يانغ) أمس", True))
    assert "(غناي غنويب يف)" in drawn  # the opening bracket, on the right, faces left


def test_latin_and_numbers_stay_left_to_right_inside_arabic() -> None:
    drawn = "".join(ch for _, ch in visual_order("قال Putin إن 2024 كان", True))
    assert "Putin" in drawn and "2024" in drawn
    assert drawn.index("2024") < drawn.index("Putin")  # the later run is further left


def test_highlight_stays_on_its_characters_after_reordering() -> None:
    text = "قال الرئيس Putin إن موسكو ستواصل الدعم"
    source = text.index("Putin")
    content = text.index("موسكو")
    spans = [(source, source + 5, "source"), (content, len(text), "content"), (0, 3, "cue")]
    segs = segments(text, char_tags(len(text), spans), "app", True)
    by_tag = {next(iter(tags)): s for s, tags in segs if len(tags) == 1}
    assert by_tag["source"] == "Putin"
    assert by_tag["cue"] == shape("قال")[::-1]
    assert by_tag["content"] == shape(text)[content:][::-1]
    # Leftmost on screen is the end of the sentence: the content; rightmost is the cue.
    assert next(iter(segs[0][1])) == "content" and next(iter(segs[-1][1])) == "cue"


def test_terminal_mode_passes_logical_text() -> None:
    text = "قال بوتين"
    segs = segments(text, char_tags(len(text), [(4, 9, "source")]), "terminal", True)
    assert segs == [("قال ", frozenset()), ("بوتين", frozenset({"source"}))]


def test_combining_marks_follow_their_base_on_screen() -> None:
    text = "قالَ"  # fatha on the last letter
    drawn = [i for i, _ in visual_order(text, True)]
    assert drawn == [2, 3, 1, 0]  # reversed bases, the mark right after its lam


def test_wrap_breaks_at_spaces_within_width() -> None:
    for width in (10, 20, 37):
        lines = wrap(SENTENCE, width)
        assert all(cell_len(SENTENCE[s:e]) <= width for s, e in lines)
        assert " ".join(SENTENCE[s:e] for s, e in lines) == SENTENCE
    assert wrap("كلمةطويلةجدا", 4) == [(0, 4), (4, 8), (8, 12)]
    assert wrap("سطر\nسطر", 20) == [(0, 3), (4, 7)]


def test_layout_right_aligns_rtl_lines_in_app_mode_only() -> None:
    app_lines = layout(SENTENCE, [], 30, "app")
    assert all(pad + sum(cell_len(s) for s, _ in segs) == 30 for segs, pad in app_lines)
    assert all(pad == 0 for _, pad in layout(SENTENCE, [], 30, "terminal"))
