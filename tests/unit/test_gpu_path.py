"""The GPU path of `annotator run`/`propose`/`bench`, checked without a GPU (torch's answer is faked).

What was measured on a real GPU, and why these defaults: docs/scale.md, "GPU".
"""

from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from annotator.nlp import stanza_pipeline
from annotator.nlp.stanza_pipeline import GPU_ENV, QUANTIZE_ENV, gpu_wanted
from annotator.services import parsing
from annotator.services.parsing import GPU_BATCH_SIZES, GPU_WORKERS, ParsingSetup, default_gpu_workers


def _args(**kw: Any) -> argparse.Namespace:
    base = {"models": None, "workers": None, "parse": "filter", "cpu": False, "quantize": None}
    return argparse.Namespace(**{**base, **kw})


@pytest.fixture
def gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """torch sees a GPU; no model is loaded; the environment is restored after the test."""
    from annotator.nlp import models

    monkeypatch.delenv("ANNOTATOR_TEST_PARSER", raising=False)
    monkeypatch.delenv(QUANTIZE_ENV, raising=False)
    monkeypatch.setenv(GPU_ENV, "auto")  # whatever the machine running the tests has set
    monkeypatch.setattr(models, "resolve_models", lambda _: SimpleNamespace(directory=Path("/models"), kind="custom"))
    monkeypatch.setattr(stanza_pipeline, "cuda_available", lambda: True)


def test_default_gpu_workers_leave_a_core_to_the_main_process() -> None:
    assert GPU_WORKERS > 1  # one process cannot keep a GPU busy (docs/scale.md, "GPU")
    assert default_gpu_workers(16) == GPU_WORKERS
    assert default_gpu_workers(GPU_WORKERS) == GPU_WORKERS - 1
    assert default_gpu_workers(2) == 1
    assert default_gpu_workers(1) == 1
    assert default_gpu_workers(0) == 1


@pytest.mark.usefixtures("gpu")
def test_with_a_gpu_several_workers_feed_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "default_workers", lambda: 16)
    setup = ParsingSetup.from_args(_args())
    assert setup.use_gpu
    assert setup.workers == GPU_WORKERS
    assert setup.in_flight == GPU_WORKERS  # one batch ahead per worker
    assert setup.batch_sizes == GPU_BATCH_SIZES
    assert setup.quantize == ()  # int8 kernels are CPU kernels
    spec = setup.spec()
    assert spec.use_gpu is True and spec.quantize == () and spec.threads == 1
    assert f"{GPU_WORKERS} worker processes, GPU" in setup.describe()
    # an explicit --workers wins, 0 included (parse in the main process)
    assert ParsingSetup.from_args(_args(workers=1)).workers == 1
    assert ParsingSetup.from_args(_args(workers=0)).workers == 0
    # few cores: one core stays with the main process
    monkeypatch.setattr(parsing, "default_workers", lambda: 2)
    assert ParsingSetup.from_args(_args()).workers == 1


@pytest.mark.usefixtures("gpu")
def test_cpu_option_keeps_every_parser_of_the_process_off_the_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "default_workers", lambda: 16)
    assert gpu_wanted(None)  # torch sees a GPU: a parser built with use_gpu=None would take it
    setup = ParsingSetup.from_args(_args(cpu=True))
    assert not setup.use_gpu and setup.workers == 16
    assert setup.spec().use_gpu is False
    assert gpu_wanted(True) and not gpu_wanted(False)  # an explicit answer is never overridden
    # `annotator bench --cpu`: the plain pipeline beside the run is built on the same device as the run
    from annotator.services import bench

    built: list[bool | None] = []

    class FakeParser:
        def __init__(self, _spec: object, use_gpu: bool | None = None) -> None:
            built.append(use_gpu)

    monkeypatch.setattr(stanza_pipeline, "StanzaParser", FakeParser)
    bench.plain_pipeline([], None, setup.use_gpu)
    assert built == [False]


@pytest.mark.usefixtures("gpu")
def test_annotator_gpu_0_is_like_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(GPU_ENV, "0")
    setup = ParsingSetup.from_args(_args())
    assert not setup.use_gpu
    assert setup.spec().use_gpu is False
    monkeypatch.setenv(GPU_ENV, "auto")
    assert ParsingSetup.from_args(_args()).use_gpu


def test_no_cuda_no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(GPU_ENV, "auto")
    monkeypatch.setattr(stanza_pipeline, "cuda_available", lambda: False)
    assert not gpu_wanted(None)
