"""End to end with the real Stanza model from ../shared: `annotator run` on the three seed articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.evaluation import evaluate
from tests.conftest import DATA, SEEDS

pytestmark = pytest.mark.model

# Thresholds measured on tests/data/gold/seeds.jsonl (see the closing notes); a drop fails the build.
MIN_CONTENT_F1 = 0.90
MIN_END_TO_END_F1 = 0.80


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    db = tmp_path_factory.mktemp("e2e") / "seeds.db"
    assert main(["--db", str(db), "run", str(SEEDS), "--no-progress"]) == 0
    out = db.with_suffix(".jsonl")
    assert main(["--db", str(db), "export", "--status", "all", "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return db, records


def _text(doc: str) -> str:
    return (SEEDS / doc).read_text(encoding="utf-8")


def test_every_span_indexes_the_original_text(seeded: tuple[Path, list[dict[str, Any]]]) -> None:
    _, records = seeded
    assert len(records) >= 30
    for rec in records:
        text = _text(rec["doc"])
        for key in ("content", "cue", "source"):
            span = rec[key]
            if span is not None:
                assert text[span["start"]:span["end"]] == span["text"]


@pytest.mark.parametrize(
    ("doc", "speaker", "cue", "content_start"),
    [
        ("000_f55f9190e2ec8414.txt", "كيم جونغ أون", "كما أعرب", "إيمانه الراسخ بأن الجيش الروسي"),
        ("004_2518b023ab34b020.txt", "كيم جونغ أون", "وصرّح", "كوريا الشمالية تعرب عن دعمها"),
        ("002_bd26e05b40472e4f.txt", "تشوي سون هوي", "وقالت", "علاقاتنا التقليدية الودية تاريخيا"),
        ("002_bd26e05b40472e4f.txt", "تشوي سون هوي", "وأضافت", "ونؤكد أيضًا أننا حتى يوم النصر"),
        ("002_bd26e05b40472e4f.txt", "ديمتري بيسكوف", "وقال", "ه “ليس لديه ما يضيفه"),
    ],
)
def test_quoted_statements_are_found(seeded: tuple[Path, list[dict[str, Any]]], doc: str, speaker: str, cue: str,
                                     content_start: str) -> None:
    _, records = seeded
    text = _text(doc)
    start = text.index(content_start)
    found = [r for r in records if r["doc"] == doc and r["content"]["start"] == start]
    assert found, f"no attribution starts at {content_start!r}"
    assert found[0]["speaker"] == speaker
    assert found[0]["cue"]["text"] == cue


def test_running_again_adds_nothing(seeded: tuple[Path, list[dict[str, Any]]],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = seeded
    assert main(["--db", str(db), "run", str(SEEDS), "--no-progress", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ingest"]["added"] == 0 and report["ingest"]["duplicates"] == 3
    assert report["propose"]["documents"] == 0


def test_gold_f1_does_not_drop(seeded: tuple[Path, list[dict[str, Any]]], capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = seeded
    gold = DATA / "gold" / "seeds.jsonl"
    assert main(["--db", str(db), "evaluate", "--gold", str(gold), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["content"]["f1"] >= MIN_CONTENT_F1, scores
    assert scores["end_to_end"]["f1"] >= MIN_END_TO_END_F1, scores
    # the same numbers from the pure function
    gold_records = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert evaluate(gold_records, gold_records).end_to_end.f1 == 1.0
