"""annotator ingest PATH...: store articles (exact text, deduplicated by content hash)."""

from __future__ import annotations

import argparse

from annotator.cli import add_json_flag, subcommand
from annotator.commands._common import database, print_json, report_rejected
from annotator.errors import ExitCode
from annotator.ingest import DEFAULT_MAX_BYTES, expand_paths, read_inputs
from annotator.services.documents import store_articles


def add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help=".txt files, folders of them, or JSON Lines (.jsonl, .jsonl.gz)")
    p.add_argument("--text-field", help="JSONL field with the article text (default: text, content, body)")
    p.add_argument("--id-field", help="JSONL field with the document id (default: id, docno, doc_id, url)")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help=f"skip articles larger than this (default {DEFAULT_MAX_BYTES:,})")


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "ingest", "store articles from files, folders or JSON Lines", """
        annotator ingest ../shared/corpus/seeds
        annotator ingest article.txt more/ news.jsonl.gz --text-field content --id-field url
        annotator --db postgresql+psycopg://localhost/news ingest corpus/ --json
    """)
    add_input_options(p)
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    files = expand_paths(args.paths)  # a missing path fails before the database is created
    items = read_inputs(files, text_field=args.text_field, id_field=args.id_field, max_bytes=args.max_bytes)
    db = database(args)
    try:
        result = store_articles(db, items)
    finally:
        db.dispose()
    report_rejected(result.rejected, limit=len(result.rejected))  # every one, with its reason
    if args.json:
        print_json(result.as_dict())
    else:
        print(f"{result.added} documents added, {result.duplicates} already stored, {len(result.rejected)} skipped")
    return ExitCode.INPUT if result.rejected else ExitCode.OK
