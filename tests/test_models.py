"""`annotator models`: download offline, info, training set-up (no model is loaded or trained here)."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.errors import InputError
from annotator.nlp.models import PROCESSORS, SCORES_FILE, custom_model_path, resolve_models
from annotator.nlp.training import _lemma_schedule, find_ud_data, write_resources
from tests.conftest import SHARED

UD = SHARED / "ud"


def make_custom_set(directory: Path, package: str = "tiny") -> dict[str, bytes]:
    """A custom set with small stand-in files: enough for resolving and describing, not for loading."""
    (directory / "ar").mkdir(parents=True)
    contents = {}
    for processor in PROCESSORS:
        contents[processor] = f"not a model: {processor}".encode()
        custom_model_path(directory, package, processor).write_bytes(contents[processor])
    write_resources(directory, dict.fromkeys(PROCESSORS, package))
    return contents


def test_download_offline_fails_fast_with_one_actionable_line(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "models"
    started = time.monotonic()
    # port 9 (discard) on the local machine: nothing listens, the connection is refused at once
    code = main(["models", "download", "--dir", str(target), "--resources-url", "http://127.0.0.1:9"])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 5
    assert elapsed < 15
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "--models DIR" in lines[0] and "ANNOTATOR_MODELS" in lines[0] and "127.0.0.1:9" in lines[0]
    assert "Traceback" not in err
    assert not target.exists()  # nothing half-made is left behind


def test_download_offline_with_unresolvable_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # .invalid never resolves (RFC 2606): the same answer as a machine without DNS
    code = main(["models", "download", "--dir", str(tmp_path / "m"), "--resources-url", "https://stanza.invalid/r"])
    assert code == 5
    assert "cannot reach stanza.invalid" in capsys.readouterr().err


def test_download_never_overwrites_a_custom_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_custom_set(tmp_path)
    before = (tmp_path / "resources.json").read_bytes()
    code = main(["models", "download", "--dir", str(tmp_path), "--resources-url", "http://127.0.0.1:9"])
    assert code == 3
    assert "custom model set" in capsys.readouterr().err
    assert (tmp_path / "resources.json").read_bytes() == before


def test_written_resources_make_a_custom_set(tmp_path: Path) -> None:
    make_custom_set(tmp_path, "mine")
    spec = resolve_models(tmp_path)
    assert spec.kind == "custom"
    assert spec.packages == dict.fromkeys(PROCESSORS, "mine")
    assert spec.model_path("depparse") == tmp_path / "ar" / "ar_mine_parser.pt"


def test_info_json_lists_files_hashes_and_recorded_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contents = make_custom_set(tmp_path)
    recorded = {"created": "2026-01-01T00:00:00+00:00", "scores": {"upos": 91.5, "las_gold_tags": 80.25},
                "trained": {"pos": {"seconds": 12.0, "max_steps": 5, "device": "cpu"}}}
    (tmp_path / SCORES_FILE).write_text(json.dumps(recorded), encoding="utf-8")
    assert main(["models", "info", "--models", str(tmp_path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["origin"] == "option" and info["kind"] == "custom"
    assert [f["processor"] for f in info["files"]] == list(PROCESSORS)
    tagger = info["files"][1]
    assert tagger["path"] == "ar/ar_tiny_tagger.pt"
    assert tagger["bytes"] == len(contents["pos"])
    assert tagger["sha256"] == hashlib.sha256(contents["pos"]).hexdigest()[:12]
    assert info["recorded"]["scores"] == {"upos": 91.5, "las_gold_tags": 80.25}
    assert "reported" not in info  # the shared README's numbers belong to the shared models only


def test_info_text_shows_recorded_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_custom_set(tmp_path)
    (tmp_path / SCORES_FILE).write_text(json.dumps({"scores": {"upos": 91.5}}), encoding="utf-8")
    assert main(["models", "info", "--models", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "ar/ar_tiny_parser.pt" in out
    assert "91.50" in out


def test_info_on_the_shared_models_shows_the_readme_scores(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "info", "--models", str(SHARED / "models" / "stanza"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["reported"]["scores"]["las_gold_tags"] == 81.9
    assert {f["path"] for f in info["files"]} == {f"ar/ar_seed_{s}.pt" for s in
                                                  ("tokenizer", "tagger", "lemmatizer", "parser")}


def test_info_without_models_is_a_model_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "info", "--models", str(tmp_path)]) == 5
    assert "resources.json" in capsys.readouterr().err


def test_find_ud_data_in_shared_ud() -> None:
    data = find_ud_data(UD)
    assert data.tagging.shorthand == "ar_seed"
    assert data.tokenizer.shorthand == "ar_seedtok"
    assert data.tokenizer.train_txt == UD / "ar_seedtok.train.txt"
    assert data.package == "seed"


def test_find_ud_data_needs_raw_text_for_the_tokenizer(tmp_path: Path) -> None:
    for split in ("train", "dev"):
        (tmp_path / f"ar_x-ud-{split}.conllu").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="raw text"):
        find_ud_data(tmp_path)
    with pytest.raises(InputError, match="not found"):
        find_ud_data(tmp_path / "missing")


def test_lemma_step_limit_becomes_part_of_one_epoch(tmp_path: Path) -> None:
    conllu = tmp_path / "t.conllu"
    words = "".join(f"{i}\tw\tw\tX\t_\t_\t0\troot\t_\t_\n" for i in range(1, 501))  # 500 words: 10 batches
    conllu.write_text("# text = x\n" + words + "\n", encoding="utf-8")
    assert _lemma_schedule(conllu, 5) == (1, 0.5)
    assert _lemma_schedule(conllu, 50) == (1, 1.0)
    assert _lemma_schedule(conllu, None) == (40, 1.0)


@pytest.mark.parametrize("argv, message", [
    (["--processors", "tokenize,ner"], "unknown ner"),
    (["--stanza-flags", "parser=--hidden_dim 10"], "PROC=FLAGS"),
    (["--max-steps", "0"], "at least 1"),
])
def test_train_rejects_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                   message: str) -> None:
    code = main(["models", "train", "--ud", str(UD), "--out", str(tmp_path / "out"), "--device", "cpu", *argv])
    assert code == 3
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_word_vectors_turn_the_pretrain_back_on() -> None:
    from annotator.nlp.training import _with_extra_flags

    ours = ["--no_pretrain", "--word_cutoff", "0"]
    assert _with_extra_flags(ours, ["--hidden_dim", "10"]) == [*ours, "--hidden_dim", "10"]
    assert _with_extra_flags(ours, ["--wordvec_pretrain_file", "v.pt"]) == ["--word_cutoff", "0",
                                                                           "--wordvec_pretrain_file", "v.pt"]


def test_train_refuses_an_output_it_cannot_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    code = main(["models", "train", "--ud", str(UD), "--out", str(blocker / "models"), "--device", "cpu"])
    assert code == 3
    assert "cannot write models to" in capsys.readouterr().err


def test_info_reports_an_unreadable_scores_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_custom_set(tmp_path)
    (tmp_path / SCORES_FILE).write_text("{not json", encoding="utf-8")
    assert main(["models", "info", "--models", str(tmp_path)]) == 0
    assert f"cannot read {tmp_path / SCORES_FILE}" in capsys.readouterr().out.replace("\n", "")
