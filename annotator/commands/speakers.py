"""annotator speakers list|load: the speaker registry."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from annotator.cli import add_json_flag, subcommand
from annotator.commands._common import database, print_json
from annotator.db import Attribution, Speaker
from annotator.errors import InputError
from annotator.services.speakers import ensure_seeded, upsert_speakers


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "speakers", "list the speaker registry or load speakers from YAML/JSON", """
        annotator speakers list
        annotator speakers load my-speakers.yaml      (name, aliases, gender Masc/Fem, kind)
        annotator speakers list --json
    """)
    p.add_argument("action", choices=["list", "load"])
    p.add_argument("file", nargs="?", help="YAML or JSON file for `load`: a list of speakers or {speakers: [...]}")
    add_json_flag(p)
    p.set_defaults(func=run)


def _read_specs(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
    if isinstance(data, dict):
        data = data.get("speakers")
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of speakers (or a mapping with a 'speakers' list)")
    return [d for d in data if isinstance(d, dict)]


def run(args: argparse.Namespace) -> int:
    if args.action == "load":
        if not args.file:
            raise InputError("speakers load needs a FILE")
        specs = _read_specs(Path(args.file))
    db = database(args)
    try:
        with db.session() as session:
            ensure_seeded(session)
            if args.action == "load":
                changed = upsert_speakers(session, specs)
                print(f"{len(specs)} speakers read, {changed} speakers or aliases added")
                return 0
            counts = dict(session.execute(select(Attribution.speaker_id, func.count())
                                          .group_by(Attribution.speaker_id)).all())
            rows = session.scalars(select(Speaker).options(selectinload(Speaker.aliases)).order_by(Speaker.name)).all()
            data = [{"id": s.id, "name": s.name, "kind": s.kind, "gender": s.gender,
                     "aliases": sorted(a.alias for a in s.aliases), "attributions": int(counts.get(s.id, 0))}
                    for s in rows]
    finally:
        db.dispose()
    data.sort(key=lambda d: (-int(str(d["attributions"])), str(d["name"])))
    if args.json:
        print_json(data)
        return 0
    table = Table(title="speakers")
    for col in ("id", "name", "kind", "gender", "attributions", "aliases"):
        table.add_column(col)
    for d in data:
        table.add_row(str(d["id"]), str(d["name"]), str(d["kind"]), str(d["gender"] or ""), str(d["attributions"]),
                      ", ".join(d["aliases"])[:80])  # type: ignore[arg-type]
    Console().print(table)
    return 0
