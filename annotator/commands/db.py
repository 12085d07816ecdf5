"""annotator db upgrade|current: the database schema (Alembic migrations)."""

from __future__ import annotations

import argparse

from annotator.cli import add_json_flag, subcommand
from annotator.commands._common import print_json
from annotator.db import open_database
from annotator.db.session import database_url, head_revision


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "db", "create or upgrade the database schema", """
        annotator db upgrade                   create annotations.db or bring it to the current schema
        annotator --db postgresql+psycopg://user@localhost/news db upgrade
        annotator db current --json
    """)
    p.add_argument("action", choices=["upgrade", "current"], help="upgrade: apply migrations; current: show revision")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    db = open_database(args.db, create=args.action == "upgrade", migrate=False)
    try:
        before = db.current_revision()
        if args.action == "upgrade":
            db.upgrade()
        after = db.current_revision()
    finally:
        db.dispose()
    data = {"database": database_url(args.db), "revision": after, "head": head_revision(), "previous": before}
    if args.json:
        print_json(data)
    elif args.action == "upgrade":
        print(f"database at revision {after}" + (" (unchanged)" if before == after else f" (was {before})"))
    else:
        print(f"revision {after} (current code needs {data['head']})")
    return 0
