"""The gold attribution files: every span is the document text at its offsets, types follow the scheme's
quotation-mark rule, ids are unique, records have the export schema's fields.

Seeds are read from ../shared/corpus/seeds, dev articles from the corpus files in ../shared/corpus/news
(only the ids the gold file names). This test is independent of benchmarks/gold/tools.py on purpose.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from functools import cache, partial
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SEEDS, SHARED

SEEDS_GOLD = ROOT / "tests" / "data" / "gold" / "seeds.jsonl"
DEV_GOLD = ROOT / "benchmarks" / "gold" / "dev.jsonl"
DEV2_GOLD = ROOT / "benchmarks" / "gold" / "dev2.jsonl"
DEV3_GOLD = ROOT / "benchmarks" / "gold" / "dev3.jsonl"
DEV4_GOLD = ROOT / "benchmarks" / "gold" / "dev4.jsonl"
DEV5_GOLD = ROOT / "benchmarks" / "gold" / "dev5.jsonl"
NEWS = SHARED / "corpus" / "news"

QUOTE_MARKS = set("\"“”«»")
# opening/closing pairs around a direct content: "…" “…” ”…“ «…» (and »…« as some outlets print it)
QUOTE_PAIRS = {('"', '"'), ("“", "”"), ("”", "“"), ("«", "»"), ("»", "«"), ("“", "“"), ("”", "”")}
FIELDS = {"doc", "id", "type", "content", "cue", "source", "speaker", "speaker_id", "status", "confidence",
          "rule", "annotator"}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def corpus_file(doc_id: str) -> tuple[str, str, str]:
    """(corpus file, id field, text field) for a dev document id."""
    if doc_id.startswith("http"):
        return "saudinewsnet.jsonl.gz", "url", "content"
    if doc_id.startswith("JA-"):
        return "ant_jawharafm_v1.1.jsonl.gz", "docno", "text"
    return "ant_multisource_v2.1.jsonl.gz", "docno", "text"


def read_corpus(name: str, id_field: str, text_field: str, ids: Iterable[str]) -> dict[str, str]:
    wanted, found = set(ids), {}
    with gzip.open(NEWS / name, "rt", encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            doc_id = article.get(id_field)
            if doc_id in wanted and doc_id not in found:
                found[doc_id] = article[text_field]
                if len(found) == len(wanted):
                    break
    return found


@cache
def seed_texts() -> dict[str, str]:
    texts = {}
    for path in SEEDS.glob("*.txt"):
        with open(path, encoding="utf-8", newline="") as f:
            texts[path.name] = f.read()
    return texts


@cache
def corpus_texts(path: Path) -> dict[str, str]:
    """The texts of the corpus articles a gold file names (dev, dev2, … dev5), read once per file."""
    return texts_of({r["doc"] for r in read_jsonl(path)})


GOLD = {"seeds": (SEEDS_GOLD, seed_texts), **{
    name: (path, partial(corpus_texts, path))
    for name, path in (("dev", DEV_GOLD), ("dev2", DEV2_GOLD), ("dev3", DEV3_GOLD), ("dev4", DEV4_GOLD),
                       ("dev5", DEV5_GOLD))}}


def expected_type(text: str, start: int, end: int) -> str:
    """The scheme's formal rule: direct when the content sits just inside a pair of quotation marks (a final
    . or ، may come before the closing mark, a space may stand between a mark and the content), mixed when it
    holds a quotation mark, indirect otherwise."""
    while start > 0 and text[start - 1] in " \u00a0":  # a space inside the opening mark (`" نص"`)
        start -= 1
    while end + 1 < len(text) and text[end] in " \u00a0" and text[end + 1] in QUOTE_MARKS:
        end += 1
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if after in ".،" and end + 1 < len(text):
        after = text[end + 1] if text[end + 1] in QUOTE_MARKS else after
    if (before, after) in QUOTE_PAIRS:
        return "direct"
    return "mixed" if QUOTE_MARKS & set(text[start:end]) else "indirect"


@pytest.fixture(params=sorted(GOLD))
def gold(request: pytest.FixtureRequest) -> tuple[list[dict[str, Any]], dict[str, str]]:
    path, texts = GOLD[request.param]
    if not SHARED.exists():
        pytest.fail(f"the shared corpus is missing: {SHARED}")
    return read_jsonl(path), texts()


def test_gold_files_are_not_empty(gold: tuple[list[dict[str, Any]], dict[str, str]]) -> None:
    records, texts = gold
    assert len(records) >= 40
    assert {r["doc"] for r in records} <= set(texts)


def test_every_span_is_the_document_text(gold: tuple[list[dict[str, Any]], dict[str, str]]) -> None:
    records, texts = gold
    for r in records:
        text = texts[r["doc"]]
        for key in ("content", "cue", "source"):
            s = r[key]
            if s is None:
                assert key != "content", r["id"]
                continue
            assert 0 <= s["start"] < s["end"] <= len(text), (r["id"], key)
            assert text[s["start"]:s["end"]] == s["text"], (r["id"], key)
            assert s["text"] == s["text"].strip(), (r["id"], key, "span starts or ends with white space")


def test_cue_and_source_lie_outside_the_content(gold: tuple[list[dict[str, Any]], dict[str, str]]) -> None:
    records, _ = gold
    for r in records:
        c = r["content"]
        for key in ("cue", "source"):
            s = r[key]
            if s is not None:
                assert s["end"] <= c["start"] or s["start"] >= c["end"], (r["id"], key)


def test_types_follow_the_quotation_mark_rule(gold: tuple[list[dict[str, Any]], dict[str, str]]) -> None:
    records, texts = gold
    wrong = [(r["id"], r["type"]) for r in records
             if r["type"] != expected_type(texts[r["doc"]], r["content"]["start"], r["content"]["end"])]
    assert wrong == []


def test_ids_are_unique_and_records_have_the_export_fields(
        gold: tuple[list[dict[str, Any]], dict[str, str]]) -> None:
    records, _ = gold
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert set(r) >= FIELDS, r["id"]
        assert r["id"].startswith(r["doc"] + "#")
        assert r["type"] in ("direct", "indirect", "mixed")
        assert r["speaker"].strip() == r["speaker"] and r["speaker"]
        assert (r["status"], r["rule"], r["annotator"]) == ("accepted", "gold", "gold")


def test_a_bare_quote_has_neither_cue_nor_source_but_a_speaker() -> None:
    """The scheme's continuation case in seed 002: Lavrov's second quote stands alone."""
    records = read_jsonl(SEEDS_GOLD)
    bare = [r for r in records if r["content"]["text"].startswith("لقد أقيمت اتصالات وثيقة")]
    assert len(bare) == 1
    assert bare[0]["cue"] is None and bare[0]["source"] is None
    assert bare[0]["speaker"] == "سيرغي لافروف"


def test_the_type_rule_itself() -> None:
    text = 'وقال: "نحن هنا." وقالت إن البلد "مستعد" للحوار'
    assert expected_type(text, text.index("نحن"), text.index("هنا") + 3) == "direct"
    start = text.index("البلد")
    assert expected_type(text, start, len(text)) == "mixed"
    assert expected_type(text, start, start + 5) == "indirect"
    spaced = 'وقال: " نحن هنا "، وأضاف'  # a space inside the marks (dev3, alriyadh 1071268)
    assert expected_type(spaced, spaced.index("نحن"), spaced.index("هنا") + 3) == "direct"


def doc_ids(name: str) -> set[str]:
    """The ids of a benchmarks/gold/*_docs.txt file."""
    lines = (ROOT / "benchmarks" / "gold" / name).read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_dev2_documents_are_listed_and_apart_from_dev_and_test() -> None:
    """dev2_docs.txt names every document of dev2.jsonl and none of dev_docs.txt or test_docs.txt."""
    dev2 = doc_ids("dev2_docs.txt")
    assert {r["doc"] for r in read_jsonl(DEV2_GOLD)} <= dev2
    assert not dev2 & (doc_ids("dev_docs.txt") | doc_ids("test_docs.txt"))


def texts_of(ids: Iterable[str]) -> dict[str, str]:
    """The corpus texts of the given dev ids."""
    by_corpus: dict[tuple[str, str, str], set[str]] = {}
    for doc_id in ids:
        by_corpus.setdefault(corpus_file(doc_id), set()).add(doc_id)
    found: dict[str, str] = {}
    for (name, id_field, text_field), group in by_corpus.items():
        found.update(read_corpus(name, id_field, text_field, group))
    return found


# Each later dev set is apart from the sets made before it (and from test): (set, gold, earlier sets).
LATER_SETS = [
    ("dev3", DEV3_GOLD, ("dev", "dev2", "test")),
    ("dev4", DEV4_GOLD, ("dev", "dev2", "dev3", "test")),
    ("dev5", DEV5_GOLD, ("dev", "dev2", "dev3", "dev4", "test")),
]


@pytest.mark.parametrize(("name", "gold_path", "earlier"), LATER_SETS)
def test_later_dev_documents_are_listed_and_apart_from_the_earlier_sets(
        name: str, gold_path: Path, earlier: tuple[str, ...]) -> None:
    """<set>_docs.txt names every document of <set>.jsonl (35 in all) and none of the earlier sets."""
    ids = doc_ids(f"{name}_docs.txt")
    assert len(ids) == 35
    assert {r["doc"] for r in read_jsonl(gold_path)} <= ids
    others = set().union(*(doc_ids(f"{e}_docs.txt") for e in earlier))
    assert not ids & others


@pytest.mark.parametrize(("name", "gold_path", "earlier"), LATER_SETS)
def test_later_dev_texts_differ_from_the_seeds_and_the_earlier_sets(
        name: str, gold_path: Path, earlier: tuple[str, ...]) -> None:
    """No article of the set repeats the text of a seed article or of an article of an earlier set."""
    texts = texts_of(doc_ids(f"{name}_docs.txt"))
    assert len(texts) == 35
    others = texts_of(set().union(*(doc_ids(f"{e}_docs.txt") for e in earlier)))
    blocked = {t.strip() for t in others.values()} | {t.strip() for t in seed_texts().values()}
    assert not {t.strip() for t in texts.values()} & blocked
