"""Train a custom Stanza model set (tokenize, pos, lemma, depparse) from UD CoNLL-U files.

Stanza's own training entry points do the work (``stanza.models.tokenizer``, ``tagger``, ``lemmatizer``,
``parser``); this module finds the data, prepares the tokenizer's character labels, passes the flags that
../shared/models/stanza was trained with (read back from the config saved in its .pt files), and writes the
result in the same layout: ``resources.json`` naming one package per processor and
``ar/ar_<package>_<tokenizer|tagger|lemmatizer|parser>.pt``.

Data layout in the UD folder (Stanza's own naming):

- ``<shorthand>-ud-train.conllu`` / ``<shorthand>-ud-dev.conllu`` for pos, lemma and depparse;
- ``<shorthand>.train.txt`` / ``<shorthand>.dev.txt`` beside ``<shorthand>-ud-{train,dev}.conllu`` (the raw
  text of the same sentences) for the tokenizer. When several shorthands exist, the one with raw text trains
  the tokenizer and the one without trains the rest (../shared/ud: ``ar_seedtok`` and ``ar_seed``).
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from annotator.errors import InputError, ModelError
from annotator.nlp.models import PROCESSORS, SCORES_FILE, ModelSpec, custom_model_path

# The step counts ../shared/models/stanza was trained with (its saved configs): the default when
# --max-steps is not given. The lemmatizer counts epochs, not steps.
FULL_STEPS = {"tokenize": 20000, "pos": 20000, "depparse": 20000}
FULL_LEMMA_EPOCHS = 40
LEMMA_BATCH_WORDS = 50  # the lemmatizer's batch size, in words (Stanza's default, as in the shared model)


@dataclass(frozen=True)
class Treebank:
    """One UD treebank's train and dev files, named by Stanza's shorthand (``ar_seed``)."""

    shorthand: str
    train: Path
    dev: Path

    @property
    def train_txt(self) -> Path:
        return self.train.parent / f"{self.shorthand}.train.txt"

    @property
    def dev_txt(self) -> Path:
        return self.dev.parent / f"{self.shorthand}.dev.txt"

    @property
    def has_raw_text(self) -> bool:
        return self.train_txt.is_file() and self.dev_txt.is_file()


@dataclass(frozen=True)
class UDData:
    tagging: Treebank  # pos, lemma, depparse
    tokenizer: Treebank  # raw text + CoNLL-U

    @property
    def package(self) -> str:
        """The package name of the trained set: the treebank part of the shorthand (ar_seed -> seed)."""
        return self.tagging.shorthand.split("_", 1)[-1]


def find_ud_data(ud_dir: Path) -> UDData:
    """The treebanks in ``ud_dir`` (see the module docstring for the naming)."""
    if not ud_dir.is_dir():
        raise InputError(f"UD folder not found: {ud_dir}")
    treebanks = []
    for train in sorted(ud_dir.glob("*-ud-train.conllu")):
        shorthand = train.name.removesuffix("-ud-train.conllu")
        dev = ud_dir / f"{shorthand}-ud-dev.conllu"
        if dev.is_file():
            treebanks.append(Treebank(shorthand, train, dev))
    if not treebanks:
        raise InputError(f"{ud_dir} has no <shorthand>-ud-train.conllu with its -ud-dev.conllu")
    with_text = [t for t in treebanks if t.has_raw_text]
    without_text = [t for t in treebanks if not t.has_raw_text]
    if not with_text:
        raise InputError(f"{ud_dir} has no raw text for the tokenizer (<shorthand>.train.txt and .dev.txt)")
    tagging = without_text[0] if without_text else with_text[0]
    return UDData(tagging=tagging, tokenizer=with_text[0])


@dataclass(frozen=True)
class TrainOptions:
    processors: tuple[str, ...] = PROCESSORS
    max_steps: int | None = None  # None: the full schedule of the shared model
    device: str = "cpu"
    package: str | None = None  # None: from the treebank shorthand
    seed: int = 1234
    base: ModelSpec | None = None  # where processors that are not trained come from
    # More flags for Stanza's trainer of one processor, after ours (the last one wins), for experiments:
    # {"tokenize": ["--use_dictionary", "--external_dict", "names.txt"]}
    extra_flags: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class TrainReport:
    directory: Path
    package: str
    trained: dict[str, dict[str, Any]] = field(default_factory=dict)  # processor -> seconds, steps, flags
    copied: dict[str, str] = field(default_factory=dict)  # processor -> the file it was copied from


Log = Callable[[str], None]


def _stanza_flags(name: str, data: UDData, work: Path, options: TrainOptions) -> list[str]:
    """The command-line flags of Stanza's trainer for one processor (the shared model's settings)."""
    tb, tok = data.tagging, data.tokenizer
    common = ["--seed", str(options.seed), "--device", options.device, "--save_dir", str(work / name)]
    steps = options.max_steps
    # At least one dev evaluation: Stanza's tagger fails at the end of a run that never evaluated.
    every = str(min(200, steps or 200))
    if name == "tokenize":
        labels = work / "data"
        return [*common, "--lang", "ar", "--shorthand", tb.shorthand, "--save_name", "model.pt",
                "--txt_file", str(tok.train_txt), "--label_file", str(labels / "train.labels"),
                "--mwt_json_file", str(labels / "train.mwt.json"), "--dev_txt_file", str(tok.dev_txt),
                "--dev_label_file", str(labels / "dev.labels"), "--dev_conll_gold", str(tok.dev),
                "--conll_file", str(work / "tokenize-dev-pred.conllu"), "--max_seqlen", "300", "--eval_steps", every,
                "--steps", str(steps or FULL_STEPS["tokenize"])]
    files = ["--train_file", str(tb.train), "--eval_file", str(tb.dev),
             "--output_file", str(work / f"{name}-dev-pred.conllu"), "--save_name", "model.pt"]
    if name == "pos":
        return [*common, *files, "--lang", "ar", "--shorthand", tb.shorthand, "--no_pretrain",
                "--word_cutoff", "0", "--eval_interval", every, "--augment_nopunct", "0.25",
                "--max_steps", str(steps or FULL_STEPS["pos"])]
    if name == "lemma":
        epochs, sample = _lemma_schedule(tb.train, steps)
        return [*common, *files, "--shorthand", tb.shorthand, "--num_epoch", str(epochs),
                "--batch_size", str(LEMMA_BATCH_WORDS), "--sample_train", f"{sample:.6f}"]
    if name == "depparse":
        return [*common, *files, "--lang", "ar", "--shorthand", tb.shorthand, "--no_pretrain",
                "--word_cutoff", "0", "--eval_interval", every, "--hidden_dim", "300", "--deep_biaff_hidden_dim", "300",
                "--checkpoint_save_name", str(work / name / "checkpoint.pt"),
                "--max_steps", str(steps or FULL_STEPS["depparse"])]
    raise ValueError(f"unknown processor: {name}")


def _count_words(conllu: Path) -> int:
    with conllu.open(encoding="utf-8") as f:
        return sum(1 for line in f if line[:1].isdigit() and "\t" in line and "-" not in line.split("\t", 1)[0])


def _lemma_schedule(train: Path, max_steps: int | None) -> tuple[int, float]:
    """Epochs and training fraction: the lemmatizer counts epochs, so a step limit becomes one partial epoch."""
    if max_steps is None:
        return FULL_LEMMA_EPOCHS, 1.0
    batches = max(1, _count_words(train) // LEMMA_BATCH_WORDS)
    return 1, min(1.0, max_steps / batches)


def _prepare_tokenizer_labels(tok: Treebank, out: Path) -> None:
    """Stanza's tokenizer learns from per-character labels made from the raw text and its CoNLL-U."""
    from stanza.utils.datasets import prepare_tokenizer_data

    out.mkdir(parents=True, exist_ok=True)
    for split, txt, conllu in (("train", tok.train_txt, tok.train), ("dev", tok.dev_txt, tok.dev)):
        try:
            prepare_tokenizer_data.main([str(txt), str(conllu), "-o", str(out / f"{split}.labels"),
                                         "-m", str(out / f"{split}.mwt.json")])
        except AssertionError as exc:  # the raw text does not match the CoNLL-U tokens
            raise InputError(f"{txt} does not match {conllu}: {exc}") from exc


