"""annotator import: read attributions in the project's JSONL schema back into the database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from annotator.cli import add_json_flag, subcommand
from annotator.commands._common import database, print_json
from annotator.errors import ExitCode
from annotator.export.jsonl import read_numbered
from annotator.services.importer import import_records

DESCRIPTION = """\
Import attributions from a JSONL file written by `annotator export` (or by hand in the same schema).
Documents are found by doc_sha256, else by name; records for unknown documents are reported and
skipped (exit 3). An attribution with the same content span is updated, otherwise one is created
(origin import); importing the same file twice adds nothing."""


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "import", "import attributions from a JSONL file (the export schema)", """
        annotator import gold.jsonl                       documents must already be stored (annotator ingest)
        annotator --db fresh.db import gold.jsonl --json
    """, description=DESCRIPTION)
    p.add_argument("file", metavar="FILE.jsonl", help="JSON Lines file, one attribution a line (.gz too)")
    add_json_flag(p)
    p.set_defaults(func=run)


def _numbered(path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for line, rec in read_numbered(path):
        yield f"{path}:{line}", rec


def run(args: argparse.Namespace) -> int:
    # Read and check the whole file first: a bad line stops the import before anything is stored.
    records = list(_numbered(args.file))
    db = database(args, create=False)
    try:
        result = import_records(db, records)
    finally:
        db.dispose()
    if args.json:
        print_json(result.as_dict())
    else:
        print(f"{result.read} records read: {result.created} attributions created, {result.updated} updated, "
              f"{result.unchanged} unchanged, {result.kept_reviewed} kept (already reviewed), "
              f"{result.speakers_created} speakers created, {len(result.skipped)} skipped", file=sys.stderr)
    for where, reason in result.skipped[:20]:
        print(f"annotator: skipped {where}: {reason}", file=sys.stderr)
    if len(result.skipped) > 20:
        print(f"annotator: ... and {len(result.skipped) - 20} more skipped records", file=sys.stderr)
    return ExitCode.INPUT if result.skipped else ExitCode.OK
