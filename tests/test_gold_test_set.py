"""The held-out TEST gold set (benchmarks/gold/test.jsonl) is consistent with the corpus and the scheme.

Reads the article texts from ../shared/corpus/news (never copied into the repo); a few seconds.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "gold" / "test.jsonl"
NEWS = ROOT.parent / "shared" / "corpus" / "news"


def load_tools() -> ModuleType:
    path = ROOT / "benchmarks" / "gold" / "test_tools.py"
    spec = importlib.util.spec_from_file_location("gold_test_tools", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


tools = load_tools()


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def texts(records: list[dict[str, Any]]) -> dict[str, str]:
    if not NEWS.exists():
        pytest.skip("../shared/corpus/news is not available")
    return tools.load_texts({r["doc"] for r in records})  # type: ignore[no-any-return]


def test_every_document_is_found(records: list[dict[str, Any]], texts: dict[str, str]) -> None:
    assert {r["doc"] for r in records} <= set(texts)


def test_spans_types_ids_are_consistent(records: list[dict[str, Any]], texts: dict[str, str]) -> None:
    assert tools.check_records(records, texts) == []


def test_spans_equal_document_slices(records: list[dict[str, Any]], texts: dict[str, str]) -> None:
    for r in records:
        for field in ("content", "cue", "source"):
            span = r[field]
            if span is not None:
                assert texts[r["doc"]][span["start"]:span["end"]] == span["text"], (r["id"], field)


def test_ids_unique_and_record_shape(records: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert r["id"].startswith(r["doc"] + "#")
        assert r["type"] in {"direct", "indirect", "mixed"}
        assert (r["status"], r["rule"], r["annotator"], r["confidence"]) == ("accepted", "gold", "gold", 1.0)
        assert r["speaker"] and r["speaker_id"] is None


def test_type_follows_quote_marks(records: list[dict[str, Any]], texts: dict[str, str]) -> None:
    for r in records:
        c = r["content"]
        assert r["type"] == tools.expected_type(texts[r["doc"]], c["start"], c["end"]), r["id"]


def test_checker_catches_a_shifted_span(records: list[dict[str, Any]], texts: dict[str, str]) -> None:
    broken = copy.deepcopy(records[:1])
    broken[0]["content"]["start"] += 1
    assert any("content text differs" in p for p in tools.check_records(broken, texts))


def test_checker_catches_a_wrong_type(records: list[dict[str, Any]], texts: dict[str, str]) -> None:
    broken = copy.deepcopy([r for r in records if r["type"] == "direct"][:1])
    broken[0]["type"] = "indirect"
    assert any("quote marks say direct" in p for p in tools.check_records(broken, texts))


@pytest.mark.parametrize(
    ("text", "content", "expected"),
    [
        ('وقال "لا ننوي سحب القوات".', "لا ننوي سحب القوات", "direct"),
        ("وقالت: «هذا شيء سخيف»", "هذا شيء سخيف", "direct"),
        ('وقال إن "تونس ضد الحلول العسكرية مطالبا', "تونس ضد الحلول العسكرية", "direct"),  # never closed
        ('أن الاتفاقية "تبحث بكافة الفرص" في المملكة', 'الاتفاقية "تبحث بكافة الفرص" في المملكة', "mixed"),
        ('أن "العمليات انتهت" في سوريا', '"العمليات انتهت" في سوريا', "mixed"),
        ("وقال إنه حدد موعد لقائه", "ه حدد موعد لقائه", "indirect"),
    ],
)
def test_formal_quote_mark_rule(text: str, content: str, expected: str) -> None:
    start = text.index(content)
    assert tools.expected_type(text, start, start + len(content)) == expected


def test_spans_are_found_from_exact_substrings() -> None:
    text = 'وقال ترمب إنه حدد موعدا. وقال ترمب "لدينا الآن موعد".'
    row = {"doc": "d", "type": "direct", "content": "لدينا الآن موعد", "cue": "وقال", "source": "ترمب",
           "speaker": "دونالد ترامب"}
    [record] = tools.build_records([row], {"d": text})
    assert record["cue"]["start"] == text.rindex("وقال")  # the cue nearest before the content
    assert record["source"]["start"] == text.rindex("ترمب")
    assert tools.check_records([record], {"d": text}) == []
    with pytest.raises(tools.SpecError):
        tools.build_records([{**row, "content": "غير موجود"}], {"d": text})