def _run_stanza_trainer(name: str, flags: list[str]) -> None:
    from stanza.models import lemmatizer, parser, tagger, tokenizer

    entry = {"tokenize": tokenizer.main, "pos": tagger.main, "lemma": lemmatizer.main, "depparse": parser.main}
    entry[name](flags)


@contextmanager
def _stanza_logging(verbose: bool) -> Iterator[None]:
    """Stanza's training log (loss, dev score every few hundred steps) on stderr, or only its warnings."""
    from stanza.models import _training_logging  # noqa: F401  (sets the level on import: import it first)

    logger = logging.getLogger("stanza")
    before = logger.level
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    try:
        # Stanza's trainers also print (their configs): keep stdout for our own output (--json)
        with redirect_stdout(sys.stderr):
            yield
    finally:
        logger.setLevel(before)


def write_resources(directory: Path, packages: dict[str, str]) -> None:
    """resources.json that lets ``stanza.Pipeline(dir=...)`` load the set offline (as in ../shared)."""
    ar: dict[str, Any] = {"lang_name": "Arabic", "packages": {"default": {}}}
    for processor, package in packages.items():
        ar[processor] = {package: {}}
    ar["default_processors"] = dict(packages)
    (directory / "resources.json").write_text(json.dumps({"ar": ar}) + "\n", encoding="utf-8")


