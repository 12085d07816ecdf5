"""Compare proposed attributions with gold ones (the project's JSONL schema), as the scheme measures them.

A proposal matches a gold attribution when their contents overlap by at least half of the shorter span
(one-to-one, best overlap first); end to end it must also name the same speaker (its canonical name or an
alias of it). Pure functions over plain records: no database here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Record = Mapping[str, Any]
SameSpeaker = Callable[[str | None, str | None], bool]
TYPES = ("direct", "indirect", "mixed")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Match:
    gold: Record
    pred: Record


@dataclass
class Evaluation:
    content: Score = field(default_factory=Score)
    content_exact: Score = field(default_factory=Score)
    end_to_end: Score = field(default_factory=Score)
    by_type: dict[str, Score] = field(default_factory=dict)
    speaker_correct: int = 0
    matched: int = 0
    documents: int = 0
    missed: list[Record] = field(default_factory=list)
    spurious: list[Record] = field(default_factory=list)
    wrong_speaker: list[Match] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.matched if self.matched else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "content": self.content.as_dict(),
            "content_exact": self.content_exact.as_dict(),
            "end_to_end": self.end_to_end.as_dict(),
            "speaker_accuracy": round(self.speaker_accuracy, 4),
            "matched": self.matched,
            "by_type": {t: s.as_dict() for t, s in sorted(self.by_type.items())},
        }


def _span(rec: Record, key: str = "content") -> tuple[int, int]:
    span = rec[key]
    return int(span["start"]), int(span["end"])


def overlap_ok(a: tuple[int, int], b: tuple[int, int]) -> bool:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return inter > 0 and inter * 2 >= shorter


def match(gold: list[Record], pred: list[Record]) -> list[Match]:
    """One-to-one matches within one document, largest overlap first."""
    pairs = []
    for i, g in enumerate(gold):
        gs = _span(g)
        for j, p in enumerate(pred):
            ps = _span(p)
            if overlap_ok(gs, ps):
                pairs.append((min(gs[1], ps[1]) - max(gs[0], ps[0]), i, j))
    pairs.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append(Match(gold[i], pred[j]))
    return out


def exact_name(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.strip() == b.strip()


def _by_doc(records: Iterable[Record]) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        out[str(r["doc"])].append(r)
    return out


def _score(score: Score, gold_n: int, pred_n: int, tp: int) -> None:
    score.tp += tp
    score.fp += pred_n - tp
    score.fn += gold_n - tp


def evaluate(gold: Iterable[Record], pred: Iterable[Record], same_speaker: SameSpeaker = exact_name,
             documents: Iterable[str] = ()) -> Evaluation:
    """Scores over the documents that the gold set covers, plus ``documents`` (annotated documents
    with no attribution: every proposal there is a false positive). Other predictions are ignored."""
    gold_docs = _by_doc(gold)
    for doc in documents:
        gold_docs.setdefault(str(doc), [])
    pred_docs = _by_doc(pred)
    ev = Evaluation(documents=len(gold_docs), by_type={t: Score() for t in TYPES})
    for doc, g in gold_docs.items():
        p = pred_docs.get(doc, [])
        matches = match(g, p)
        _score(ev.content, len(g), len(p), len(matches))
        exact = sum(1 for m in matches if _span(m.gold) == _span(m.pred))
        _score(ev.content_exact, len(g), len(p), exact)
        right = [m for m in matches if same_speaker(m.gold.get("speaker"), m.pred.get("speaker"))]
        _score(ev.end_to_end, len(g), len(p), len(right))
        ev.matched += len(matches)
        ev.speaker_correct += len(right)
        ev.wrong_speaker.extend(m for m in matches if m not in right)
        matched_g = {id(m.gold) for m in matches}
        matched_p = {id(m.pred) for m in matches}
        ev.missed.extend(r for r in g if id(r) not in matched_g)
        ev.spurious.extend(r for r in p if id(r) not in matched_p)
        for t in TYPES:
            gt = [r for r in g if r.get("type") == t]
            pt = [r for r in p if r.get("type") == t]
            _score(ev.by_type[t], len(gt), len(pt), len(match(gt, pt)))
    return ev
