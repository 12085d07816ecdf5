"""Opening databases: schema creation, migrations, and one clear error for what cannot be used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from annotator.db import open_database
from annotator.db.session import database_url, head_revision
from annotator.errors import DatabaseError


def test_new_database_gets_the_current_schema(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "new.db"))
    assert db.current_revision() == head_revision()
    assert {"documents", "sentences", "speakers", "speaker_aliases", "attributions", "decisions"} <= set(
        inspect(db.engine).get_table_names())
    db.dispose()


def test_bare_path_is_sqlite() -> None:
    assert database_url("x/y.db") == "sqlite:///x/y.db"
    assert database_url("postgresql+psycopg://h/db") == "postgresql+psycopg://h/db"


def test_not_a_database_file(tmp_path: Path) -> None:
    f = tmp_path / "notes.db"
    f.write_text("hello", encoding="utf-8")
    with pytest.raises(DatabaseError, match="not a SQLite database"):
        open_database(str(f))


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "other.db"
    con = sqlite3.connect(f)
    con.execute("create table customers (id integer)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="other tables"):
        open_database(str(f))


def test_older_schema_asks_for_upgrade(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "old.db"))
    with db.engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = 'aaaa'"))
    db.dispose()
    with pytest.raises(DatabaseError, match="annotator db upgrade"):
        open_database(str(tmp_path / "old.db"))


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        open_database(str(tmp_path / "no" / "such" / "x.db"))


def test_unreachable_server_is_one_line() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(DatabaseError, match="cannot open database"):
        open_database("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")


def test_downgrade_and_upgrade_round_trip(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "m.db"))
    db.downgrade("base")
    assert "documents" not in inspect(db.engine).get_table_names()
    db.upgrade()
    assert db.current_revision() == head_revision()
    db.dispose()
