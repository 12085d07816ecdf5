"""Opening a database: URL handling, SQLite pragmas, schema checks and migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.orm import Session, sessionmaker

from annotator.errors import DatabaseError

DEFAULT_URL = "sqlite:///annotations.db"
ENV_VAR = "ANNOTATOR_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(option: str | None = None) -> str:
    """``--db`` wins, then ``$ANNOTATOR_DB``, then ``annotations.db`` in the working directory.

    A bare path (``my.db``) is taken as a SQLite file.
    """
    url = option or os.environ.get(ENV_VAR) or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers (the review UI) never block the writer (annotator run), and a crash mid-write
    # leaves the last committed state. busy_timeout: wait for another writer instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed at the end, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command

        with self.engine.begin() as conn:
            command.upgrade(_alembic_config(conn), revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command

        with self.engine.begin() as conn:
            command.downgrade(_alembic_config(conn), revision)

    def dispose(self) -> None:
        self.engine.dispose()


def _check_sqlite_path(url: str, create: bool) -> None:
    parsed = make_url(url)
    path = parsed.database
    if not path or path == ":memory:":
        return
    p = Path(path)
    if p.exists():
        if p.is_dir():
            raise DatabaseError(f"database path is a directory: {p}")
        with p.open("rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            raise DatabaseError(f"{p} is not a SQLite database")
    elif not create:
        raise DatabaseError(f"database not found: {p} (run `annotator ingest` or `annotator db upgrade` first)")
    elif not p.parent.exists():
        raise DatabaseError(f"cannot create database {p}: folder {p.parent} does not exist")


def open_database(url: str | None = None, *, create: bool = True, migrate: bool = True) -> Database:
    """Open (and on first use create) the database; an older schema asks for `annotator db upgrade`.

    A new, empty database is brought to the current schema at once so that the first
    `annotator run` just works; an existing one is never migrated behind the user's back.
    """
    url = database_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url}") from exc
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        _check_sqlite_path(url, create)
    try:
        engine = create_engine(url, future=True, pool_pre_ping=not is_sqlite)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database {parsed.render_as_string(hide_password=True)}: {exc}") from exc
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    db = Database(url, engine, sessionmaker(engine, expire_on_commit=False))
    if migrate:
        _ensure_schema(db)
    return db


def _ensure_schema(db: Database) -> None:
    shown = make_url(db.url).render_as_string(hide_password=True)
    try:
        tables = set(inspect(db.engine).get_table_names())
        current = db.current_revision()
    except (OperationalError, SADatabaseError) as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(f"cannot open database {shown}: {reason}") from exc
    if current is None:
        if tables - {"alembic_version"}:
            raise DatabaseError(f"{shown} holds other tables and no annotator schema; use another database")
        db.upgrade()
        return
    head = head_revision()
    if current != head:
        raise DatabaseError(
            f"database schema is at revision {current}, this annotator needs {head}: run `annotator db upgrade`"
        )
