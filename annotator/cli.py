"""The `annotator` command: one entry point, one module per subcommand under annotator/commands/."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import textwrap
import threading
from collections.abc import Sequence

from annotator import __version__
from annotator.errors import AnnotatorError, ExitCode, on_interrupt

# Each module defines register(subparsers) and a run(args) -> int set as the parser's default "func".
COMMAND_MODULES = (
    "annotator.commands.ingest",
    "annotator.commands.propose",
    "annotator.commands.run",
    "annotator.commands.status",
    "annotator.commands.review",
    "annotator.commands.export",
    "annotator.commands.import_",
    "annotator.commands.evaluate",
    "annotator.commands.report",
    "annotator.commands.speakers",
    "annotator.commands.db",
    "annotator.commands.models",
    "annotator.commands.bench",
)

EPILOG = textwrap.dedent("""\
    examples:
      annotator run ../shared/corpus/seeds          ingest, parse and propose in one go
      annotator status                              what is in the database
      annotator review                              review proposals in the terminal
      annotator export --format jsonl --out gold.jsonl

    environment: ANNOTATOR_DB (database URL), ANNOTATOR_MODELS (Stanza models directory)
    exit codes: 0 ok, 1 unexpected error, 2 usage, 3 bad input (the rest was processed),
                4 database, 5 model, 6 conflict with another reviewer, 130 interrupted
    """)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Find, review and export attributed quotes and claims in Arabic news.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL or SQLite path (default: $ANNOTATOR_DB or "
                        "annotations.db)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logging and tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command that is not part of this build
        module.register(sub)
    return parser


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout")


def add_models_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", metavar="DIR", help="Stanza models directory (default: $ANNOTATOR_MODELS, "
                        "../shared/models/stanza, or Stanza's own after `annotator models download`)")


def subcommand(sub: argparse._SubParsersAction, name: str, help_text: str, examples: str,
               description: str | None = None) -> argparse.ArgumentParser:
    """A subparser with an examples section in its --help."""
    return sub.add_parser(
        name,
        help=help_text,
        description=description or help_text,
        epilog="examples:\n" + textwrap.indent(textwrap.dedent(examples).strip(), "  "),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, on_interrupt)
    if not getattr(args, "func", None):
        parser.print_help()
        return ExitCode.USAGE
    try:
        return int(args.func(args))
    except AnnotatorError as exc:
        if args.verbose:
            raise
        print(f"annotator: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("annotator: interrupted; what was committed is kept, run the command again to continue",
              file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # `annotator export | head`: the reader went away; that is not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK


if __name__ == "__main__":
    raise SystemExit(main())
