"""annotator bench: words/s of the plain Stanza pipeline and of `annotator run`, side by side."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from annotator.cli import add_json_flag, add_models_flag, subcommand
from annotator.commands._common import print_json
from annotator.commands.propose import add_quantize_flag
from annotator.db import open_database
from annotator.errors import ExitCode, InputError
from annotator.nlp.chunked import MODES
from annotator.nlp.models import resolve_models
from annotator.services.bench import iter_lines, read_sample, run_bench
from annotator.services.parsing import ParsingSetup

DEFAULT_CORPUS = Path("..") / "shared" / "corpus" / "news" / "ant_multisource_v2.1.jsonl.gz"


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "bench", "measure parsing speed: the plain Stanza pipeline against annotator run", """
        annotator bench --n 100
        annotator bench --n 300 --corpus ../shared/corpus/news/ant_jawharafm_v1.1.jsonl.gz --json
        annotator bench --n 100 --workers 1 --parse all --no-plain
        annotator bench --n 60 --no-quantize   the run with the float32 parser (int8 is the CPU default)
    """)
    p.add_argument("--n", type=int, default=100, help="articles to use (default 100)")
    p.add_argument("--corpus", type=Path, default=None,
                   help=f"a corpus file or folder (default {DEFAULT_CORPUS})")
    add_models_flag(p)
    p.add_argument("--workers", type=int, default=None, help="parsing processes (default: one per core)")
    p.add_argument("--parse", choices=MODES, default="filter", help="what annotator run parses (default filter)")
    p.add_argument("--batch-size", type=int, default=16, help="documents per batch (default 16)")
    p.add_argument("--no-plain", action="store_true", help="skip the plain pipeline (and the agreement measure)")
    p.add_argument("--target-db", metavar="URL", help="database to run into (default: a new temporary SQLite file)")
    p.add_argument("--cpu", action="store_true", help="do not use a GPU even when one is there")
    add_quantize_flag(p, " in the run (never in the plain pipeline)")
    add_json_flag(p)
    p.set_defaults(func=run)


def _corpus(args: argparse.Namespace) -> Path:
    if args.corpus is not None:
        return Path(args.corpus)
    here = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "news" / DEFAULT_CORPUS.name
    return DEFAULT_CORPUS if DEFAULT_CORPUS.exists() else here


def run(args: argparse.Namespace) -> int:
    corpus = _corpus(args)
    if not corpus.exists():
        raise InputError(f"no such corpus: {corpus} (pass --corpus PATH)")
    if args.n <= 0:
        raise InputError("--n must be at least 1")
    resolve_models(args.models)  # no model: fail before reading the corpus
    articles = read_sample(corpus, args.n)
    if not articles:
        raise InputError(f"no usable articles in {corpus}")
    setup = ParsingSetup.from_args(args)
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        db = open_database(args.target_db or f"sqlite:///{tmp}/bench.db")
        try:
            report = run_bench(articles, db, setup, batch_size=args.batch_size, plain=not args.no_plain,
                               on_step=lambda s: print(f"annotator: {s}", file=sys.stderr))
        finally:
            db.dispose()
    report["corpus"] = str(corpus)
    if args.json:
        print_json(report)
    else:
        for line in iter_lines(report):
            print(line)
    return ExitCode.OK
