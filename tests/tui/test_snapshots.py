"""Snapshots of the main screens with Arabic text (pytest-textual-snapshot; update with --snapshot-update).

The database is built from fixture sentences with proposals written out in review_db.py, so the
screens change only when the UI does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.services.review import ReviewService
from annotator.tui.app import ReviewApp
from annotator.tui.bidi import Mode
from tests.tui.review_db import build_snapshot_db

SnapCompare = Callable[..., bool]


def review_app(tmp_path: Path, mode: Mode = "app") -> ReviewApp:
    return ReviewApp(ReviewService(build_snapshot_db(tmp_path / "snap.db"), "mona"), mode=mode)


def test_main_screen_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(review_app(tmp_path), terminal_size=(80, 24))


def test_main_screen_wide_after_accept(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(review_app(tmp_path), press=["a"], terminal_size=(120, 30))


def test_main_screen_terminal_bidi_mode(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(review_app(tmp_path, "terminal"), terminal_size=(80, 24))


def test_selecting_a_new_attribution(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(review_app(tmp_path), press=["n", "left", "shift+left", "shift+left"],
                        terminal_size=(80, 24))


def test_help_screen(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(review_app(tmp_path), press=["question_mark"], terminal_size=(100, 40))


def test_document_view(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(review_app(tmp_path), press=["d"], terminal_size=(80, 24))


def test_speaker_view(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(review_app(tmp_path), press=["S"], terminal_size=(100, 24))


def test_speaker_picker(snap_compare: SnapCompare, tmp_path: Path) -> None:
    async def type_query(pilot: Any) -> None:
        await pilot.press("s")
        pilot.app.screen.query_one("#query").value = "لافرف"
        await pilot.pause()

    assert snap_compare(review_app(tmp_path), run_before=type_query, terminal_size=(80, 24))
