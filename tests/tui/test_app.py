"""The review app driven by key presses (Textual's Pilot); every test checks what the database holds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.pilot import Pilot

from annotator.db import Attribution, Database, Decision, Speaker
from annotator.services.review import QueueFilter, ReviewService
from annotator.tui.app import ReviewApp, ReviewScreen
from annotator.tui.screens import KEYS, DocumentScreen, HelpScreen, SpeakerPicker, SpeakersScreen
from tests.tui.review_db import build_review_db

Scenario = Callable[[Pilot[None], ReviewApp], Awaitable[None]]


@pytest.fixture
def rdb(tmp_path: Path) -> Iterator[Database]:
    database = build_review_db(tmp_path / "review.db")
    yield database
    database.dispose()


def drive(db: Database, scenario: Scenario, *, annotator: str = "mona", size: tuple[int, int] = (100, 30),
          flt: QueueFilter | None = None, start_at: int | None = None) -> ReviewApp:
    app = ReviewApp(ReviewService(db, annotator), flt, mode="app", start_at=start_at)

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot, app)

    asyncio.run(run())
    return app


def screen(app: ReviewApp) -> ReviewScreen:
    found = app.screen_stack[0] if isinstance(app.screen_stack[0], ReviewScreen) else app.screen
    assert isinstance(found, ReviewScreen)
    return found


def current_id(app: ReviewApp) -> int:
    item = screen(app).item
    assert item is not None
    return item.id


def stored(db: Database, attribution_id: int) -> Attribution:
    with db.sessions() as session:
        return session.get_one(Attribution, attribution_id)


def actions(db: Database, attribution_id: int | None = None) -> list[tuple[str, str]]:
    with db.sessions() as session:
        query = select(Decision).order_by(Decision.id)
        if attribution_id is not None:
            query = query.where(Decision.attribution_id == attribution_id)
        return [(d.annotator, d.action) for d in session.scalars(query)]


def notice(app: ReviewApp) -> str:
    return str(screen(app).query_one("#notice").render())


def test_accept_is_one_key_and_the_next_item_follows(rdb: Database) -> None:
    seen: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        seen.append(current_id(app))
        await pilot.press("a")
        seen.append(current_id(app))

    drive(rdb, scenario)
    first, second = seen
    assert first != second
    assert stored(rdb, first).confidence <= stored(rdb, second).confidence  # lowest confidence first
    row = stored(rdb, first)
    assert row.status == "accepted" and row.reviewed_by == "mona" and row.reviewed_at is not None
    assert actions(rdb) == [("mona", "accept")]
    assert stored(rdb, second).status == "proposed"


def test_reject_skip_previous_and_undo_several_steps(rdb: Database) -> None:
    ids: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        ids.append(current_id(app))
        await pilot.press("r")  # reject the first
        ids.append(current_id(app))
        await pilot.press("space")  # skip the second: nothing written
        ids.append(current_id(app))
        await pilot.press("a")  # accept the third
        await pilot.press("p")
        assert current_id(app) == ids[2]
        await pilot.press("u")  # takes back the accept
        assert current_id(app) == ids[2]
        await pilot.press("u")  # and the reject
        assert current_id(app) == ids[0]
        await pilot.press("u")
        assert "nothing to undo" in notice(app)

    drive(rdb, scenario)
    assert stored(rdb, ids[0]).status == "proposed" and stored(rdb, ids[0]).reviewed_by is None
    assert stored(rdb, ids[2]).status == "proposed"
    assert actions(rdb, ids[1]) == []
    assert actions(rdb) == [("mona", "reject"), ("mona", "accept"), ("mona", "undo"), ("mona", "undo")]


def test_type_and_boundary_keys_correct_and_keep_the_engine_values(rdb: Database) -> None:
    holder: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        holder.append(current_id(app))
        await pilot.press("t")
        await pilot.press("c", "left_square_bracket")  # content starts one word earlier
        await pilot.press("right_curly_bracket", "left_curly_bracket")  # end later, then back
        await pilot.press("a")

    drive(rdb, scenario)
    item_id = holder[0]
    engine_row = stored(rdb, item_id)
    assert engine_row.status == "corrected"
    assert engine_row.proposed is not None
    assert engine_row.proposed["type"] != engine_row.type
    assert engine_row.content_start < engine_row.proposed["content_start"]
    assert engine_row.content_end == engine_row.proposed["content_end"]
    assert [a for _, a in actions(rdb, item_id)] == [
        "type", "content_start_grow", "content_end_grow", "content_end_shrink", "accept"]


def test_undo_walks_back_several_changes_to_one_item(rdb: Database) -> None:
    holder: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        holder.append(current_id(app))
        await pilot.press("t", "left_square_bracket", "t", "u", "u", "u")
        assert "cannot" not in notice(app)

    drive(rdb, scenario)
    row = stored(rdb, holder[0])
    assert row.status == "proposed" and row.proposed is None and row.reviewed_by is None
    assert [a for _, a in actions(rdb, holder[0])] == [
        "type", "content_start_grow", "type", "undo", "undo", "undo"]


def test_speaker_picker_fuzzy_search_and_new_speaker(rdb: Database) -> None:
    holder: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        holder.append(current_id(app))
        await pilot.press("s")
        assert isinstance(app.screen, SpeakerPicker)
        picker = app.screen
        picker.query_one("#query").value = "بسكوف"  # type: ignore[attr-defined]  # a letter missing
        await pilot.pause()
        await pilot.press("enter")
        assert screen(app).item is not None and screen(app).item.speaker == "ديمتري بيسكوف"  # type: ignore[union-attr]
        await pilot.press("s")
        app.screen.query_one("#query").value = "مصدر مجهول"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("enter")  # no match: the first line makes a new speaker

    drive(rdb, scenario)
    row = stored(rdb, holder[0])
    with rdb.sessions() as session:
        speaker = session.get_one(Speaker, row.speaker_id)
    assert speaker.name == "مصدر مجهول" and row.status == "corrected"
    assert [a for _, a in actions(rdb, holder[0])] == ["speaker", "speaker"]


def test_new_attribution_by_selecting_words(rdb: Database) -> None:
    holder: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        holder.append(current_id(app))
        await pilot.press("n")
        await pilot.press("shift+left", "shift+left", "c")  # three words as content
        await pilot.press("left", "o")  # the next word as source
        await pilot.press("enter")
        assert isinstance(app.screen, SpeakerPicker)
        await pilot.press("escape")  # cancelled: nothing saved yet
        await pilot.press("enter")
        app.screen.query_one("#query").value = "لافروف"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("enter")
        holder.append(current_id(app))

    drive(rdb, scenario)
    first, added = holder
    assert added != first
    row = stored(rdb, added)
    assert (row.origin, row.status, row.rule, row.reviewed_by) == ("human", "accepted", "human", "mona")
    assert row.source_start is not None and row.source_start >= row.content_end
    assert row.cue_start is None and row.content_end > row.content_start
    assert actions(rdb) == [("mona", "create")]


def test_two_reviewers_conflict_shows_a_notice_and_reloads(rdb: Database) -> None:
    holder: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        item_id = current_id(app)
        holder.append(item_id)
        omar = ReviewService(rdb, "omar")
        omar.reject(item_id, omar.item(item_id).version)  # while mona looks at it
        await pilot.press("a")
        assert "conflict" in notice(app) and "omar" in notice(app)
        assert current_id(app) == item_id and screen(app).item.status == "rejected"  # type: ignore[union-attr]

    drive(rdb, scenario)
    assert stored(rdb, holder[0]).status == "rejected"
    assert actions(rdb) == [("omar", "reject")]


def test_help_lists_every_binding(rdb: Database) -> None:
    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)

    drive(rdb, scenario)
    listed = " ".join(keys for _, rows in KEYS for keys, _ in rows)
    names = {"space": "space", "left_square_bracket": "[", "right_square_bracket": "]",
             "left_curly_bracket": "{", "right_curly_bracket": "}", "question_mark": "?", "slash": "/",
             "left": "←", "right": "→", "up": "↑", "down": "↓", "shift+left": "shift+←",
             "shift+right": "shift+→"}
    for binding in ReviewScreen.BINDINGS:
        for key in binding.key.split(","):  # type: ignore[union-attr]
            assert names.get(key, key) in listed.split() or names.get(key, key) in listed, key


def test_document_and_speaker_views_merge_and_alias(rdb: Database) -> None:
    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        await pilot.press("d")
        assert isinstance(app.screen, DocumentScreen)
        await pilot.press("escape")
        await pilot.press("S")
        assert isinstance(app.screen, SpeakersScreen)
        speakers = app.screen
        top = speakers.highlighted()
        await pilot.press("a")
        app.screen.query_one("#prompt").value = "Top Speaker"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.press("m")
        assert isinstance(app.screen, SpeakerPicker)
        app.screen.query_one("#query").value = "بيسكوف"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("enter")
        assert speakers.highlighted() != top
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
        holder.append(top or 0)

    holder: list[int] = []
    drive(rdb, scenario)
    with rdb.sessions() as session:
        merged = session.get_one(Speaker, holder[0])
        peskov = session.scalars(select(Speaker).where(Speaker.name == "ديمتري بيسكوف")).one()
        assert merged.merged_into_id == peskov.id
        assert "Top Speaker" in {a.alias for a in peskov.aliases}
        assert session.scalars(select(Attribution).where(Attribution.speaker_id == merged.id)).first() is None
    assert {a for _, a in actions(rdb)} == {"merge_speaker"}


def test_filter_key_changes_the_queue(rdb: Database) -> None:
    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        await pilot.press("slash")
        app.screen.query_one("#prompt").value = "type:direct order:document"  # type: ignore[attr-defined]
        await pilot.press("enter")
        item = screen(app).item
        assert item is not None and item.type == "direct"
        assert screen(app).queue.filter == QueueFilter(types=("direct",), order="document")
        await pilot.press("slash")
        app.screen.query_one("#prompt").value = "colour:red"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert "unknown name" in notice(app)

    drive(rdb, scenario)


def test_empty_queue_says_so(rdb: Database) -> None:
    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        assert screen(app).item is None
        assert "nothing to review" in notice(app)
        await pilot.press("a", "r", "u", "space")  # nothing to act on, nothing breaks

    drive(rdb, scenario, flt=QueueFilter(statuses=("accepted",)))
    assert actions(rdb) == []


def test_select_words_for_a_span_and_remove_a_span(rdb: Database) -> None:
    holder: list[int] = []

    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        item = screen(app).item
        assert item is not None and item.cue is not None
        holder.append(item.id)
        await pilot.press("v", "e")  # select words for the cue, starting on the cue
        await pilot.press("shift+left", "enter")  # the cue and the word after it
        await pilot.press("o", "x")  # remove the source
        await pilot.press("escape")  # not selecting: nothing happens

    with rdb.sessions() as session:
        with_cue_and_source = session.scalars(select(Attribution.id).where(
            Attribution.cue_start.is_not(None), Attribution.source_start.is_not(None))).first()
    drive(rdb, scenario, start_at=with_cue_and_source)
    row = stored(rdb, holder[0])
    assert row.proposed is not None and row.status == "corrected"
    assert row.cue_start == row.proposed["cue_start"] and (row.cue_end or 0) > row.proposed["cue_end"]
    assert row.source_start is None and row.source_end is None
    assert [a for _, a in actions(rdb, holder[0])] == ["cue_set", "source_set"]


def test_add_an_attribution_anywhere_from_the_document_view(rdb: Database) -> None:
    """With nothing in the queue (all accepted filter), a filter on one document still opens it."""

    async def scenario(pilot: Pilot[None], app: ReviewApp) -> None:
        assert screen(app).item is None
        await pilot.press("d")
        assert isinstance(app.screen, DocumentScreen)
        doc_screen = app.screen
        await pilot.press("n", "left", "shift+left", "c", "enter")
        assert isinstance(app.screen, SpeakerPicker)
        app.screen.query_one("#query").value = "كاتب المقال"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("enter")  # no such speaker: the first line makes one
        assert doc_screen.sel is None and "added" in str(doc_screen.query_one("#doc-notice").render())
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)

    drive(rdb, scenario, flt=QueueFilter(statuses=("accepted",), documents=("article_b.txt",)))
    with rdb.sessions() as session:
        added = session.scalars(select(Attribution).where(Attribution.origin == "human")).one()
        assert added.document.name == "article_b.txt" and added.speaker is not None
        assert added.speaker.name == "كاتب المقال"
        words = [w for s in added.document.sentences for w in (s.words or [])]
        assert added.content_start == words[1][6] and added.content_end == words[2][7]  # the 2nd and 3rd words
    assert actions(rdb) == [("mona", "create")]
