"""Evaluation: overlap matching (>= half of the shorter span), exact spans, speakers, per type."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.evaluation import evaluate, match, overlap_ok


def rec(doc: str, start: int, end: int, speaker: str | None = "A", kind: str = "direct") -> dict[str, Any]:
    return {"doc": doc, "content": {"start": start, "end": end}, "speaker": speaker, "type": kind}


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [((0, 10), (0, 10), True), ((0, 10), (5, 30), True), ((0, 10), (6, 30), False),
     ((0, 100), (40, 50), True), ((0, 10), (10, 20), False)],
)
def test_overlap_is_half_of_the_shorter(a: tuple[int, int], b: tuple[int, int], ok: bool) -> None:
    assert overlap_ok(a, b) is ok


def test_matching_is_one_to_one_best_overlap_first() -> None:
    gold = [rec("d", 0, 10)]
    pred = [rec("d", 0, 8), rec("d", 0, 10)]
    [m] = match(gold, pred)
    assert m.pred is pred[1]


def test_scores() -> None:
    gold = [rec("d", 0, 10, "A"), rec("d", 20, 30, "B", "indirect"), rec("e", 0, 10, "C")]
    pred = [rec("d", 0, 10, "A"), rec("d", 22, 30, "X", "indirect"), rec("d", 50, 60), rec("other", 0, 5)]
    ev = evaluate(gold, pred)
    assert (ev.content.tp, ev.content.fp, ev.content.fn) == (2, 1, 1)
    assert ev.content_exact.tp == 1
    assert ev.end_to_end.tp == 1
    assert ev.speaker_accuracy == 0.5
    assert ev.by_type["indirect"].tp == 1 and ev.by_type["direct"].fp == 1
    assert round(ev.content.f1, 3) == round(2 * (2 / 3) * (2 / 3) / (4 / 3), 3)
    assert [r["content"]["start"] for r in ev.missed] == [0] and ev.missed[0]["doc"] == "e"


def test_speaker_matcher_is_used() -> None:
    ev = evaluate([rec("d", 0, 10, "Kim Jong Un")], [rec("d", 0, 10, "كيم جونغ أون")],
                  same_speaker=lambda g, p: {g, p} == {"Kim Jong Un", "كيم جونغ أون"})
    assert ev.end_to_end.tp == 1


def test_documents_without_gold_count_false_positives() -> None:
    ev = evaluate([rec("d", 0, 10)], [rec("d", 0, 10), rec("empty", 0, 5)], documents=["empty"])
    assert (ev.content.tp, ev.content.fp, ev.documents) == (1, 1, 2)
