"""annotator review: confirm, correct and add attributions in the terminal."""

from __future__ import annotations

import argparse
import getpass
import os

from annotator.cli import subcommand
from annotator.commands._common import database
from annotator.db.models import ATTRIBUTION_TYPES, STATUSES
from annotator.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "review", "review proposals in the terminal (accept, reject, correct, add)", """
        annotator review                                  the proposals, lowest confidence first
        annotator review --annotator mona --bidi app      reorder Arabic in the app (any terminal)
        annotator review --status corrected --doc 000_f55f9190e2ec8414.txt --order document
        annotator review --speaker "سيرغي لافروف" --type direct --max-confidence 0.8
    """, description="Review proposals one at a time with single keys (? in the app lists them). Every "
                     "decision is saved at once with your name; see docs/review.md.")
    p.add_argument("--annotator", metavar="NAME", help="your name in the decision history (default: the OS user)")
    p.add_argument("--bidi", choices=["auto", "app", "terminal"], default="auto",
                   help="who reorders Arabic: app (reshape and reorder in annotator), terminal (a bidi terminal: "
                        "GNOME Terminal/VTE, Konsole, mlterm), auto (terminal when one of those is detected, "
                        "else app; the default)")
    p.add_argument("--status", nargs="+", choices=[*STATUSES, "all"], default=["proposed"],
                   help="statuses in the queue (default: proposed)")
    p.add_argument("--doc", nargs="+", default=[], metavar="DOC", help="document names or ids")
    p.add_argument("--speaker", nargs="+", default=[], metavar="NAME", help="speaker names, aliases or ids")
    p.add_argument("--type", nargs="+", default=[], choices=ATTRIBUTION_TYPES, help="attribution types")
    p.add_argument("--min-confidence", type=float, metavar="X")
    p.add_argument("--max-confidence", type=float, metavar="X")
    p.add_argument("--order", choices=["confidence", "document"], default="confidence",
                   help="confidence: lowest first (default); document: in reading order")
    p.add_argument("--start", type=int, metavar="ID", help="open this attribution first")
    p.set_defaults(func=run)


def annotator_name(option: str | None) -> str:
    if option is not None:
        if not option.strip():
            raise InputError("--annotator must not be empty")
        return option.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "reviewer"


def run(args: argparse.Namespace) -> int:
    from annotator.services.review import QueueFilter, ReviewService
    from annotator.tui.app import ReviewApp
    from annotator.tui.bidi import choose_mode

    statuses = tuple(STATUSES) if "all" in args.status else tuple(dict.fromkeys(args.status))
    flt = QueueFilter(statuses=statuses, documents=tuple(args.doc), speakers=tuple(args.speaker),
                      types=tuple(args.type), min_confidence=args.min_confidence,
                      max_confidence=args.max_confidence, order=args.order)
    db = database(args, create=False)
    try:
        service = ReviewService(db, annotator_name(args.annotator))
        ReviewApp(service, flt, choose_mode(args.bidi, os.environ), start_at=args.start).run()
    finally:
        db.dispose()
    return 0
