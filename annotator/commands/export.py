"""annotator export: attributions as JSONL (the project's schema), citron JSON, brat standoff or spaCy."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from annotator.cli import subcommand
from annotator.commands._common import database
from annotator.errors import InputError
from annotator.export import brat, citron
from annotator.export.jsonl import write_jsonl
from annotator.export.output import FileNames, atomic_file, atomic_folder
from annotator.services.records import iter_document_records, iter_records

STATUS_CHOICES = {
    "accepted": ["accepted", "corrected"],  # gold: what people confirmed, with or without corrections
    "reviewed": ["accepted", "corrected", "rejected"],
    "proposed": ["proposed"],
    "all": None,
}
FORMATS = ("jsonl", "citron", "brat", "spacy")
NEEDS_OUT = {
    "brat": "--format brat writes a folder of .txt and .ann files: give --out FOLDER",
    "spacy": "--format spacy writes a binary DocBin: give --out FILE.spacy",
}


def register(sub: argparse._SubParsersAction) -> None:
    summary = "export attributions: jsonl, citron JSON, brat standoff or a spaCy DocBin"
    p = subcommand(sub, "export", summary, """
        annotator export --format jsonl --out gold.jsonl                 accepted and corrected ones
        annotator export --format jsonl --status all > everything.jsonl
        annotator export --doc 000_f55f9190e2ec8414.txt --status all
        annotator export --format citron --out citron/                   one citron .json file per document
        annotator export --format brat --out brat/                       NAME.txt + NAME.ann per document
        annotator export --format spacy --out train.spacy                for `spacy train` (span groups)
    """)
    p.add_argument("--format", default="jsonl", choices=FORMATS, help="output format (default jsonl)")
    p.add_argument("--out", metavar="PATH", help="output file or folder; jsonl and citron default to "
                   "standard output, brat (a folder) and spacy (a .spacy file) need it")
    p.add_argument("--status", default="accepted", choices=sorted(STATUS_CHOICES),
                   help="accepted = accepted or corrected (default); all = every attribution")
    p.add_argument("--doc", action="append", metavar="NAME",
                   help="only this document (name or id); repeatable")
    p.set_defaults(func=run)


Selection = dict[str, Any]


def export_jsonl(session: Session, sel: Selection, out: Path | None) -> str:
    if out is None:
        n = write_jsonl(iter_records(session, **sel), sys.stdout)
    else:
        with atomic_file(out) as fh:
            n = write_jsonl(iter_records(session, **sel), fh)
    return f"{n} attributions"


def export_citron(session: Session, sel: Selection, out: Path | None) -> str:
    docs = n = 0
    items = ((citron.document(d.name, d.sha256, d.text, recs), len(recs))
             for d, recs in iter_document_records(session, **sel))
    if out is not None and not out.name.endswith(".jsonl"):
        names = FileNames()
        with atomic_folder(out, (".json",)) as folder:
            for doc, count in items:
                (folder / f"{names.stem(doc['doc'])}.json").write_text(
                    json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
                docs, n = docs + 1, n + count
        return f"{n} attributions in {docs} documents"
    with atomic_file(out) if out else _stdout() as fh:
        for doc, count in items:  # one citron document a line
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            docs, n = docs + 1, n + count
    return f"{n} attributions in {docs} documents"


def export_brat(session: Session, sel: Selection, out: Path | None) -> str:
    assert out is not None, NEEDS_OUT["brat"]
    docs = n = 0
    names = FileNames()
    with atomic_folder(out, brat.SUFFIXES) as folder:
        (folder / "annotation.conf").write_text(brat.annotation_conf(), encoding="utf-8")
        for doc, recs in iter_document_records(session, **sel):
            stem = names.stem(doc.name)
            # newline="": the .txt must hold the text exactly, or brat's offsets would shift
            with (folder / f"{stem}.txt").open("w", encoding="utf-8", newline="") as fh:
                fh.write(doc.text)
            with (folder / f"{stem}.ann").open("w", encoding="utf-8", newline="") as fh:
                fh.write(brat.ann(doc.text, recs))
            docs, n = docs + 1, n + len(recs)
    return f"{n} attributions in {docs} documents"


def export_spacy(session: Session, sel: Selection, out: Path | None) -> str:
    assert out is not None, NEEDS_OUT["spacy"]
    from annotator.export.spacy_docbin import DocBinWriter, encoders_looked_up_once

    writer = DocBinWriter()
    n = 0
    with encoders_looked_up_once():
        for doc, recs in iter_document_records(session, **sel):
            writer.add(doc.name, doc.sha256, doc.text, recs)
            n += len(recs)
    with atomic_file(out, binary=True) as fh:
        fh.write(writer.to_bytes())
    al = writer.alignment
    return (f"{n} attributions in {writer.documents} documents ({al.spans} spans, {al.expanded} widened to "
            f"token boundaries, {al.dropped} without a token dropped)")


class _stdout:
    def __enter__(self) -> Any:
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()


EXPORTERS: dict[str, Callable[[Session, Selection, Path | None], str]] = {
    "jsonl": export_jsonl, "citron": export_citron, "brat": export_brat, "spacy": export_spacy,
}


def run(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else None
    if out is None and args.format in NEEDS_OUT:
        raise InputError(NEEDS_OUT[args.format])
    db = database(args, create=False)
    try:
        with db.sessions() as session:
            summary = EXPORTERS[args.format](session, {"statuses": STATUS_CHOICES[args.status],
                                                      "documents": args.doc}, out)
    finally:
        db.dispose()
    if out:
        print(f"{summary} written to {out}", file=sys.stderr)
    return 0
