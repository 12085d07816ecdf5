"""Measure a models directory on UD dev data with the CoNLL 2018 shared-task scorer that Stanza uses.

Three passes, each on the same dev sentences:

- tagging: gold tokenization in, predicted UPOS, UFeats, lemmas and trees out (UAS/LAS with predicted tags);
- gold tags: gold tokens and gold UPOS/features in, predicted lemmas and trees out (``lemma_gold_tags``,
  ``las_gold_tags``: how Stanza's own training reports them, and ../shared/README.md its LAS);
- tokenizing: the raw dev text in, tokens and sentences out (F1 against the gold CoNLL-U).

Scores are percentages rounded to two decimals.
"""

from __future__ import annotations

import io
import logging
import sys
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import InputError, ModelError
from annotator.nlp.models import ModelSpec

# metric name -> (pass, the scorer's row); the order is the order `models info` prints them in.
METRICS: dict[str, tuple[str, str]] = {
    "tokens_f1": ("tokenize", "Tokens"),
    "sentences_f1": ("tokenize", "Sentences"),
    "upos": ("tagging", "UPOS"),
    "ufeats": ("tagging", "UFeats"),
    "lemma": ("tagging", "Lemmas"),
    "uas": ("tagging", "UAS"),
    "las": ("tagging", "LAS"),
    "lemma_gold_tags": ("gold_tags", "Lemmas"),
    "uas_gold_tags": ("gold_tags", "UAS"),
    "las_gold_tags": ("gold_tags", "LAS"),
}


@dataclass(frozen=True)
class DevData:
    """Dev files: gold CoNLL-U for tagging and parsing, and raw text with its gold CoNLL-U for the tokenizer."""

    conllu: Path
    tokenizer_txt: Path | None = None
    tokenizer_conllu: Path | None = None

    def check(self) -> None:
        for path in (self.conllu, self.tokenizer_txt, self.tokenizer_conllu):
            if path is not None and not path.is_file():
                raise InputError(f"dev file not found: {path}")


def _pipeline(spec: ModelSpec, processors: list[str], use_gpu: bool, **extra: Any) -> Any:
    """A Stanza pipeline with only the given processors of the models directory."""
    import stanza

    logging.getLogger("stanza").setLevel(logging.WARNING)
    args: dict[str, Any] = {"lang": "ar", "dir": str(spec.directory), "download_method": None,
                            "use_gpu": use_gpu, "logging_level": "WARN"}
    if spec.kind == "custom":
        args.update(package=None, processors={p: spec.packages[p] for p in processors},
                    pos_pretrain_path=None, depparse_pretrain_path=None)
        for p in processors:
            args[f"{p}_model_path"] = str(spec.model_path(p))
    else:
        args["processors"] = ",".join(processors)
    args.update(extra)
    try:
        return stanza.Pipeline(**args)
    except Exception as exc:  # stanza raises many kinds; the user needs one line
        raise ModelError(f"cannot load Stanza models from {spec.directory}: {exc}") from exc


def _score(gold: Path, system_doc: Any) -> dict[str, Any]:
    from stanza.models.common.utils import ud_scores

    system = io.StringIO(format(system_doc, "C") + "\n\n")  # Stanza's Document formats itself as CoNLL-U
    return dict(ud_scores(str(gold), system))


def _percent(evaluation: dict[str, Any], row: str) -> float:
    return round(100 * float(evaluation[row].f1), 2)


def _tagging_and_gold_tag_passes(spec: ModelSpec, dev: DevData, use_gpu: bool) -> dict[str, dict[str, Any]]:
    from stanza.utils.conll import CoNLL

    gold = CoNLL.conll2doc(input_file=str(dev.conllu))
    words = [[w.text for w in s.words] for s in gold.sentences]
    pipeline = _pipeline(spec, ["tokenize", "pos", "lemma", "depparse"], use_gpu, tokenize_pretokenized=True)
    tagging = _score(dev.conllu, pipeline(words))
    # The same parser and lemmatizer on the gold document: gold tags stay, trees and lemmas are overwritten.
    # Parse first: the parser reads lemmas, and Stanza's LAS on gold tags is with gold lemmas.
    gold = pipeline.processors["lemma"].process(pipeline.processors["depparse"].process(gold))
    return {"tagging": tagging, "gold_tags": _score(dev.conllu, gold)}


def _segmentation_conllu(doc: Any, text: str) -> str:
    """CoNLL-U of the tokens and sentences only, each token's form read from the raw text by its offsets.

    Stanza writes ``<UNK>`` for an overlong token (an undertrained tokenizer makes whole paragraphs one
    token), which the scorer cannot align; the offsets always can be.
    """
    lines: list[str] = []
    for sentence in doc.sentences:
        index = 0
        for token in sentence.tokens:
            form = text[token.start_char:token.end_char]
            words = [w.text for w in token.words] if len(token.words) > 1 else [form]
            if len(words) > 1:
                lines.append(f"{index + 1}-{index + len(words)}\t{form}" + "\t_" * 8)
            for word in words:
                index += 1
                head, relation = ("0", "root") if index == 1 else ("1", "dep")
                lines.append(f"{index}\t{word}\t_\t_\t_\t_\t{head}\t{relation}\t_\t_")
        lines.append("")
    return "\n".join(lines) + "\n"


def _tokenize_pass(spec: ModelSpec, dev: DevData, use_gpu: bool) -> dict[str, Any]:
    from stanza.models.common.utils import ud_scores

    assert dev.tokenizer_txt is not None and dev.tokenizer_conllu is not None
    processors = ["tokenize"] if spec.kind == "custom" else ["tokenize", "mwt"]
    pipeline = _pipeline(spec, processors, use_gpu)
    text = dev.tokenizer_txt.read_text(encoding="utf-8")
    system = io.StringIO(_segmentation_conllu(pipeline(text), text))
    return dict(ud_scores(str(dev.tokenizer_conllu), system))


def evaluate_models(spec: ModelSpec, dev: DevData, *, use_gpu: bool = False) -> dict[str, float]:
    """UD scores of the models in ``spec`` on ``dev`` (the tokenizer only when its raw text is given)."""
    dev.check()
    with redirect_stdout(sys.stderr):  # whatever Stanza prints must not mix with our --json output
        passes = _tagging_and_gold_tag_passes(spec, dev, use_gpu)
        if dev.tokenizer_txt is not None and dev.tokenizer_conllu is not None:
            passes["tokenize"] = _tokenize_pass(spec, dev, use_gpu)
    return {name: _percent(passes[which], row) for name, (which, row) in METRICS.items() if which in passes}
