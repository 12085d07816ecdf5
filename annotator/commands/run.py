"""annotator run PATH...: ingest and propose in one go."""

from __future__ import annotations

import argparse

from annotator.cli import add_json_flag, subcommand
from annotator.commands._common import database, print_json, report_rejected
from annotator.commands.ingest import add_input_options
from annotator.commands.propose import add_propose_options, print_stats, run_propose
from annotator.errors import ExitCode
from annotator.ingest import expand_paths, read_inputs
from annotator.services.documents import store_articles
from annotator.services.parsing import ParsingSetup


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "run", "ingest articles, parse them and propose attributions", """
        annotator run ../shared/corpus/seeds
        annotator --db news.db run ../shared/corpus/news/ant_multisource_v2.1.jsonl.gz
        annotator run folder/ --models ~/stanza_resources --json
        annotator --db news.db run corpus.jsonl.gz --no-quantize    the float32 parser (int8 is the CPU default)
    """)
    add_input_options(p)
    add_propose_options(p)
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    files = expand_paths(args.paths)  # a missing path fails before the database is created
    ParsingSetup.from_args(args)  # so does a missing model: nothing is ingested that cannot be parsed
    items = read_inputs(files, text_field=args.text_field, id_field=args.id_field, max_bytes=args.max_bytes)
    db = database(args)
    try:
        ingested = store_articles(db, items)
        report_rejected(ingested.rejected, limit=len(ingested.rejected))  # every one, with its reason
        # Parse what these inputs hold and is not parsed yet (a rerun resumes where it stopped).
        stats = run_propose(db, args, ids=sorted(set(ingested.document_ids)))
    finally:
        db.dispose()
    if args.json:
        print_json({"ingest": ingested.as_dict(), "propose": stats.as_dict()})
    else:
        print(f"{ingested.added} documents added, {ingested.duplicates} already stored, "
              f"{len(ingested.rejected)} skipped")
        print_stats(stats)
    return ExitCode.INPUT if ingested.rejected or stats.failed else ExitCode.OK
