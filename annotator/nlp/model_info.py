"""What a models directory holds: its files (size, sha256), Stanza's version, and the scores recorded for it."""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from annotator.nlp.models import PROCESSORS, SCORES_FILE, ModelSpec, shared_dir

# What ../shared/README.md reports for ../shared/models/stanza, measured by whoever trained it on 200
# held-out PUD sentences (the ud dev set). Shown beside our own measurements, never instead of them.
# Its "lemma 84" matches the lemma score with gold tags (Stanza's training reports lemmas that way).
SHARED_README_SCORES: dict[str, float] = {
    "tokens_f1": 98.3, "upos": 93.3, "ufeats": 83.0, "lemma_gold_tags": 84.0, "las_gold_tags": 81.9,
}
SHA_PREFIX = 12


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:SHA_PREFIX]


def _file_entry(processor: str, path: Path, directory: Path) -> dict[str, Any]:
    entry: dict[str, Any] = {"processor": processor, "path": str(path.relative_to(directory))}
    if path.is_file():
        entry.update(bytes=path.stat().st_size, sha256=_sha256(path))
    else:
        entry.update(bytes=None, sha256=None, missing=True)
    return entry


def model_files(spec: ModelSpec) -> list[dict[str, Any]]:
    """One entry per model file: the four of a custom set, or every .pt of Stanza's official layout."""
    if spec.kind == "custom":
        return [_file_entry(p, spec.model_path(p), spec.directory) for p in PROCESSORS]
    lang_dir = spec.directory / "ar"
    # official layout: ar/<processor>/<package>.pt (plus pretrain and charlm files the models use)
    return [_file_entry(path.parent.name, path, spec.directory) for path in sorted(lang_dir.glob("*/*.pt"))]


def read_scores(directory: Path) -> dict[str, Any] | None:
    """The scores.json written by `annotator models train`, or None."""
    path = directory / SCORES_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"error": f"cannot read {path}"}
    return data if isinstance(data, dict) else {"error": f"{path} is not a JSON object"}


def stanza_version() -> str | None:
    try:
        return version("stanza")
    except PackageNotFoundError:
        return None


def is_shared(spec: ModelSpec) -> bool:
    shared = shared_dir()
    return shared is not None and spec.directory.resolve() == (shared / "models" / "stanza").resolve()


def describe(spec: ModelSpec) -> dict[str, Any]:
    """Everything `annotator models info` shows, as plain data."""
    info: dict[str, Any] = {
        "directory": str(spec.directory),
        "origin": spec.origin,
        "kind": spec.kind,
        "packages": spec.packages,
        "stanza_version": stanza_version(),
        "files": model_files(spec),
        "recorded": read_scores(spec.directory),
    }
    if is_shared(spec):
        info["reported"] = {"source": "../shared/README.md (200 held-out PUD sentences)",
                            "scores": SHARED_README_SCORES}
    return info
