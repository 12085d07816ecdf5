"""Parsing in worker processes: one Stanza pipeline per process, batches handed out as futures.

PyTorch runs a model on several threads, but on a few cores separate processes that each parse
their own batch on one thread keep the cores busier (docs/scale.md has the measurements). The
parent process never loads a model: it reads the database, pre-filters, runs the engine and writes,
while the workers parse.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import ModelError
from annotator.nlp.types import ParsedDocument


@dataclass(frozen=True)
class ParserSpec:
    """How to build a parser in a worker (picklable: it crosses the process boundary)."""

    models: Path | None = None  # a Stanza models directory (see annotator.nlp.models)
    use_gpu: bool | None = None  # None: the GPU when torch sees one
    threads: int = 1  # torch threads per process
    batch_sizes: dict[str, int] = field(default_factory=dict)  # Stanza processor -> batch size
    test_parser: str | None = None  # tests only: see annotator.nlp.testing
    quantize: tuple[str, ...] = ()  # processors made int8 after loading (CPU only; see stanza_pipeline)

    def build(self) -> Any:
        """A parser with ``name`` and ``parse_many``, built in the calling process."""
        _set_threads(self.threads)
        if self.test_parser is not None:
            from annotator.nlp.testing import parser_from_spec

            return parser_from_spec(self.test_parser)
        from annotator.nlp.models import resolve_models
        from annotator.nlp.stanza_pipeline import StanzaParser

        spec = resolve_models(self.models)
        # annotator.nlp.fast_stanza on the CPU, where it was measured (docs/scale.md, "Session 5")
        cpu_only: dict[str, Any] = {} if self.use_gpu else {"speedups": True}
        parser = StanzaParser(spec, use_gpu=self.use_gpu, batch_sizes=self.batch_sizes,
                              quantize=() if self.use_gpu else self.quantize, **cpu_only)
        int8 = f", int8 {'+'.join(parser.quantized)}" if parser.quantized else ""
        trees = ", compiled trees" if getattr(parser, "fast_tree", False) else ""
        fast = ", fast_stanza" if getattr(parser, "speedups", None) else ""
        parser.name = f"stanza {spec.kind} {spec.directory}{int8}{trees}{fast}"  # type: ignore[attr-defined]
        return parser


def _set_threads(threads: int) -> None:
    if threads <= 0:
        return
    os.environ["OMP_NUM_THREADS"] = str(threads)
    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:  # pragma: no cover - torch comes with stanza
        pass


ORPHAN_CHECK_SECONDS = 0.5
_WORKER_PARSER: Any = None
_WORKER_ERROR: str | None = None


def _exit_with_parent(parent: int) -> None:
    """A parent killed with -9 cannot stop its workers: they notice they are orphans and leave."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(0)


def _init_worker(spec: ParserSpec) -> None:
    global _WORKER_PARSER, _WORKER_ERROR
    # Ctrl-C goes to the whole process group: only the parent decides what to do with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    try:
        _WORKER_PARSER = spec.build()
    except Exception as exc:  # reported with the first batch: a broken pool would lose the message
        _WORKER_ERROR = str(exc)


def parse_and_tag(parser: Any, texts: Sequence[str], light: Sequence[str]) -> list[ParsedDocument]:
    """``texts`` parsed whole, then ``light`` only tagged (when the parser can; else parsed too)."""
    out = list(parser.parse_many(texts)) if texts else []
    if light:
        tag = getattr(parser, "tag_many", None) or parser.parse_many
        out.extend(tag(light))
    return out


def _parse_in_worker(texts: list[str], light: list[str]) -> list[ParsedDocument]:
    if _WORKER_PARSER is None:
        raise ModelError(_WORKER_ERROR or "the parser did not load")
    return parse_and_tag(_WORKER_PARSER, texts, light)


class WorkerPool:
    """``workers`` processes, each with its own parser; ``submit`` hands a batch to the next free one."""

    def __init__(self, spec: ParserSpec, workers: int, name: str = "stanza") -> None:
        self.spec = spec
        self.workers = max(1, workers)
        self.name = name
        self.executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_init_worker, initargs=(spec,))

    def submit(self, texts: Sequence[str], light: Sequence[str] = ()) -> Future[list[ParsedDocument]]:
        return self.executor.submit(_parse_in_worker, list(texts), list(light))

    def close(self, *, abort: bool = False) -> None:
        """Stop the workers; ``abort`` (Ctrl-C, an error) does not wait for batches in progress."""
        if abort:
            processes = list(getattr(self.executor, "_processes", {}).values())
            self.executor.shutdown(wait=False, cancel_futures=True)
            for p in processes:
                if p.is_alive():
                    p.terminate()
        else:
            self.executor.shutdown(wait=True)


def default_workers() -> int:
    """One worker per core (measured best on 2 cores; docs/scale.md)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
