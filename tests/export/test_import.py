"""`annotator import`: round trip without loss, idempotent, unknown documents reported (exit 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.cli import main
from annotator.db import Attribution, Decision, Speaker, open_database
from annotator.export.jsonl import read_records
from annotator.services.documents import store_articles
from annotator.services.importer import import_records
from tests.export.builders import ARTICLES, TEXT_A, build, span

IDS = ("id", "speaker_id")


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def exported(db_url: str, out: Path) -> list[dict]:
    assert main(["--db", db_url, "export", "--status", "all", "--out", str(out)]) == 0
    return list(read_records(out))


def without_ids(records: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in IDS} for r in records]


def fresh_db(path: Path) -> str:
    """A new database holding the same documents (ingested in the same order)."""
    db = open_database(url(path))
    store_articles(db, ARTICLES)
    db.dispose()
    return url(path)


def counts(db_url: str) -> tuple[int, int, int]:
    db = open_database(db_url, create=False)
    with db.sessions() as s:
        n = (s.scalar(select(func.count()).select_from(Attribution)), s.scalar(select(func.count()).select_from(
            Decision)), s.scalar(select(func.count()).select_from(Speaker)))
    db.dispose()
    return n  # type: ignore[return-value]


def test_round_trip_is_identical_except_ids(tmp_path: Path) -> None:
    first = url(tmp_path / "first.db")
    db = open_database(first)
    build(db)
    db.dispose()
    before = exported(first, tmp_path / "first.jsonl")
    second = fresh_db(tmp_path / "second.db")
    assert main(["--db", second, "import", str(tmp_path / "first.jsonl")]) == 0
    after = exported(second, tmp_path / "second.jsonl")
    assert without_ids(after) == without_ids(before)
    assert len(after) == 5


def test_import_twice_adds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = url(tmp_path / "first.db")
    db = open_database(first)
    build(db)
    db.dispose()
    exported(first, tmp_path / "gold.jsonl")
    second = fresh_db(tmp_path / "second.db")
    assert main(["--db", second, "import", str(tmp_path / "gold.jsonl"), "--json"]) == 0
    once = json.loads(capsys.readouterr().out)
    assert once["created"] == 5 and once["speakers_created"] == 4
    state = counts(second)
    assert main(["--db", second, "import", str(tmp_path / "gold.jsonl"), "--json"]) == 0
    twice = json.loads(capsys.readouterr().out)
    assert twice["created"] == 0 and twice["updated"] == 0 and twice["unchanged"] == 5
    assert counts(second) == state


def test_unknown_documents_are_reported_and_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    second = fresh_db(tmp_path / "db.db")
    start, end = span(TEXT_A, "المحادثات ستستمر")
    good = {"doc": "a.txt", "type": "indirect", "content": {"start": start, "end": end, "text": TEXT_A[start:end]},
            "speaker": "وزارة الخارجية", "status": "accepted"}
    unknown = {**good, "doc": "nowhere.txt"}
    wrong_text = {**good, "content": {"start": start, "end": end, "text": "نص آخر"}}
    wrong_sha = {**good, "doc_sha256": "0" * 64}
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (good, unknown, wrong_text, wrong_sha)),
                    encoding="utf-8")
    assert main(["--db", second, "import", str(path)]) == 3
    err = capsys.readouterr().err
    assert "in.jsonl:2" in err and "nowhere.txt" in err
    assert "in.jsonl:3" in err and "does not match" in err
    assert "in.jsonl:4" in err and "doc_sha256" in err
    db = open_database(second)
    with db.sessions() as s:
        rows = s.scalars(select(Attribution)).all()
        assert [(a.origin, a.status, a.content_start, a.speaker.name if a.speaker else None) for a in rows] == [
            ("import", "accepted", start, "وزارة الخارجية")]
        assert s.scalar(select(Speaker.kind).where(Speaker.name == "وزارة الخارجية")) == "unknown"
    db.dispose()


def test_a_bad_line_stops_before_anything_is_stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    second = fresh_db(tmp_path / "db.db")
    path = tmp_path / "in.jsonl"
    path.write_text('{"doc": "a.txt", "type": "direct", "content": {"start": 0, "end": 3}}\n{"doc": 5}\n',
                    encoding="utf-8")
    assert main(["--db", second, "import", str(path)]) == 3
    assert "in.jsonl:2" in capsys.readouterr().err
    assert counts(second)[0] == 0


def test_import_updates_an_engine_proposal_and_keeps_a_trace(tmp_path: Path) -> None:
    db = open_database(url(tmp_path / "db.db"))
    built = build(db, decisions=False)
    third = built.attribution_ids[2]  # the engine's proposal, not reviewed yet
    with db.sessions() as s:
        a = s.get_one(Attribution, third)
        doc_text = a.document.text
        rec = {"doc": "a.txt", "type": "direct", "annotator": "gold",
               "content": {"start": a.content_start, "end": a.content_end,
                           "text": doc_text[a.content_start:a.content_end]},
               "cue": None, "source": {"start": a.source_start, "end": a.source_end,
                                       "text": doc_text[a.source_start:a.source_end]},
               "speaker": "مسؤول", "status": "corrected"}
    result = import_records(db, [("gold:1", rec)])
    assert (result.updated, result.created) == (1, 0)
    with db.sessions() as s:
        a = s.get_one(Attribution, third)
        assert a.status == "corrected" and a.cue_start is None and a.reviewed_by == "gold"
        assert a.proposed is not None and a.proposed["cue_start"] is not None  # what the engine said
        decision = s.scalars(select(Decision).where(Decision.attribution_id == third)).one()
        assert decision.action == "import" and decision.annotator == "gold"
        assert decision.before["status"] == "proposed" and decision.after["status"] == "corrected"
    # a "proposed" record never overwrites what a person decided
    result = import_records(db, [("gold:1", {**rec, "status": "proposed"})])
    assert result.kept_reviewed == 1
    db.dispose()