def _check_processors(processors: Sequence[str]) -> None:
    unknown = [p for p in processors if p not in PROCESSORS]
    if unknown or not processors:
        raise InputError(f"unknown processors: {', '.join(unknown) or '(none)'}; choose from {', '.join(PROCESSORS)}")


def _with_extra_flags(flags: list[str], extra: list[str]) -> list[str]:
    """Ours, then the extra ones. Stanza has --no_pretrain but no flag to undo it: drop it for word vectors."""
    if any(f in extra for f in ("--wordvec_pretrain_file", "--wordvec_file")):
        flags = [f for f in flags if f != "--no_pretrain"]
    return flags + extra


def _train_one(name: str, data: UDData, work: Path, options: TrainOptions, target: Path) -> dict[str, Any]:
    flags = _with_extra_flags(_stanza_flags(name, data, work, options), options.extra_flags.get(name, []))
    started = time.monotonic()
    try:
        _run_stanza_trainer(name, flags)
    except (OSError, RuntimeError, ValueError) as exc:  # bad data, out of memory, missing CUDA
        raise ModelError(f"training {name} failed: {exc}") from exc
    produced = work / name / "model.pt"
    if not produced.is_file():
        raise ModelError(f"training {name} wrote no model (is the training data empty?): {produced}")
    shutil.copyfile(produced, target)
    return {"seconds": round(time.monotonic() - started, 1), "max_steps": options.max_steps,
            "device": options.device, "flags": flags}


def _prepare_out_dir(out_dir: Path) -> None:
    """Fail before hours of training, not after, when the output cannot be written."""
    try:
        (out_dir / "ar").mkdir(parents=True, exist_ok=True)
        probe = out_dir / "ar" / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"cannot write models to {out_dir}: {exc.strerror or exc}") from exc


def train_models(ud_dir: Path, out_dir: Path, options: TrainOptions, *, work_dir: Path | None = None,
                 verbose: bool = True, log: Log = print) -> TrainReport:
    """Train the chosen processors into ``out_dir``; the others are copied from ``options.base`` if given."""
    _check_processors(options.processors)
    data = find_ud_data(ud_dir)
    package = options.package or data.package
    _prepare_out_dir(out_dir)
    report = TrainReport(out_dir, package)
    with tempfile.TemporaryDirectory(prefix="annotator-train-") as tmp, _stanza_logging(verbose):
        work = work_dir or Path(tmp)
        if "tokenize" in options.processors:
            _prepare_tokenizer_labels(data.tokenizer, work / "data")
        for name in PROCESSORS:
            target = custom_model_path(out_dir, package, name)
            if name in options.processors:
                log(f"training {name} from {data.tokenizer.shorthand if name == 'tokenize' else data.tagging.shorthand}"
                    f" ({options.max_steps or 'full'} steps, {options.device})")
                report.trained[name] = _train_one(name, data, work, options, target)
                log(f"trained {name} in {report.trained[name]['seconds']} s -> {target}")
            elif options.base is not None:
                source = options.base.model_path(name)
                shutil.copyfile(source, target)
                report.copied[name] = str(source)
    present = {p: package for p in PROCESSORS if custom_model_path(out_dir, package, p).is_file()}
    write_resources(out_dir, present)
    return report


def write_scores(directory: Path, report: TrainReport, scores: dict[str, float] | None,
                 dev: dict[str, str], ud_dir: Path) -> Path:
    """scores.json: what was trained, how, and its dev scores (read by `annotator models info`)."""
    data = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "stanza_version": version("stanza"),
        "package": report.package,
        "ud_dir": str(ud_dir),
        "trained": report.trained,
        "copied": report.copied,
        "dev": dev,
        "scores": scores,
    }
    path = directory / SCORES_FILE
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
