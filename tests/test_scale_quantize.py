"""int8 dynamic quantization (on by default on the CPU; --no-quantize, ANNOTATOR_QUANTIZE=0): option parsing,
CPU only, module types replaced, a failure falls back to the float32 parser."""

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
    assert build_parser().parse_args([*argv, "--no-quantize"]).quantize is False
    assert build_parser().parse_args(argv).quantize is None  # not given: the environment, else the CPU default


@pytest.mark.parametrize(("value", "expected"), [
    ("", DEFAULT_QUANTIZE), ("  ", DEFAULT_QUANTIZE), ("0", ()), ("off", ()), ("no", ()),
    ("1", DEFAULT_QUANTIZE), ("yes", DEFAULT_QUANTIZE), ("true", DEFAULT_QUANTIZE),
    ("depparse", ("depparse",)), ("depparse,pos", ("depparse", "pos")), (" pos , pos ", ("pos",)),
])
def test_environment_values(value: str, expected: tuple[str, ...]) -> None:
    assert quantize_from_env(value) == expected


def test_environment_names_an_unknown_processor() -> None:
    with pytest.raises(ModelError, match="lemma"):
        quantize_from_env("depparse,lemma")


def test_unset_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(QUANTIZE_ENV, raising=False)
    assert quantize_from_env() == DEFAULT_QUANTIZE == ("depparse",)


def _args(**kw: Any) -> argparse.Namespace:
    base = {"models": None, "workers": 2, "parse": "filter", "cpu": False, "quantize": None}
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
    setup = ParsingSetup.from_args(_args())  # the default on the CPU
    assert setup.quantize == DEFAULT_QUANTIZE
    assert setup.spec().quantize == DEFAULT_QUANTIZE
    assert "int8 depparse" in setup.describe()
    assert ParsingSetup.from_args(_args(quantize=True)).quantize == DEFAULT_QUANTIZE
    off = ParsingSetup.from_args(_args(quantize=False))
    assert off.quantize == () and off.spec().quantize == () and "int8" not in off.describe()
    monkeypatch.setenv(QUANTIZE_ENV, "0")
    assert ParsingSetup.from_args(_args()).quantize == ()
    assert ParsingSetup.from_args(_args(quantize=True)).quantize == DEFAULT_QUANTIZE  # the option beats the env
    monkeypatch.setenv(QUANTIZE_ENV, "1")
    assert ParsingSetup.from_args(_args()).quantize == DEFAULT_QUANTIZE
    assert ParsingSetup.from_args(_args(quantize=False)).quantize == ()
    monkeypatch.setenv(QUANTIZE_ENV, "depparse,pos")
    assert ParsingSetup.from_args(_args()).spec().quantize == ("depparse", "pos")


@pytest.mark.usefixtures("no_model_needed")
def test_ignored_with_a_gpu(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(stanza_pipeline, "cuda_available", lambda: True)
    default = ParsingSetup.from_args(_args())  # the CPU default is silently not applied on a GPU
    assert default.use_gpu and default.quantize == () and default.spec().quantize == ()
    assert capsys.readouterr().err == ""
    setup = ParsingSetup.from_args(_args(quantize=True))  # asked for: said so
    assert setup.use_gpu and setup.quantize == () and setup.spec().quantize == ()
    assert "CPU only" in capsys.readouterr().err
    monkeypatch.setenv(QUANTIZE_ENV, "1")
    assert ParsingSetup.from_args(_args()).quantize == ()
    assert "CPU only" in capsys.readouterr().err
    monkeypatch.delenv(QUANTIZE_ENV)
    # --cpu: no GPU, so quantized, by default or when asked
    assert ParsingSetup.from_args(_args(cpu=True)).quantize == DEFAULT_QUANTIZE
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


def test_a_failed_quantization_keeps_the_float_model(monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    import torch.ao.quantization

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("no int8 kernels here")

    monkeypatch.setattr(torch.ao.quantization, "quantize_dynamic", broken)
    model = TinyModel()
    pipeline = _pipeline(depparse=model)
    with caplog.at_level("WARNING"):
        assert quantize_pipeline(pipeline, ["depparse"]) == []
    assert pipeline.processors["depparse"]._trainer.model is model
    assert isinstance(model.lstm, torch.nn.LSTM) and type(model.out) is torch.nn.Linear  # untouched
    warned = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warned) == 1 and "float32" in warned[0].getMessage() and "no int8 kernels" in warned[0].getMessage()


def test_the_parser_is_built_when_quantization_fails(monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    import stanza

    pipeline = _pipeline(depparse=TinyModel())
    monkeypatch.setattr(stanza, "Pipeline", lambda **_: pipeline)

    def broken(*_: Any) -> list[str]:
        raise ImportError("torch.ao is gone")

    monkeypatch.setattr(stanza_pipeline, "quantize_pipeline", broken)
    spec = SimpleNamespace(directory=Path("/models"), kind="official")
    with caplog.at_level("WARNING"):
        parser = stanza_pipeline.StanzaParser(spec, use_gpu=False, quantize=DEFAULT_QUANTIZE)  # type: ignore[arg-type]
    assert parser.quantized == [] and parser.pipeline is pipeline
    assert [r.levelname for r in caplog.records] == ["WARNING"] and "float32" in caplog.records[0].getMessage()


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
