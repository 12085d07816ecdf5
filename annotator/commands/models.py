"""annotator models: download, inspect, evaluate and train the Stanza models."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from annotator.cli import add_json_flag, add_models_flag, subcommand
from annotator.commands._common import print_json
from annotator.errors import InputError
from annotator.nlp.models import (
    ENV_VAR,
    PROCESSORS,
    ModelSpec,
    custom_model_path,
    resolve_models,
    shared_dir,
    stanza_home,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = subcommand(sub, "models", "download, inspect, evaluate and train the Stanza models", """
        annotator models info                      which models are used, their files and scores
        annotator models info --evaluate           measure them now on the UD dev set
        annotator models download --dir ~/stanza_resources
        annotator models train --ud ../shared/ud --out /tmp/my-models --max-steps 200
    """)
    actions = p.add_subparsers(dest="models_command", metavar="ACTION")
    _register_download(actions)
    _register_info(actions)
    _register_train(actions)
    p.set_defaults(func=lambda args: _no_action(p))


def _no_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _register_download(actions: argparse._SubParsersAction) -> None:
    p = subcommand(actions, "download", "fetch the official Stanza Arabic models (needs internet)", """
        annotator models download                       into $ANNOTATOR_MODELS or Stanza's own directory
        annotator models download --dir /data/stanza    then: annotator --models /data/stanza ...
    """)
    p.add_argument("--dir", metavar="DIR", help=f"where to put them (default: ${ENV_VAR}, else "
                   "$STANZA_RESOURCES_DIR or ~/stanza_resources)")
    p.add_argument("--resources-url", metavar="URL", help="where Stanza's resources.json lives "
                   "(default: Stanza's; $STANZA_RESOURCES_URL)")
    p.set_defaults(func=run_download)


def _register_info(actions: argparse._SubParsersAction) -> None:
    p = subcommand(actions, "info", "which models are in use, their files, where they came from, their scores", """
        annotator models info
        annotator models info --models /tmp/my-models --json
        annotator models info --evaluate --ud ../shared/ud     UPOS, UFeats, lemma, UAS/LAS, tokens F1 now
    """)
    add_models_flag(p)
    p.add_argument("--evaluate", action="store_true", help="measure the models now on the UD dev files "
                   "(about a minute on 2 CPU cores)")
    p.add_argument("--ud", metavar="DIR", help="UD folder with the dev files (default: ../shared/ud)")
    p.add_argument("--device", choices=["cpu", "cuda"], help="where to evaluate (default: cuda if there)")
    add_json_flag(p)
    p.set_defaults(func=run_info)


def _register_train(actions: argparse._SubParsersAction) -> None:
    p = subcommand(actions, "train", "train tokenizer, tagger, lemmatizer and parser from UD CoNLL-U files", """
        annotator models train --ud ../shared/ud --out /data/models/seed-repro          the full schedule
        annotator models train --ud ../shared/ud --out /tmp/m --max-steps 50            a quick check
        annotator models train --ud ../shared/ud --out /tmp/m --processors tokenize \\
            --base ../shared/models/stanza --stanza-flags "tokenize=--use_dictionary --external_dict names.txt"
    """)
    p.add_argument("--ud", metavar="DIR", required=True, help="UD folder: <shorthand>-ud-{train,dev}.conllu, "
                   "and <shorthand>.{train,dev}.txt for the tokenizer (as in ../shared/ud)")
    p.add_argument("--out", metavar="DIR", required=True, help="models directory to write "
                   "(resources.json, ar/ar_<package>_*.pt, scores.json)")
    p.add_argument("--processors", default=",".join(PROCESSORS),
                   help="which to train, comma-separated (default: all four)")
    p.add_argument("--max-steps", type=int, metavar="N", help="stop each trainer after N steps (the lemmatizer: "
                   "N batches of one epoch); default: the shared model's schedule (20000 steps, 40 lemma epochs)")
    p.add_argument("--device", choices=["cpu", "cuda"], help="default: cuda if there, else cpu")
    p.add_argument("--package", metavar="NAME", help="package name in the file names (default: from the "
                   "treebank, ar_seed -> seed)")
    p.add_argument("--base", metavar="DIR", help="copy the processors not trained from this custom models "
                   "directory")
    p.add_argument("--stanza-flags", action="append", default=[], metavar="PROC=FLAGS",
                   help="extra flags for Stanza's trainer of one processor, e.g. 'pos=--hidden_dim 100' (repeatable)")
    p.add_argument("--work-dir", metavar="DIR", help="keep Stanza's intermediate files here (default: a "
                   "temporary folder)")
    p.add_argument("--no-evaluate", action="store_true", help="do not measure the result on the dev files")
    p.add_argument("--quiet", action="store_true", help="do not show Stanza's training log")
    add_json_flag(p)
    p.set_defaults(func=run_train)


# --- download ----------------------------------------------------------------------------------------

def run_download(args: argparse.Namespace) -> int:
    from annotator.nlp.download import download_official

    target = Path(args.dir or os.environ.get(ENV_VAR) or stanza_home()).expanduser()
    download_official(target, args.resources_url)
    print(f"downloaded the official Stanza Arabic models to {target}; use them with: annotator --models {target}"
          if args.dir else f"downloaded the official Stanza Arabic models to {target}")
    return 0


# --- info --------------------------------------------------------------------------------------------

def _default_ud_dir(option: str | None) -> Path:
    if option:
        return Path(option).expanduser()
    shared = shared_dir()
    if shared is None:
        raise InputError("no ../shared/ud here: pass --ud DIR with the UD dev files")
    return shared / "ud"


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch comes with stanza
        return False
    return bool(torch.cuda.is_available())


def _device(option: str | None) -> str:
    if option == "cuda" and not _cuda_available():
        raise InputError("--device cuda: no CUDA device is available here")
    return option or ("cuda" if _cuda_available() else "cpu")


def _dev_files(ud_dir: Path) -> Any:
    from annotator.nlp.evaluate_ud import DevData
    from annotator.nlp.training import find_ud_data

    data = find_ud_data(ud_dir)
    return DevData(data.tagging.dev, data.tokenizer.dev_txt, data.tokenizer.dev)


def _dev_paths(dev: Any) -> dict[str, str]:
    return {"conllu": str(dev.conllu), "tokenizer_txt": str(dev.tokenizer_txt),
            "tokenizer_conllu": str(dev.tokenizer_conllu)}


def run_info(args: argparse.Namespace) -> int:
    from annotator.nlp.model_info import describe

    spec = resolve_models(args.models)
    info = describe(spec)
    if args.evaluate:
        from annotator.nlp.evaluate_ud import evaluate_models

        dev = _dev_files(_default_ud_dir(args.ud))
        info["measured"] = {"dev": _dev_paths(dev),
                            "scores": evaluate_models(spec, dev, use_gpu=_device(args.device) == "cuda")}
    if args.json:
        print_json(info)
    else:
        _print_info(info)
    return 0


def _megabytes(n: int | None) -> str:
    return "missing" if n is None else f"{n / 1e6:,.1f} MB"


def _print_info(info: dict[str, Any]) -> None:
    console = Console()
    console.print(f"[bold]models[/bold] {info['directory']}  ({info['kind']}, from {info['origin']}; "
                  f"Stanza {info['stanza_version']})")
    files = Table(show_header=True, header_style="bold")
    for column in ("processor", "file", "size", "sha256"):
        files.add_column(column)
    for f in info["files"]:
        files.add_row(f["processor"], f["path"], _megabytes(f["bytes"]), f["sha256"] or "")
    console.print(files)
    recorded = info.get("recorded") or {}
    if recorded.get("error"):
        console.print(f"scores.json: {recorded['error']}", markup=False)
    if recorded.get("created"):
        console.print(f"trained {recorded['created']} from {recorded.get('ud_dir')} with Stanza "
                      f"{recorded.get('stanza_version')}: " + _training_summary(recorded))
    _print_scores(console, info)


def _training_summary(recorded: dict[str, Any]) -> str:
    parts = [f"{name} {t.get('max_steps') or 'full'} steps {t.get('seconds')} s on {t.get('device')}"
             for name, t in (recorded.get("trained") or {}).items()]
    parts += [f"{name} copied from {source}" for name, source in (recorded.get("copied") or {}).items()]
    return "; ".join(parts) or "nothing trained"


def _print_scores(console: Console, info: dict[str, Any]) -> None:
    from annotator.nlp.evaluate_ud import METRICS

    columns = {
        "recorded (scores.json)": (info.get("recorded") or {}).get("scores") or {},
        "measured now": (info.get("measured") or {}).get("scores") or {},
        "../shared/README.md": (info.get("reported") or {}).get("scores") or {},
    }
    columns = {title: scores for title, scores in columns.items() if scores}
    if not columns:
        console.print("no scores recorded for these models: run `annotator models info --evaluate`")
        return
    table = Table(title="dev scores (%)", show_header=True, header_style="bold")
    table.add_column("metric")
    for title in columns:
        table.add_column(title, justify="right")
    for metric in METRICS:
        row = [scores.get(metric) for scores in columns.values()]
        if any(v is not None for v in row):
            table.add_row(metric, *("" if v is None else f"{v:.2f}" for v in row))
    console.print(table)


# --- train -------------------------------------------------------------------------------------------

def _processors(text: str) -> tuple[str, ...]:
    chosen = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [p for p in chosen if p not in PROCESSORS]
    if unknown or not chosen:
        raise InputError(f"--processors: unknown {', '.join(unknown) or '(none)'}; choose from {', '.join(PROCESSORS)}")
    return chosen


def _extra_flags(items: list[str]) -> dict[str, list[str]]:
    flags: dict[str, list[str]] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or name not in PROCESSORS:
            raise InputError(f"--stanza-flags {item!r}: expected PROC=FLAGS with PROC one of {', '.join(PROCESSORS)}")
        flags.setdefault(name, []).extend(shlex.split(text))
    return flags


def _base_spec(option: str | None) -> ModelSpec | None:
    if option is None:
        return None
    spec = resolve_models(option)
    if spec.kind != "custom":
        raise InputError(f"--base {option}: only a custom set (as in ../shared/models/stanza) can be copied from")
    return spec


def _log(line: str) -> None:
    print(f"annotator: {line}", file=sys.stderr)


def run_train(args: argparse.Namespace) -> int:
    from annotator.nlp.training import TrainOptions, train_models, write_scores

    if args.max_steps is not None and args.max_steps < 1:
        raise InputError("--max-steps must be at least 1")
    options = TrainOptions(processors=_processors(args.processors), max_steps=args.max_steps,
                           device=_device(args.device), package=args.package, base=_base_spec(args.base),
                           extra_flags=_extra_flags(args.stanza_flags))
    ud_dir, out_dir = Path(args.ud).expanduser(), Path(args.out).expanduser()
    report = train_models(ud_dir, out_dir, options, work_dir=Path(args.work_dir) if args.work_dir else None,
                          verbose=not args.quiet, log=_log)
    dev = _dev_files(ud_dir)
    complete = all(custom_model_path(out_dir, report.package, p).is_file() for p in PROCESSORS)
    scores = None
    if complete and not args.no_evaluate:
        from annotator.nlp.evaluate_ud import evaluate_models

        _log(f"measuring {out_dir} on {dev.conllu.name} and {dev.tokenizer_txt.name}")
        scores = evaluate_models(resolve_models(out_dir), dev, use_gpu=options.device == "cuda")
    path = write_scores(out_dir, report, scores, _dev_paths(dev), ud_dir)
    if args.json:
        print_json({"directory": str(out_dir), "package": report.package, "complete": complete,
                    "trained": report.trained, "copied": report.copied, "scores": scores, "scores_file": str(path)})
        return 0
    summary = ", ".join(f"{k} {v:.2f}" for k, v in (scores or {}).items()) or "not measured"
    print(f"wrote {out_dir} (package {report.package}); dev scores: {summary}")
    if complete:
        print(f"use it with: annotator propose --models {out_dir}  (or {ENV_VAR}={out_dir}); "
              f"details: annotator models info --models {out_dir}")
    else:
        print("not a complete set (tokenize, pos, lemma, depparse): train the rest or pass --base DIR")
    return 0
