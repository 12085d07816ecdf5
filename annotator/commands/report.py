"""annotator report: coverage, engine quality and reviewer agreement as text, HTML or JSON."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from rich.console import Console

from annotator.cli import subcommand
from annotator.commands._common import database
from annotator.db.session import database_url
from annotator.export.output import atomic_file
from annotator.report import html, text
from annotator.report.compute import compute_report


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "report", "coverage, engine precision by rule and reviewer agreement", """
        annotator report                                   Rich tables in the terminal
        annotator report --format html --out report.html   one self-contained page with charts
        annotator report --format json > report.json       every number, for scripts
    """)
    p.add_argument("--format", default="text", choices=["text", "html", "json"],
                   help="output format (default text)")
    p.add_argument("--out", metavar="PATH", help="write to this file (default: standard output)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="rows per long table in text (default 20) and html (default 50); json has all")
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.set_defaults(func=run)


def _render(report: dict[str, object], fmt: str, limit: int | None) -> str:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return html.render(report, limit=limit or 50)
    console = Console(record=True, width=140, file=io.StringIO())
    text.render(report, console, limit=limit or 20)
    return console.export_text()


def run(args: argparse.Namespace) -> int:
    fmt = "json" if args.json else args.format
    db = database(args, create=False)
    try:
        with db.sessions() as session:
            report = compute_report(session, database=make_shown(args))
    finally:
        db.dispose()
    if args.out:
        out = Path(args.out)
        with atomic_file(out) as fh:
            fh.write(_render(report, fmt, args.limit))
        print(f"report written to {out}", file=sys.stderr)
    elif fmt == "text":
        text.render(report, Console(), limit=args.limit or 20)
    else:
        sys.stdout.write(_render(report, fmt, args.limit))
    return 0


def make_shown(args: argparse.Namespace) -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url(args.db)).render_as_string(hide_password=True)
