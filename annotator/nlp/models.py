"""Where the Stanza models live and what kind they are.

Order of precedence: ``--models DIR``, then ``$ANNOTATOR_MODELS``, then ``../shared/models/stanza``
(beside the working directory or beside this checkout), then Stanza's own resources directory
(``$STANZA_RESOURCES_DIR`` or ``~/stanza_resources``) after ``stanza.download("ar")``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from annotator.errors import ModelError

ENV_VAR = "ANNOTATOR_MODELS"
PROCESSORS = ("tokenize", "pos", "lemma", "depparse")
# The file name part Stanza uses for each processor's model: ar/ar_<package>_<suffix>.pt.
FILE_SUFFIX = {"tokenize": "tokenizer", "pos": "tagger", "lemma": "lemmatizer", "depparse": "parser"}
# Written by `annotator models train` beside resources.json: the dev scores of the models in that directory.
SCORES_FILE = "scores.json"


@dataclass(frozen=True)
class ModelSpec:
    """A resolved models directory: either a custom set of .pt files or Stanza's official layout."""

    directory: Path
    origin: str  # "option", "environment", "shared", "stanza"
    kind: str  # "custom" (one package name per processor, explicit paths) or "official"
    packages: dict[str, str]  # processor -> package name ("seed", "padt", ...)

    def model_path(self, processor: str) -> Path:
        return custom_model_path(self.directory, self.packages[processor], processor)

    def describe(self) -> str:
        names = ", ".join(f"{p}={self.packages.get(p, '?')}" for p in PROCESSORS)
        return f"{self.directory} ({self.kind}, from {self.origin}: {names})"


def custom_model_path(directory: Path, package: str, processor: str) -> Path:
    """Where a custom set keeps one processor's model (the layout of ../shared/models/stanza)."""
    return directory / "ar" / f"ar_{package}_{FILE_SUFFIX[processor]}.pt"


def _shared_candidates() -> list[Path]:
    here = Path(__file__).resolve()
    checkout = here.parents[2]  # annotator/nlp/models.py -> the checkout root
    return [Path.cwd() / ".." / "shared" / "models" / "stanza", checkout / ".." / "shared" / "models" / "stanza"]


def shared_dir() -> Path | None:
    """The ../shared folder beside the working directory or this checkout, if there is one."""
    for candidate in _shared_candidates():
        shared = candidate.parent.parent
        if shared.is_dir():
            return shared.resolve()
    return None


def stanza_home() -> Path:
    return Path(os.environ.get("STANZA_RESOURCES_DIR", Path.home() / "stanza_resources"))


def _read_spec(directory: Path, origin: str) -> ModelSpec:
    resources = directory / "resources.json"
    if not resources.is_file():
        raise ModelError(
            f"{directory} has no resources.json: not a Stanza models directory "
            "(run `annotator models download` or pass --models DIR)"
        )
    try:
        ar = json.loads(resources.read_text(encoding="utf-8")).get("ar")
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {resources}: {exc}") from exc
    if not isinstance(ar, dict):
        raise ModelError(f"{resources} lists no Arabic models (run `annotator models download`)")
    defaults = ar.get("default_processors") or {}
    packages = {p: defaults[p] for p in PROCESSORS if isinstance(defaults.get(p), str)}
    custom = ModelSpec(directory, origin, "custom", packages)
    if len(packages) == len(PROCESSORS) and all(custom.model_path(p).is_file() for p in PROCESSORS):
        return custom
    official = directory / "ar" / "default.zip"
    if (directory / "ar" / "tokenize").is_dir() or official.exists():
        return ModelSpec(directory, origin, "official", packages)
    raise ModelError(
        f"{directory} has no Arabic tokenize/pos/lemma/depparse models "
        "(run `annotator models download` or pass --models DIR)"
    )


def resolve_models(option: str | os.PathLike[str] | None = None) -> ModelSpec:
    if option:
        path = Path(option).expanduser()
        if not path.is_dir():
            raise ModelError(f"models directory not found: {path}")
        return _read_spec(path, "option")
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise ModelError(f"${ENV_VAR} points to a missing directory: {path}")
        return _read_spec(path, "environment")
    for candidate in _shared_candidates():
        if (candidate / "resources.json").is_file():
            return _read_spec(candidate.resolve(), "shared")
    home = stanza_home()
    if (home / "resources.json").is_file():
        return _read_spec(home, "stanza")
    raise ModelError(
        "no Stanza model found: pass --models DIR, set $ANNOTATOR_MODELS, "
        "or run `annotator models download` on a machine with internet"
    )
