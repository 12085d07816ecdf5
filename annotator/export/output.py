"""Writing exports so that a crash never leaves a half-written file or folder under the real name."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from annotator.errors import InputError

_UNSAFE = re.compile(r"[^\w.-]+")


def _part(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def check_parent(path: Path) -> None:
    if not path.parent.exists():
        raise InputError(f"output folder does not exist: {path.parent}")


@contextmanager
def atomic_file(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A file written as ``PATH.part`` and renamed to PATH only when the block ends without error."""
    check_parent(path)
    if path.is_dir():
        raise InputError(f"--out {path} is a folder; this format writes one file")
    tmp = _part(path)
    try:
        with (tmp.open("wb") if binary else tmp.open("w", encoding="utf-8", newline="")) as fh:
            yield fh
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _only_ours(folder: Path, suffixes: tuple[str, ...]) -> bool:
    return all(p.is_file() and p.name.endswith(suffixes) for p in folder.iterdir())


@contextmanager
def atomic_folder(path: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """A folder built as ``PATH.part`` and moved to PATH at the end.

    An existing PATH is replaced only when it holds nothing but files this format writes (``suffixes``):
    an export never deletes anything else.
    """
    check_parent(path)
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {path} is a file; this format writes a folder")
    if path.is_dir() and not _only_ours(path, suffixes):
        raise InputError(f"--out {path} holds other files; give a new or empty folder")
    tmp = _part(path)
    if tmp.exists():
        if not (tmp.is_dir() and _only_ours(tmp, suffixes)):
            raise InputError(f"{tmp} is in the way; remove it first")
        shutil.rmtree(tmp)  # left over from an interrupted export
    tmp.mkdir()
    try:
        yield tmp
        if path.exists():
            old = path.with_name(path.name + ".old")
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old)
        else:
            tmp.rename(path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


class FileNames:
    """File-system safe, unique file stems for document names (``a/b c.txt`` -> ``b_c``)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def stem(self, doc_name: str) -> str:
        base = doc_name.rstrip("/").rsplit("/", 1)[-1]
        if base.lower().endswith((".txt", ".json")):
            base = base.rsplit(".", 1)[0]
        base = _UNSAFE.sub("_", base).strip("._")[:100] or "document"
        stem, n = base, 1
        while stem.lower() in self.used:
            n += 1
            stem = f"{base}_{n}"
        self.used.add(stem.lower())
        return stem
