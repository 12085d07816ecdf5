"""`annotator models train` and the UD evaluation, end to end with Stanza (marked `model`: slow).

Training runs on a slice of ../shared/ud with small networks and 2 steps per trainer: this proves the
pipeline (data preparation, Stanza's four trainers, the output layout, loading, evaluation), not the quality.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.nlp.evaluate_ud import METRICS, DevData, evaluate_models
from annotator.nlp.models import PROCESSORS, SCORES_FILE, resolve_models
from tests.conftest import MODELS, SHARED

UD = SHARED / "ud"

# Small networks so that a 2-step run of each trainer takes seconds on a shared 2-core CPU.
SMALL = {
    "tokenize": "--hidden_dim 16 --emb_dim 16",
    "pos": "--hidden_dim 32 --char_hidden_dim 32 --deep_biaff_hidden_dim 32 --composite_deep_biaff_hidden_dim 16 "
           "--word_emb_dim 16 --char_emb_dim 16 --tag_emb_dim 8 --transformed_dim 16",
    "lemma": "--hidden_dim 32",
    "depparse": "--hidden_dim 32 --char_hidden_dim 32 --deep_biaff_hidden_dim 32 --deep_biaff_output_dim 16 "
                "--word_emb_dim 16 --char_emb_dim 16 --tag_emb_dim 8 --transformed_dim 16",
}


def _sentences(path: Path, n: int) -> list[str]:
    return path.read_text(encoding="utf-8").strip().split("\n\n")[:n]


def _text(block: str) -> str:
    return next(line.removeprefix("# text = ") for line in block.splitlines() if line.startswith("# text = "))


def make_small_ud(out: Path, n_train: int = 40, n_dev: int = 12) -> Path:
    """The first sentences of ../shared/ud, with the tokenizer's raw text rebuilt in paragraphs of 4."""
    out.mkdir()
    for shorthand in ("ar_seed", "ar_seedtok"):
        for split, n in (("train", n_train), ("dev", n_dev)):
            blocks = _sentences(UD / f"{shorthand}-ud-{split}.conllu", n)
            (out / f"{shorthand}-ud-{split}.conllu").write_text("\n\n".join(blocks) + "\n\n", encoding="utf-8")
            if shorthand == "ar_seedtok":
                paragraphs = [" ".join(_text(b) for b in blocks[i:i + 4]) for i in range(0, len(blocks), 4)]
                (out / f"{shorthand}.{split}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return out


@pytest.mark.model
def test_train_writes_a_set_that_loads_parses_and_is_scored(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.nlp.stanza_pipeline import StanzaParser

    ud, out = make_small_ud(tmp_path / "ud"), tmp_path / "models"
    flags = [arg for name, small in SMALL.items() for arg in ("--stanza-flags", f"{name}={small}")]
    code = main(["models", "train", "--ud", str(ud), "--out", str(out), "--max-steps", "2", "--device", "cpu",
                 "--quiet", "--json", *flags])
    assert code == 0, capsys.readouterr().err
    result = json.loads(capsys.readouterr().out)
    assert result["complete"] is True and set(result["trained"]) == set(PROCESSORS)
    assert set(result["scores"]) == set(METRICS)
    assert all(0 <= v <= 100 for v in result["scores"].values())

    spec = resolve_models(out)
    assert spec.kind == "custom" and spec.packages == dict.fromkeys(PROCESSORS, "seed")
    recorded = json.loads((out / SCORES_FILE).read_text(encoding="utf-8"))
    assert recorded["scores"] == result["scores"]
    assert recorded["trained"]["depparse"]["max_steps"] == 2

    parsed = StanzaParser(spec, use_gpu=False).parse("قال الرئيس إن الاتفاق مهم.")
    words = [w for s in parsed.sentences for w in s.words]
    assert words and all(parsed.text[w.start:w.end] == w.text for w in words)

    assert main(["models", "info", "--models", str(out), "--evaluate", "--ud", str(ud), "--device", "cpu",
                 "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["recorded"]["scores"] == result["scores"]
    assert info["measured"]["scores"] == result["scores"]  # same models, same dev files, same numbers


@pytest.mark.model
def test_evaluation_of_the_shared_models_agrees_with_their_readme(tmp_path: Path) -> None:
    """On the first 40 dev sentences; the README's numbers (200 sentences) are UPOS 93.3, LAS 81.9."""
    ud = make_small_ud(tmp_path / "ud", n_train=1, n_dev=40)
    dev = DevData(ud / "ar_seed-ud-dev.conllu", ud / "ar_seedtok.dev.txt", ud / "ar_seedtok-ud-dev.conllu")
    scores = evaluate_models(resolve_models(MODELS), dev)
    assert set(scores) == set(METRICS)
    assert scores["upos"] > 88 and scores["las_gold_tags"] > 75 and scores["tokens_f1"] > 95
    assert scores["las_gold_tags"] > scores["las"]  # gold tags help the parser


@pytest.mark.model
def test_training_flags_give_the_shared_models_configuration(tmp_path: Path) -> None:
    """Our flags, parsed by Stanza's own argument parsers, equal the config saved in the shared .pt files."""
    import torch
    from stanza.models import lemmatizer, parser, tagger, tokenizer

    from annotator.nlp.training import TrainOptions, _stanza_flags, find_ud_data

    data = find_ud_data(UD)
    trainers = {"tokenize": (tokenizer, "tokenizer"), "pos": (tagger, "tagger"),
                "lemma": (lemmatizer, "lemmatizer"), "depparse": (parser, "parser")}
    derived = {"device", "save_name", "checkpoint_save_name", "conll_file", "dev_conll_gold", "load_name",
               "vocab_size", "pos_vocab_size", "feat_dim", "num_dict_feat", "use_mwt", "feat_funcs", "tag_columns",
               "enable_gradient_checkpointing", "transition_subtree_combination"}  # set from data or versions
    for name, (module, suffix) in trainers.items():
        saved = torch.load(MODELS / "ar" / f"ar_seed_{suffix}.pt", map_location="cpu", weights_only=False)["config"]
        ours = module.parse_args(_stanza_flags(name, data, tmp_path, TrainOptions()))
        keys = {k for k in set(saved) | set(ours) if not k.endswith(("_file", "_dir")) and k not in derived}
        differences = {k: (saved.get(k), ours.get(k)) for k in keys if saved.get(k) != ours.get(k)}
        assert differences == {}, name
