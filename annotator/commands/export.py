"""annotator export: write attributions in the project's JSONL schema (other formats: see --format)."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import IO, Any

from annotator.cli import subcommand
from annotator.commands._common import database
from annotator.errors import InputError
from annotator.services.records import iter_records

STATUS_CHOICES = {
    "accepted": ["accepted", "corrected"],  # gold: what people confirmed, with or without corrections
    "reviewed": ["accepted", "corrected", "rejected"],
    "proposed": ["proposed"],
    "all": None,
}


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "export", "export attributions (jsonl: one attribution per line)", """
        annotator export --format jsonl --out gold.jsonl                 accepted and corrected ones
        annotator export --format jsonl --status all > everything.jsonl
        annotator export --doc 000_f55f9190e2ec8414.txt --status all
    """)
    p.add_argument("--format", default="jsonl", choices=["jsonl"], help="output format (default jsonl)")
    p.add_argument("--out", metavar="PATH", help="output file (default: standard output)")
    p.add_argument("--status", default="accepted", choices=sorted(STATUS_CHOICES),
                   help="accepted = accepted or corrected (default); all = every attribution")
    p.add_argument("--doc", action="append", metavar="NAME", help="only this document (name or id); repeatable")
    p.set_defaults(func=run)


def write_jsonl(records: Any, out: IO[str]) -> int:
    n = 0
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def run(args: argparse.Namespace) -> int:
    db = database(args, create=False)
    out_path = Path(args.out) if args.out else None
    if out_path is not None and not out_path.parent.exists():
        raise InputError(f"output folder does not exist: {out_path.parent}")
    tmp = out_path.with_suffix(out_path.suffix + ".part") if out_path else None
    try:
        with db.sessions() as session, (tmp.open("w", encoding="utf-8") if tmp else nullcontext(sys.stdout)) as out:
            n = write_jsonl(iter_records(session, statuses=STATUS_CHOICES[args.status], documents=args.doc), out)
        if tmp and out_path:
            tmp.replace(out_path)  # never leave a half-written export under the real name
    finally:
        db.dispose()
        if tmp and tmp.exists():
            tmp.unlink()
    if out_path:
        print(f"{n} attributions written to {out_path}", file=sys.stderr)
    return 0
