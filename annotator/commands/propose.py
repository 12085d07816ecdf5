"""annotator propose: parse stored documents with Stanza and store proposed attributions."""

from __future__ import annotations

import argparse
import sys
import time

from annotator.cli import add_json_flag, add_models_flag, subcommand
from annotator.commands._common import database, print_json, progress_bar
from annotator.db import Database
from annotator.errors import ExitCode
from annotator.nlp.chunked import MODES
from annotator.services.parsing import ParsingSetup
from annotator.services.propose import ProposeStats, pending_ids, propose_documents, repropose_stored


def add_quantize_flag(p: argparse.ArgumentParser, what: str = "") -> None:
    p.add_argument("--quantize", action=argparse.BooleanOptionalAction, default=None,
                   help=f"int8 dynamic quantization of the dependency parser{what}: on by default on the CPU "
                        "(same F1 on the gold sets, about 10%% less CPU; see docs/scale.md); --no-quantize or "
                        "ANNOTATOR_QUANTIZE=0 for the float32 parser. Never with a GPU. If quantizing fails, "
                        "the run goes on with the float32 parser")


def add_propose_options(p: argparse.ArgumentParser) -> None:
    add_models_flag(p)
    p.add_argument("--batch-size", type=int, default=16, help="documents per parsing batch (default 16)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="parsing processes, one model each (default: one per CPU core; 0: parse in this process)")
    p.add_argument("--parse", choices=MODES, default="filter",
                   help="filter: parse only the sentences that can hold an attribution (default; see docs/scale.md); "
                        "all: parse every sentence")
    p.add_argument("--cpu", action="store_true", help="do not use a GPU even when one is there")
    add_quantize_flag(p)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "propose", "parse stored documents and propose attributions", """
        annotator propose                       parse what is not parsed yet
        annotator propose --models ~/stanza_resources
        annotator propose --redo                parse everything again (reviewed attributions are kept)
        annotator propose --rules-only          rerun the rules on stored parses, no parsing
        annotator propose --workers 2 --parse all
        annotator propose --no-quantize         the float32 parser (the int8 one is the CPU default)
    """)
    add_propose_options(p)
    p.add_argument("--redo", action="store_true", help="parse and propose again for every document")
    p.add_argument("--rules-only", action="store_true", help="rerun the rules on the stored parses")
    add_json_flag(p)
    p.set_defaults(func=run)


def run_propose(db: Database, args: argparse.Namespace, *, ids: list[int] | None = None,
                redo: bool = False) -> ProposeStats:
    with db.sessions() as session:
        total = len(pending_ids(session, redo=redo, ids=ids))
    if total == 0:
        return ProposeStats()
    setup = ParsingSetup.from_args(args)
    with setup.open() as parser, progress_bar("parsing", total, enabled=not args.no_progress) as advance:
        words = [0]
        started = time.perf_counter()

        def on_document(done: int, n_words: int) -> None:
            words[0] += n_words
            rate = words[0] / max(time.perf_counter() - started, 1e-6)
            advance(done, rate=f"{words[0]:,} words, {rate:,.0f} words/s")

        return propose_documents(db, parser, ids=ids, redo=redo, batch_size=args.batch_size,
                                 in_flight=setup.in_flight, on_document=on_document)


def print_stats(stats: ProposeStats) -> None:
    print(stats.summary())  # the same words and documents as the progress bar
    for name, reason in stats.failed[:20]:
        print(f"annotator: failed to parse {name}: {reason}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    db = database(args)
    try:
        stats = repropose_stored(db) if args.rules_only else run_propose(db, args, redo=args.redo)
    finally:
        db.dispose()
    if args.json:
        print_json(stats.as_dict())
    else:
        print_stats(stats)
    return ExitCode.INPUT if stats.failed else ExitCode.OK
