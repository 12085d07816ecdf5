"""annotator evaluate --gold FILE: precision, recall and F1 of the proposals against gold annotations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from annotator.cli import add_json_flag, subcommand
from annotator.commands._common import database, print_json
from annotator.commands.propose import add_propose_options, run_propose
from annotator.errors import ExitCode, InputError
from annotator.evaluation import Evaluation, evaluate
from annotator.export.jsonl import read_records
from annotator.ingest import DEFAULT_MAX_BYTES, Article, read_inputs
from annotator.services.documents import store_articles
from annotator.services.evaluation import documents_in, predictions, speaker_matcher, stored_names


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "evaluate", "score the proposals against a gold JSONL file", """
        annotator evaluate --gold tests/data/gold/seeds.jsonl          documents already in the database
        annotator --db /tmp/dev.db evaluate --gold benchmarks/gold/dev.jsonl \\
            --corpus ../shared/corpus/news/ant_multisource_v2.1.jsonl.gz   ingest and propose what is missing
        annotator evaluate --gold gold.jsonl --pred exported.jsonl --json
        annotator evaluate --gold gold.jsonl --errors 20                show missed and spurious items
        annotator --db /tmp/q.db evaluate --gold benchmarks/gold/dev.jsonl --corpus FILE --no-quantize   float32
    """)
    p.add_argument("--gold", required=True, metavar="FILE", help="gold attributions (export JSONL schema)")
    p.add_argument("--pred", metavar="FILE", help="predictions as JSONL instead of the database")
    p.add_argument("--corpus", nargs="+", metavar="PATH", default=[],
                   help="where to find gold documents missing from the database (ingested and proposed)")
    p.add_argument("--documents", metavar="FILE",
                   help="ids of all annotated documents, one per line: proposals in those with no gold "
                        "attribution count as false positives")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="print up to N errors of each kind")
    p.add_argument("--text-field", help="JSONL field with the article text in --corpus files")
    p.add_argument("--id-field", help="JSONL field with the document id in --corpus files")
    add_propose_options(p)
    add_json_flag(p)
    p.set_defaults(func=run)


def read_jsonl(path: str) -> list[dict[str, Any]]:
    if not Path(path).is_file():
        raise InputError(f"no such file: {path}")
    return list(read_records(path))


def read_document_list(path: str) -> set[str]:
    file = Path(path)
    if not file.is_file():
        raise InputError(f"no such file: {file}")
    lines = file.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _ingest_missing(db: Any, args: argparse.Namespace, wanted: set[str]) -> list[int]:
    with db.sessions() as session:
        missing = wanted - stored_names(session)
    if not missing or not args.corpus:
        return []
    items = (i for i in read_inputs(args.corpus, text_field=args.text_field, id_field=args.id_field,
                                    max_bytes=DEFAULT_MAX_BYTES) if isinstance(i, Article) and i.name in missing)
    return store_articles(db, items).document_ids


def run(args: argparse.Namespace) -> int:
    gold = read_jsonl(args.gold)
    listed = read_document_list(args.documents) if args.documents else set()
    wanted = documents_in(gold) | listed
    db = database(args)
    try:
        ids = _ingest_missing(db, args, wanted)
        if ids:
            run_propose(db, args, ids=ids)
        with db.sessions() as session:
            pred = read_jsonl(args.pred) if args.pred else predictions(session, wanted)
            absent = wanted - stored_names(session) if not args.pred else set()
            result = evaluate(gold, pred, speaker_matcher(session), documents=listed)
    finally:
        db.dispose()
    for name in sorted(absent)[:10]:
        print(f"annotator: gold document not in the database: {name} (use --corpus)", file=sys.stderr)
    if args.json:
        print_json(result.as_dict())
    else:
        print_table(result)
        print_errors(result, args.errors)
    return ExitCode.INPUT if absent else ExitCode.OK


def print_table(ev: Evaluation) -> None:
    table = Table(title=f"evaluation on {ev.documents} documents")
    for col in ("", "P", "R", "F1", "tp", "fp", "fn"):
        table.add_column(col, justify="right" if col else "left")
    rows = [("content (overlap)", ev.content), ("content (exact)", ev.content_exact),
            ("end to end (+speaker)", ev.end_to_end)]
    rows += [(f"  type {t}", s) for t, s in sorted(ev.by_type.items())]
    for name, s in rows:
        table.add_row(name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn))
    Console().print(table)
    print(f"speaker accuracy on {ev.matched} matched: {ev.speaker_accuracy:.3f}")


def _short(rec: Any) -> str:
    text = rec["content"].get("text") or ""
    return f"[{rec['doc']}] {rec.get('type')} {rec.get('speaker')!s}: {text[:90]}"


def print_errors(ev: Evaluation, n: int) -> None:
    if n <= 0:
        return
    for title, items in (("missed", ev.missed), ("spurious", ev.spurious)):
        print(f"\n{title} ({len(items)}):")
        for rec in items[:n]:
            print("  " + _short(rec))
    print(f"\nwrong speaker ({len(ev.wrong_speaker)}):")
    for m in ev.wrong_speaker[:n]:
        print(f"  gold {m.gold.get('speaker')} / proposed {m.pred.get('speaker')}: {_short(m.gold)}")
