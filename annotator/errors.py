"""Errors a user can act on, each with its documented exit code (see README, "Exit codes")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # an unexpected failure (a bug): please report it
    USAGE = 2  # wrong arguments (argparse uses 2 as well)
    INPUT = 3  # a path is missing or an input item was rejected (the rest was processed)
    DATABASE = 4  # the database cannot be opened, is not ours, or needs `annotator db upgrade`
    MODEL = 5  # no usable Stanza model
    CONFLICT = 6  # someone else changed the same record first
    INTERRUPTED = 130


class AnnotatorError(Exception):
    """An error with a one-line message for the user and an exit code."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(AnnotatorError):
    exit_code = ExitCode.INPUT


class DatabaseError(AnnotatorError):
    exit_code = ExitCode.DATABASE


class ModelError(AnnotatorError):
    exit_code = ExitCode.MODEL


class ConflictError(AnnotatorError):
    exit_code = ExitCode.CONFLICT


# Ctrl-C is sticky: a KeyboardInterrupt raised while Python runs a finalizer is printed and dropped, so
# the handler also sets this flag and long loops check it between units of work (check_interrupted).
_interrupted = False


def on_interrupt(signum: int, frame: object) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def check_interrupted() -> None:
    if _interrupted:
        raise KeyboardInterrupt
