"""annotator status: what is in the database."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from annotator.cli import add_json_flag, subcommand
from annotator.commands._common import database, print_json
from annotator.db.session import database_url
from annotator.services.stats import counts


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "status", "count documents, sentences and attributions by status", """
        annotator status
        annotator --db news.db status --json
    """)
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    db = database(args, create=False)
    try:
        with db.sessions() as session:
            data = counts(session)
    finally:
        db.dispose()
    if args.json:
        print_json(data)
        return 0
    table = Table(title=f"annotator status: {database_url(args.db)}", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("documents", f"{data['documents']:,}")
    table.add_row("  parsed", f"{data['documents_parsed']:,}")
    if data["documents_failed"]:
        table.add_row("  failed to parse", f"{data['documents_failed']:,}")
    table.add_row("sentences", f"{data['sentences']:,}")
    table.add_row("speakers", f"{data['speakers']:,}")
    table.add_row("attributions", f"{data['attributions']:,}")
    for status, n in data["attributions_by_status"].items():
        table.add_row(f"  {status}", f"{n:,}")
    for kind, n in data["attributions_by_type"].items():
        table.add_row(f"  type {kind}", f"{n:,}")
    table.add_row("decisions", f"{data['decisions']:,}")
    Console().print(table)
    return 0
