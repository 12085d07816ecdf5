"""Run Stanza and turn its output into :mod:`annotator.nlp.types` values.

Stanza is imported lazily: commands that do not parse (status, export, review) start fast.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from typing import Any

from annotator.errors import ModelError
from annotator.nlp import fast_stanza
from annotator.nlp.models import PROCESSORS, ModelSpec
from annotator.nlp.switches import OFF_VALUES, ON_VALUES, switched_off
from annotator.nlp.types import ParsedDocument, Sentence, Word


def _word_offsets(token: Any) -> list[tuple[int, int]]:
    """Offsets of each word of a token; words of a multi-word token get their share of the token."""
    words = token.words
    if len(words) == 1 or all(getattr(w, "start_char", None) is not None for w in words):
        return [
            (w.start_char if w.start_char is not None else token.start_char,
             w.end_char if w.end_char is not None else token.end_char)
            for w in words
        ]
    # Official models split clitics into words without offsets: find each form inside the token text
    # and fall back to the remaining part of the token where the surface form differs.
    spans: list[tuple[int, int]] = []
    cursor = 0
    text = token.text
    for i, w in enumerate(words):
        at = text.find(w.text, cursor)
        if at < 0 or i == len(words) - 1:
            start = cursor
            end = len(text) if i == len(words) - 1 else max(cursor, min(len(text), cursor + len(w.text)))
        else:
            start, end = at, at + len(w.text)
        spans.append((token.start_char + start, token.start_char + end))
        cursor = end
    return spans


def convert(doc: Any, text: str) -> ParsedDocument:
    sentences: list[Sentence] = []
    for s in doc.sentences:
        words: list[Word] = []
        for token in s.tokens:
            for w, (start, end) in zip(token.words, _word_offsets(token), strict=True):
                words.append(Word(int(w.id), w.text, w.lemma or w.text, w.upos or "X", w.feats or "",
                                  int(w.head or 0), w.deprel or "dep", start, end))
        if not words:
            continue
        start, end = words[0].start, words[-1].end
        sentences.append(Sentence(len(sentences), start, end, text[start:end], tuple(words)))
    return ParsedDocument(text, tuple(sentences))


def cuda_available() -> bool:
    try:
        import torch

        return bool(torch.cuda.is_available())
    except Exception:  # no torch build with CUDA: the CPU it is
        return False


GPU_ENV = "ANNOTATOR_GPU"  # "0"/"off": never the GPU, for a parser built with use_gpu=None (what --cpu does)


def gpu_wanted(use_gpu: bool | None) -> bool:
    """``use_gpu`` as asked; None: the GPU when torch sees one, unless $ANNOTATOR_GPU is "0" (no/false/off)."""
    if use_gpu is not None:
        return use_gpu
    return not switched_off(GPU_ENV) and cuda_available()


# Batch sizes (Stanza's unit: words for pos/lemma/depparse, paragraphs for tokenize). The parser
# scores every word pair of a batch padded to its longest sentence; small batches of sentences of
# similar length waste less (measured in docs/scale.md, same output).
FAST_BATCH_SIZES = {"depparse": 400, "pos": 1000, "lemma": 1000, "tokenize": 64}

# int8 dynamic quantization (CPU only): the processors it may be applied to, and the ones quantized
# by default on the CPU (`--no-quantize` / ANNOTATOR_QUANTIZE=0 turn it off; measured in docs/scale.md,
# "Quantization": the same F1 on the four gold sets, about 1.1x less CPU per parsing process).
QUANTIZABLE = ("pos", "depparse")
DEFAULT_QUANTIZE = ("depparse",)
QUANTIZE_ENV = "ANNOTATOR_QUANTIZE"


def quantize_from_env(value: str | None = None) -> tuple[str, ...]:
    """What $ANNOTATOR_QUANTIZE asks for: unset/empty or ``1``/``yes``/``true`` the default set,
    ``0``/``no``/``off`` nothing, or a comma-separated list of processors (``depparse,pos``)."""
    raw = (os.environ.get(QUANTIZE_ENV, "") if value is None else value).strip().lower()
    if raw in OFF_VALUES:
        return ()
    if raw in ("", *ON_VALUES):
        return DEFAULT_QUANTIZE
    names = tuple(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
    unknown = [n for n in names if n not in QUANTIZABLE]
    if unknown:
        raise ModelError(f"{QUANTIZE_ENV}: cannot quantize {', '.join(unknown)} "
                         f"(1, 0, or a list of {', '.join(QUANTIZABLE)})")
    return names


def quantize_pipeline(pipeline: Any, processors: Sequence[str]) -> list[str]:
    """Replace the LSTM and Linear layers of these processors' models by int8 dynamic ones.

    CPU only: a model on a GPU is left as it is (PyTorch's dynamic quantized kernels are CPU kernels).
    A copy is quantized and put in place only when that succeeded: a processor whose quantization
    fails keeps its float32 model, with one warning. Returns the processors that were quantized.
    """
    if not processors:
        return []
    import torch
    from torch.ao.quantization import quantize_dynamic

    log = logging.getLogger(__name__)
    done: list[str] = []
    for name in processors:
        if name not in QUANTIZABLE:
            raise ModelError(f"cannot quantize the {name} processor (only {', '.join(QUANTIZABLE)})")
        trainer: Any = getattr(pipeline.processors.get(name), "_trainer", None)
        model = getattr(trainer, "model", None)
        if trainer is None or model is None:
            continue
        if any(p.device.type != "cpu" for p in model.parameters()):
            log.warning("not quantizing %s: the model is on %s, quantization is CPU only",
                        name, next(p.device for p in model.parameters()))
            continue
        try:
            model.eval()
            with warnings.catch_warnings():  # PyTorch 2.10+ announces that eager quantization moves to torchao
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.simplefilter("ignore", UserWarning)
                quantized = quantize_dynamic(model, {torch.nn.LSTM, torch.nn.Linear}, dtype=torch.qint8,
                                             inplace=False)
        except Exception as exc:  # any failure: parse with the float32 model, never stop a run
            log.warning("int8 quantization of the %s model failed, using the float32 model: %s: %s",
                        name, type(exc).__name__, exc)
            continue
        trainer.model = quantized
        done.append(name)
    return done


class StanzaParser:
    """A loaded Stanza pipeline. Loading takes seconds: build one and reuse it."""

    def __init__(self, spec: ModelSpec, use_gpu: bool | None = None,
                 batch_sizes: dict[str, int] | None = None, quantize: Sequence[str] = (),
                 speedups: bool = False) -> None:
        self.spec = spec
        self.batch_sizes = dict(batch_sizes or {})
        self.quantized: list[str] = []
        self.fast_tree = False
        self.speedups: list[str] = []  # what annotator.nlp.fast_stanza applied (speedups=True)
        try:
            import stanza
        except ImportError as exc:  # pragma: no cover - stanza is a hard dependency
            raise ModelError(f"stanza is not installed: {exc}") from exc
        use_gpu = gpu_wanted(use_gpu)
        logging.getLogger("stanza").setLevel(logging.WARNING)
        try:
            # speedups: the lemmatizer keeps what its seq2seq model predicted for a (word, tag) and looks it up
            # next time (Stanza's lemma_store_results; annotator.nlp.fast_stanza has the rest)
            speedups = speedups and not use_gpu and fast_stanza.enabled()  # measured on the CPU only
            extra = {"lemma_store_results": True} if speedups else {}
            self.pipeline = stanza.Pipeline(lang="ar", use_gpu=use_gpu, logging_level="WARN",
                                            **self._pipeline_args(spec), **extra,
                                            **{f"{p}_batch_size": n for p, n in self.batch_sizes.items()})
        except Exception as exc:  # stanza raises many kinds; the user needs one line
            raise ModelError(f"cannot load Stanza models from {spec.directory}: {exc}") from exc
        from annotator.nlp import fast_tree

        self.fast_tree = fast_tree.install()  # compiled tree decoding when the `fast` extra is installed
        if quantize and not use_gpu:  # never on a GPU: int8 dynamic kernels are CPU kernels
            try:
                self.quantized = quantize_pipeline(self.pipeline, quantize)
            except Exception as exc:  # never stop a run for it: the float32 parser parses the same texts
                logging.getLogger(__name__).warning("int8 quantization failed, using the float32 parser: %s: %s",
                                                    type(exc).__name__, exc)
                self.quantized = []
        if speedups:  # after quantization: it replaces the models by quantized copies
            self.speedups = ["lemma store", *fast_stanza.install(self.pipeline)]

    @staticmethod
    def _pipeline_args(spec: ModelSpec) -> dict[str, Any]:
        common: dict[str, Any] = {"dir": str(spec.directory), "download_method": None}
        if spec.kind == "official":
            return {**common, "processors": "tokenize,mwt,pos,lemma,depparse"}
        return {
            **common,
            "package": None,
            "processors": {p: spec.packages[p] for p in PROCESSORS},
            "tokenize_model_path": str(spec.model_path("tokenize")),
            "pos_model_path": str(spec.model_path("pos")),
            "lemma_model_path": str(spec.model_path("lemma")),
            "depparse_model_path": str(spec.model_path("depparse")),
            "pos_pretrain_path": None,
            "depparse_pretrain_path": None,
        }

    def parse(self, text: str) -> ParsedDocument:
        return convert(self.pipeline(text), text)

    def parse_many(self, texts: Sequence[str]) -> list[ParsedDocument]:
        """Parse several texts in one batch (Stanza batches across documents)."""
        if not texts:
            return []
        import stanza

        docs = self.pipeline.bulk_process([stanza.Document([], text=t) for t in texts])
        return [convert(d, t) for d, t in zip(docs, texts, strict=True)]

    def tag_many(self, texts: Sequence[str]) -> list[ParsedDocument]:
        """Tokenize and tag only (no lemmas, no dependency tree: every word hangs from the root).

        The dependency parser is most of the time; sentences that cannot hold an attribution still
        name people and organisations, which the engine finds from the tags alone.
        """
        if not texts:
            return []
        import stanza

        docs = [stanza.Document([], text=t) for t in texts]
        for name in ("tokenize", "pos"):
            docs = self.pipeline.processors[name].bulk_process(docs)
        return [convert(d, t) for d, t in zip(docs, texts, strict=True)]
