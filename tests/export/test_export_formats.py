"""Every export format: spans hold the document text exactly, files are written atomically."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.db import Database
from annotator.errors import InputError
from annotator.export import brat
from annotator.export.jsonl import read_records
from annotator.export.spacy_docbin import register_extensions
from tests.export.builders import ATTRIBUTIONS, build, document_texts

README_KEYS = {"doc", "id", "type", "content", "cue", "source", "speaker", "speaker_id", "status",
               "confidence", "rule", "annotator", "doc_sha256"}


@pytest.fixture
def built_db(db: Database, tmp_path: Path) -> str:
    build(db)
    return f"sqlite:///{tmp_path / 'test.db'}"


def export(url: str, *args: str) -> int:
    return main(["--db", url, "export", *args])


def all_records(url: str, tmp_path: Path) -> list[dict]:
    out = tmp_path / "all.jsonl"
    assert export(url, "--status", "all", "--out", str(out)) == 0
    return list(read_records(out))


def test_jsonl_schema_and_spans(built_db: str, db: Database, tmp_path: Path) -> None:
    records = all_records(built_db, tmp_path)
    texts = document_texts(db)
    assert len(records) == len(ATTRIBUTIONS)
    for rec in records:
        assert set(rec) == README_KEYS
        for key in ("content", "cue", "source"):
            if rec[key] is not None:
                assert texts[rec["doc"]][rec[key]["start"]:rec[key]["end"]] == rec[key]["text"]
    assert not list(tmp_path.glob("*.part"))


def test_jsonl_default_is_gold_only_and_doc_filter(built_db: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert export(built_db) == 0
    gold = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(r["status"] for r in gold) == ["accepted", "accepted", "corrected"]
    assert export(built_db, "--status", "all", "--doc", "b.txt") == 0
    only_b = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["doc"] for r in only_b} == {"b.txt"} and len(only_b) == 2


def test_citron_folder_and_stream(built_db: str, db: Database, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "citron"
    assert export(built_db, "--format", "citron", "--status", "all", "--out", str(folder)) == 0
    files = sorted(folder.glob("*.json"))
    assert [f.name for f in files] == ["a.json", "b.json"]  # c.txt has no attribution
    texts = document_texts(db)
    quotes = 0
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        assert doc["text"] == texts[doc["doc"]]
        for q in doc["quotes"]:
            quotes += 1
            spans = [q["cue"], *q["sources"], *q["contents"]]
            assert len(q["contents"]) == 1
            for s in spans:
                assert doc["text"][s["start"]:s["end"]] == s["text"]
    assert quotes == len(ATTRIBUTIONS)
    assert export(built_db, "--format", "citron") == 0
    streamed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sum(len(d["quotes"]) for d in streamed) == 3  # accepted + corrected
    lines = tmp_path / "citron.jsonl"  # a .jsonl --out: one citron document a line
    assert export(built_db, "--format", "citron", "--out", str(lines)) == 0
    assert [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()] == streamed


def test_brat_standoff_parses_and_matches_text(built_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    assert export(built_db, "--format", "brat", "--status", "all", "--out", str(folder)) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["a.ann", "a.txt", "annotation.conf", "b.ann", "b.txt"]
    records = all_records(built_db, tmp_path)
    for stem in ("a", "b"):
        text = (folder / f"{stem}.txt").read_bytes().decode("utf-8")
        ann = brat.parse_ann((folder / f"{stem}.ann").read_text(encoding="utf-8"))
        for label, frags, shown in ann.entities.values():
            assert label in brat.ENTITY_TYPES
            assert shown == " ".join(text[s:e] for s, e in frags)
            assert all("\n" not in text[s:e] for s, e in frags)
        by_span = {(label, frags[0][0], frags[-1][1]): tid for tid, (label, frags, _) in ann.entities.items()}
        for rec in (r for r in records if r["doc"] == f"{stem}.txt"):
            for label, key in (("Content", "content"), ("Cue", "cue"), ("Source", "source")):
                s = rec[key]
                tid = by_span[(label, s["start"], s["end"])]
                _, frags, _ = ann.entities[tid]
                assert "".join(text[a:b] for a, b in frags) == s["text"].replace("\n", "")
            content = by_span[("Content", rec["content"]["start"], rec["content"]["end"])]
            cue = by_span[("Cue", rec["cue"]["start"], rec["cue"]["end"])]
            source = by_span[("Source", rec["source"]["start"], rec["source"]["end"])]
            assert ("Cue-Content", cue, content) in ann.relations.values()
            assert ("Source-Cue", source, cue) in ann.relations.values()
            assert ("Type", content, rec["type"]) in ann.attributes.values()
            if rec["speaker"]:
                assert ("AnnotatorNotes", content, f"speaker: {rec['speaker']}") in ann.notes.values()
        for name, arg1, arg2 in ann.relations.values():
            first, second = brat.RELATIONS[name]
            assert ann.entities[arg1][0] == first and ann.entities[arg2][0] == second
    # the quote across a line break is written as two fragments
    a_ann = brat.parse_ann((folder / "a.ann").read_text(encoding="utf-8"))
    assert any(len(frags) == 2 for _, frags, _ in a_ann.entities.values())


def test_brat_without_relation_to_cue() -> None:
    text = "بحسب المصدر الاجتماع تأجل"
    rec = {"content": {"start": 12, "end": 25, "text": text[12:25]}, "cue": None,
           "source": {"start": 5, "end": 11, "text": text[5:11]}, "type": "indirect", "status": "accepted",
           "speaker": None}
    ann = brat.parse_ann(brat.ann(text, [rec]))
    assert [r[0] for r in ann.relations.values()] == ["Source-Content"]
    assert not ann.notes


def test_parse_ann_rejects_malformed_lines() -> None:
    with pytest.raises(ValueError, match="line 2"):
        brat.parse_ann("T1\tContent 0 4\tقال\nT2\tCue zero 4\tقال\n")


def test_spacy_docbin_reads_back(built_db: str, db: Database, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / "train.spacy"
    assert export(built_db, "--format", "spacy", "--status", "all", "--out", str(out)) == 0
    register_extensions()
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("ar").vocab))
    texts = document_texts(db)
    records = all_records(built_db, tmp_path)
    assert [d.user_data["annotator_doc"] for d in docs] == ["a.txt", "b.txt"]
    seen = 0
    for doc in docs:
        name = doc.user_data["annotator_doc"]
        assert doc.text == texts[name]
        for rec in (r for r in records if r["doc"] == name):
            for group in ("content", "cue", "source"):
                want = rec[group]
                spans = [s for s in doc.spans[group]
                         if (s._.char_start, s._.char_end) == (want["start"], want["end"])]
                assert len(spans) == 1, (group, want)
                s = spans[0]
                assert doc.text[s._.char_start:s._.char_end] == want["text"]
                assert s.start_char <= want["start"] and want["end"] <= s.end_char  # grown to whole tokens
                assert s.label_ == (rec["type"] if group == "content" else group)
                assert s._.speaker == rec["speaker"] and s._.status == rec["status"]
                seen += 1
    assert seen == 3 * len(records)


@pytest.mark.parametrize("fmt", ["brat", "spacy"])
def test_brat_and_spacy_need_out(built_db: str, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert export(built_db, "--format", fmt) == 3
    assert "--out" in capsys.readouterr().err


def test_brat_never_replaces_a_folder_with_other_files(built_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.md").write_text("keep me", encoding="utf-8")
    assert export(built_db, "--format", "brat", "--out", str(folder)) == 3
    assert [p.name for p in folder.iterdir()] == ["notes.md"]
    # an earlier brat export is replaced as a whole
    old = tmp_path / "old"
    assert export(built_db, "--format", "brat", "--status", "all", "--out", str(old)) == 0
    assert export(built_db, "--format", "brat", "--doc", "a.txt", "--out", str(old)) == 0
    assert sorted(p.name for p in old.iterdir()) == ["a.ann", "a.txt", "annotation.conf"]
    assert not (tmp_path / "old.part").exists() and not (tmp_path / "old.old").exists()


def test_failed_export_keeps_the_previous_file(built_db: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "gold.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    import annotator.commands.export as export_command

    def broken(records: object, fh: object) -> int:
        fh.write("half a line")  # type: ignore[attr-defined]
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_command, "write_jsonl", broken)
    with pytest.raises(RuntimeError):
        export(built_db, "--out", str(out))
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert not (tmp_path / "gold.jsonl.part").exists()


def test_read_records_names_the_bad_line(tmp_path: Path) -> None:
    good = {"doc": "a.txt", "type": "direct", "content": {"start": 0, "end": 3, "text": "قال"}}
    path = tmp_path / "gold.jsonl"
    bad = {**good, "content": {"start": 5, "end": 2}}
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:3: .*content"):
        list(read_records(path))
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:2: not JSON"):
        list(read_records(path))
    gz = tmp_path / "gold.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(good) + "\n")
    assert list(read_records(gz)) == [good]
    with pytest.raises(InputError, match="no such file"):
        list(read_records(tmp_path / "missing.jsonl"))
