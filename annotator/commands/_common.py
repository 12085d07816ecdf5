"""Helpers the subcommands share: opening the database, printing, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from annotator.db import Database, open_database

stderr = Console(stderr=True)


def database(args: Any, *, create: bool = True) -> Database:
    return open_database(getattr(args, "db", None), create=create)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def report_rejected(rejected: list[Any], limit: int = 20) -> None:
    for r in rejected[:limit]:
        print(f"annotator: skipped {r.where}: {r.reason}", file=sys.stderr)
    if len(rejected) > limit:
        print(f"annotator: ... and {len(rejected) - limit} more skipped items", file=sys.stderr)


@contextmanager
def progress_bar(description: str, total: int | None, *, enabled: bool = True) -> Iterator[Any]:
    """A progress bar with rate and ETA on stderr; silent when not a terminal or when disabled."""
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn()]
    progress = Progress(*columns, console=stderr, disable=not enabled or not stderr.is_terminal, transient=False)
    with progress:
        task = progress.add_task(description, total=total, rate="")
        yield lambda advance=1, rate="": progress.update(task, advance=advance, rate=rate)
