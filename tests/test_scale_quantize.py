"""int8 dynamic quantization (--quantize, ANNOTATOR_QUANTIZE): option parsing, CPU only, module types replaced."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch

from annotator.cli import build_parser
from annotator.errors import ModelError
from annotator.nlp import stanza_pipeline
from annotator.nlp.stanza_pipeline import DEFAULT_QUANTIZE, QUANTIZE_ENV, quantize_from_env, quantize_pipeline
from annotator.nlp.workers import ParserSpec
from annotator.services.parsing import ParsingSetup


@pytest.mark.parametrize("argv", [
    ["run", "x.txt"], ["propose"], ["evaluate", "--gold", "g.jsonl"], ["bench"],
])
def test_every_parsing_command_takes_quantize(argv: list[str]) -> None:
    assert build_parser().parse_args([*argv, "--quantize"]).quantize is True
    assert build_parser().parse_args(argv).quantize is False  # off by default


@pytest.mark.parametrize(("value", "expected"), [
    ("", ()), ("0", ()), ("off", ()), ("1", DEFAULT_QUANTIZE), ("yes", DEFAULT_QUANTIZE), ("true", DEFAULT_QUANTIZE),
    ("depparse", ("depparse",)), ("depparse,pos", ("depparse", "pos")), (" pos , pos ", ("pos",)),
])
def test_environment_values(value: str, expected: tuple[str, ...]) -> None:
    assert quantize_from_env(value) == expected


def test_environment_names_an_unknown_processor() -> None:
    with pytest.raises(ModelError, match="lemma"):
        quantize_from_env("depparse,lemma")


def _args(**kw: Any) -> argparse.Namespace:
    base = {"models": None, "workers": 2, "parse": "filter", "cpu": False, "quantize": False}
    return argparse.Namespace(**{**base, **kw})


@pytest.fixture
def no_model_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.nlp import models

    monkeypatch.delenv("ANNOTATOR_TEST_PARSER", raising=False)
    monkeypatch.delenv(QUANTIZE_ENV, raising=False)
    monkeypatch.setattr(models, "resolve_models", lambda _: SimpleNamespace(directory=Path("/models"), kind="custom"))


@pytest.mark.usefixtures("no_model_needed")
def test_setup_carries_the_option_to_each_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stanza_pipeline, "cuda_available", lambda: False)
    setup = ParsingSetup.from_args(_args(quantize=True))
    assert setup.quantize == DEFAULT_QUANTIZE
    assert setup.spec().quantize == DEFAULT_QUANTIZE
    assert "int8 depparse" in setup.describe()
    assert ParsingSetup.from_args(_args()).quantize == ()
    monkeypatch.setenv(QUANTIZE_ENV, "1")
    assert ParsingSetup.from_args(_args()).quantize == DEFAULT_QUANTIZE
    monkeypatch.setenv(QUANTIZE_ENV, "depparse,pos")
    assert ParsingSetup.from_args(_args()).spec().quantize == ("depparse", "pos")


@pytest.mark.usefixtures("no_model_needed")
def test_ignored_with_a_gpu(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(stanza_pipeline, "cuda_available", lambda: True)
    setup = ParsingSetup.from_args(_args(quantize=True))
    assert setup.use_gpu and setup.quantize == () and setup.spec().quantize == ()
    assert "CPU only" in capsys.readouterr().err
    # --cpu: no GPU, so quantized
    assert ParsingSetup.from_args(_args(quantize=True, cpu=True)).quantize == DEFAULT_QUANTIZE
    # a spec built by hand for the GPU does not quantize either
    built: dict[str, Any] = {}

    class FakeParser:
        def __init__(self, spec: Any, use_gpu: Any, batch_sizes: Any, quantize: Any) -> None:
            built["quantize"] = quantize
            self.quantized: list[str] = []

    monkeypatch.setattr(stanza_pipeline, "StanzaParser", FakeParser)
    ParserSpec(use_gpu=True, threads=0, quantize=("depparse",)).build()
    assert built["quantize"] == ()


class TinyModel(torch.nn.Module):
    def __init__(self, device: str = "cpu") -> None:
        super().__init__()
        self.lstm = torch.nn.LSTM(8, 8, batch_first=True, bidirectional=True, device=device)
        self.out = torch.nn.Linear(16, 3, device=device)
        self.emb = torch.nn.Embedding(10, 8, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, _ = self.lstm(self.emb(x))
        return self.out(h)


def _pipeline(**models: torch.nn.Module) -> Any:
    return SimpleNamespace(processors={name: SimpleNamespace(_trainer=SimpleNamespace(model=m))
                                       for name, m in models.items()})


def test_lstm_and_linear_layers_become_int8() -> None:
    pipeline = _pipeline(depparse=TinyModel(), pos=TinyModel(), lemma=TinyModel())
    x = torch.randint(0, 10, (2, 5))
    before = pipeline.processors["depparse"]._trainer.model(x)
    assert quantize_pipeline(pipeline, ["depparse"]) == ["depparse"]
    q = pipeline.processors["depparse"]._trainer.model
    assert isinstance(q.lstm, torch.ao.nn.quantized.dynamic.LSTM)
    assert isinstance(q.out, torch.ao.nn.quantized.dynamic.Linear)
    assert isinstance(q.emb, torch.nn.Embedding)  # embeddings stay float
    assert torch.allclose(q(x), before, atol=0.1)
    assert isinstance(pipeline.processors["pos"]._trainer.model.lstm, torch.nn.LSTM)  # not asked for
    with pytest.raises(ModelError, match="lemma"):
        quantize_pipeline(pipeline, ["lemma"])


def test_a_model_off_the_cpu_is_left_alone() -> None:
    pipeline = _pipeline(depparse=TinyModel(device="meta"))  # stands for a model on a GPU
    assert quantize_pipeline(pipeline, ["depparse"]) == []
    assert isinstance(pipeline.processors["depparse"]._trainer.model.lstm, torch.nn.LSTM)


@pytest.mark.model
def test_real_pipeline_parser_is_quantized_and_parses_alike(stanza_parser) -> None:  # type: ignore[no-untyped-def]
    from annotator.nlp.models import resolve_models
    from annotator.nlp.stanza_pipeline import StanzaParser

    parser = StanzaParser(resolve_models(stanza_parser.spec.directory), use_gpu=False, quantize=DEFAULT_QUANTIZE)
    assert parser.quantized == ["depparse"]
    modules = list(parser.pipeline.processors["depparse"]._trainer.model.modules())
    assert any(isinstance(m, torch.ao.nn.quantized.dynamic.LSTM) for m in modules)
    assert not any(type(m) is torch.nn.LSTM or type(m) is torch.nn.Linear for m in modules)
    assert not any(isinstance(m, torch.ao.nn.quantized.dynamic.LSTM)
                   for m in parser.pipeline.processors["pos"]._trainer.model.modules())
    text = "قال وزير الخارجية إن المفاوضات ستستمر. وأضاف: \"لن نتراجع\"."
    a, b = stanza_parser.parse(text), parser.parse(text)
    arcs = [[(w.head, w.deprel) for w in s.words] for s in a.sentences]
    assert [[(w.head, w.deprel) for w in s.words] for s in b.sentences] == arcs
