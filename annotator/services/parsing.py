"""How `annotator run`/`propose` parse: where (worker processes or this one), what (pre-filtered or all), how.

The choices and their measured effect are in docs/scale.md.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.nlp.chunked import ChunkedParser, InProcess
from annotator.nlp.testing import ENV_VAR as TEST_PARSER_ENV
from annotator.nlp.workers import ParserSpec, WorkerPool, default_workers

# Stanza batch sizes for the pipeline when we control it (see annotator.nlp.stanza_pipeline).
GPU_BATCH_SIZES = {"depparse": 5000, "pos": 5000, "lemma": 5000, "tokenize": 256}

# Parsing processes that feed one GPU. One is not enough: Stanza's Python around the model (batches,
# vocabularies, documents) keeps that process busy on one core while the GPU idles. On an H100 with
# 16 cores (docs/scale.md, "GPU"), 600 JawharaFM articles: 1 worker 2,968 words/s, 2 4,570, 3 6,376,
# 4 5,852, 6 6,619 (the main process, rules and database, is then the limit); the GPU was busy 7-14%
# of the time. Each worker holds its own models on the GPU (3-4 GiB with the CUDA context).
GPU_WORKERS = 3


def default_gpu_workers(cores: int | None = None) -> int:
    """Parsing processes for one GPU: GPU_WORKERS, leaving one core to the main process."""
    cores = default_workers() if cores is None else cores
    return max(1, min(GPU_WORKERS, cores - 1))


@dataclass
class ParsingSetup:
    workers: int = 0  # 0: parse in this process
    mode: str = "filter"  # "filter" or "all" (annotator.nlp.chunked.MODES)
    granularity: str = "sentence"
    models: Path | None = None
    use_gpu: bool = False
    threads: int = 0  # torch threads per parsing process; 0: one
    batch_sizes: dict[str, int] = field(default_factory=dict)
    test_parser: str | None = None
    quantize: tuple[str, ...] = ()  # Stanza processors made int8 in each parsing process (CPU only)

    @classmethod
    def from_args(cls, args: Any) -> ParsingSetup:
        """From the command line options (--models, --workers, --parse, --cpu, --[no-]quantize) and the environment."""
        from annotator.nlp.stanza_pipeline import (
            DEFAULT_QUANTIZE,
            FAST_BATCH_SIZES,
            QUANTIZE_ENV,
            gpu_wanted,
            quantize_from_env,
        )

        test_parser = os.environ.get(TEST_PARSER_ENV) or None
        models = None
        if test_parser is None:
            from annotator.nlp.models import resolve_models

            models = resolve_models(getattr(args, "models", None)).directory  # a bad --models fails here, at once
        use_gpu = not getattr(args, "cpu", False) and test_parser is None and gpu_wanted(None)
        workers = getattr(args, "workers", None)
        if workers is None:
            workers = default_gpu_workers() if use_gpu else default_workers()
        # On the CPU the parser is int8 by default; --quantize / --no-quantize beat $ANNOTATOR_QUANTIZE.
        option = getattr(args, "quantize", None)
        if option is None:
            quantize = quantize_from_env()
            asked = bool(quantize) and bool(os.environ.get(QUANTIZE_ENV, "").strip())
        else:
            quantize, asked = (DEFAULT_QUANTIZE if option else ()), bool(option)
        if test_parser is not None:  # nothing to quantize
            quantize = ()
        if quantize and use_gpu:  # never on a GPU; say so only when it was asked for
            if asked:
                print("annotator: --quantize is for the CPU only; ignored with the GPU (add --cpu to quantize)",
                      file=sys.stderr)
            quantize = ()
        return cls(workers=max(0, workers), mode=getattr(args, "parse", "filter"), models=models, use_gpu=use_gpu,
                   batch_sizes=dict(GPU_BATCH_SIZES if use_gpu else FAST_BATCH_SIZES), test_parser=test_parser,
                   quantize=tuple(quantize))

    @property
    def in_flight(self) -> int:
        """Batches handed out ahead of the one being stored: one per worker keeps every worker busy."""
        return self.workers

    def spec(self) -> ParserSpec:
        # One PyTorch thread per process: measured on the shared 2-core machine, a process with two
        # threads parsed 7x slower than with one when other work ran beside it (docs/scale.md).
        threads = self.threads or 1
        return ParserSpec(models=self.models, use_gpu=self.use_gpu, threads=threads, batch_sizes=self.batch_sizes,
                          test_parser=self.test_parser, quantize=() if self.use_gpu else self.quantize)

    @contextmanager
    def open(self) -> Iterator[ChunkedParser]:
        """The parser; worker processes are stopped at the end (at once on Ctrl-C or an error)."""
        spec = self.spec()
        if self.workers == 0:
            parser = spec.build()
            yield ChunkedParser(InProcess(parser), mode=self.mode, granularity=self.granularity)
            return
        pool = WorkerPool(spec, self.workers, name=self.describe())
        try:
            yield ChunkedParser(pool, mode=self.mode, granularity=self.granularity)
        except BaseException:
            pool.close(abort=True)
            raise
        pool.close()

    def describe(self) -> str:
        what = f"test parser {self.test_parser}" if self.test_parser else f"stanza {self.models}"
        int8 = f", int8 {'+'.join(self.quantize)}" if self.quantize and not self.use_gpu else ""
        return f"{what}, {self.workers or 'no'} worker processes{', GPU' if self.use_gpu else ''}{int8}"
