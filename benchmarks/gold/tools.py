"""Helpers for the gold attribution files: load documents, build records from exact substrings, check spans.

Offsets in the gold files are never typed by hand. Each gold file is generated from a spec file
(`spec/*.gold.txt`) that names every span by its exact text; `build_records` finds the text in the document
and computes the offsets, and `check_records` asserts `text[start:end] == span["text"]` for every span.

Usage (from the project root):

    .venv/bin/python benchmarks/gold/tools.py select        # print the dev-set selection (seeded)
    .venv/bin/python benchmarks/gold/tools.py show ID       # print a selected dev article (numbered lines)
    .venv/bin/python benchmarks/gold/tools.py review SPEC   # print each record's spans in context
    .venv/bin/python benchmarks/gold/tools.py build         # rebuild the gold JSONL files from the specs
    .venv/bin/python benchmarks/gold/tools.py check         # check the gold JSONL files against the texts

`select` and `show` take `--set dev2`, `--set dev3`, `--set dev4` or `--set dev5` for the second to fifth dev
sets (`select_dev2` … `select_dev5`); `build` and `check` handle seeds, dev, dev2, dev3, dev4 and dev5 (each only
once its spec exists); with `--set` they handle that set only.

Spec format (one file per gold set, UTF-8, values are raw text to the end of the line, no quoting):

    @doc 000_f55f9190e2ec8414.txt          a document (seed file name, or a corpus id after @corpus FILE)
    type: mixed                            starts a record: direct | indirect | mixed
    speaker: كيم جونغ أون                   canonical speaker name
    content: بيونغ يانغ مستعدة "لدعم ...     exact content text
    cue: أبلغ                               exact cue text (omit for no cue)
    source: زعيم كوريا الشمالية كيم جونغ أون   exact source text (omit for no source)
    ctx: ...                               optional: a unique stretch of text holding the cue, the source and
                                           the start of the content
    occ: 1                                 optional: which occurrence of the content (0-based) when it repeats
    cue_occ: / source_occ:                 optional: which occurrence inside the search region
    # ...                                  comment (ignored)

Without `ctx`, the content must occur exactly once in the document (or `occ` picks one), and the cue
and source are looked for in the sentence(s) around the content, outside the content span; each must
occur there exactly once (or `cue_occ`/`source_occ` picks one).
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEEDS_DIR = SHARED / "corpus" / "seeds"
NEWS_DIR = SHARED / "corpus" / "news"
GOLD_DIR = Path(__file__).resolve().parent
SPEC_DIR = GOLD_DIR / "spec"
SEEDS_GOLD = ROOT / "tests" / "data" / "gold" / "seeds.jsonl"
DEV_GOLD = GOLD_DIR / "dev.jsonl"
DEV2_GOLD = GOLD_DIR / "dev2.jsonl"
DEV3_GOLD = GOLD_DIR / "dev3.jsonl"
DEV4_GOLD = GOLD_DIR / "dev4.jsonl"
DEV5_GOLD = GOLD_DIR / "dev5.jsonl"

# The corpus files of the dev set: the JSON field holding the text and the one holding the id.
CORPORA: dict[str, tuple[str, str]] = {
    "ant_multisource_v2.1.jsonl.gz": ("text", "docno"),
    "saudinewsnet.jsonl.gz": ("content", "url"),
    "ant_jawharafm_v1.1.jsonl.gz": ("text", "docno"),
}

# Quotation marks that make a content direct or mixed (the scheme's formal rule).
QUOTE_MARKS = "\"“”«»"
# Pairs accepted around a direct content: "…" “…” ”…“ «…» (and the reversed »…« used by some outlets).
QUOTE_PAIRS = {('"', '"'), ("“", "”"), ("”", "“"), ("«", "»"), ("»", "«"), ("“", "“"), ("”", "”")}

# ---------------------------------------------------------------- documents


def read_seed(name: str) -> str:
    """A seed article's text exactly as ingested (no newline translation)."""
    with open(SEEDS_DIR / name, encoding="utf-8", newline="") as f:
        return f.read()


def iter_corpus(corpus: str) -> Iterator[dict[str, Any]]:
    """The articles of one corpus file, one dict each."""
    with gzip.open(NEWS_DIR / corpus, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def load_corpus_texts(corpus: str, ids: Iterable[str]) -> dict[str, str]:
    """The texts of the given ids in one corpus file; stops reading once all are found."""
    text_field, id_field = CORPORA[corpus]
    wanted = set(ids)
    found: dict[str, str] = {}
    for article in iter_corpus(corpus):
        doc_id = article.get(id_field)
        if doc_id in wanted and doc_id not in found:
            found[doc_id] = article[text_field]
            if len(found) == len(wanted):
                break
    missing = wanted - set(found)
    if missing:
        raise KeyError(f"{corpus}: ids not found: {sorted(missing)}")
    return found


# ---------------------------------------------------------------- dev-set selection

SELECTION_SEED = 7
MAX_WORDS = 600
MIN_WORDS = 40
# 15 from the multi-source corpus (3 per outlet), 8 from SaudiNewsNet, 7 from JawharaFM.
SELECTION_PLAN: list[tuple[str, int]] = [
    ("ant_multisource_v2.1.jsonl.gz", 15),
    ("saudinewsnet.jsonl.gz", 8),
    ("ant_jawharafm_v1.1.jsonl.gz", 7),
]
REPORTING_VERB = re.compile(
    r"(?<![\u0621-\u064a])(?:و|ف)?(?:قال|قالت|أكد|أكدت|أضاف|أضافت|أوضح|أوضحت|أشار|أشارت|صرح|صرحت|"
    r"اعتبر|اعتبرت|أعلن|أعلنت|ذكر|ذكرت|أفاد|أفادت|لفت|لفتت|شدد|شددت)(?![\u0621-\u064a])"
)


def is_candidate(text: str) -> bool:
    """An article the dev set may draw: 40 to 600 words, with a quotation mark or a reporting verb."""
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        return False
    return any(m in text for m in QUOTE_MARKS) or REPORTING_VERB.search(text) is not None


def select_dev(seed: int = SELECTION_SEED) -> list[tuple[str, str]]:
    """The dev set as (corpus file, id) pairs, drawn at random with a fixed seed.

    The multi-source corpus is drawn per outlet (field `src`, outlets in sorted order, the same number
    from each); duplicated texts are drawn once.
    """
    rng = random.Random(seed)
    chosen: list[tuple[str, str]] = []
    for corpus, count in SELECTION_PLAN:
        text_field, id_field = CORPORA[corpus]
        groups: dict[str, list[str]] = {}
        seen_texts: set[str] = set()
        for article in iter_corpus(corpus):
            text = article[text_field]
            if text in seen_texts or not is_candidate(text):
                continue
            seen_texts.add(text)
            group = article.get("src", "") if corpus.startswith("ant_multisource") else ""
            groups.setdefault(group, []).append(article[id_field])
        names = sorted(groups)
        per_group = [count // len(names) + (1 if i < count % len(names) else 0) for i in range(len(names))]
        for name, n in zip(names, per_group, strict=True):
            chosen.extend((corpus, doc_id) for doc_id in rng.sample(sorted(groups[name]), n))
    return chosen


# ---------------------------------------------------------------- dev2 selection

# The second dev set (README.md, "dev2"): stratified like the held-out test set (TEST.md), with its
# eligibility rule (fewer than 600 words; a quotation mark or a reporting verb of TEST.md's regex), and
# excluding every article of dev_docs.txt and test_docs.txt by id and by text.
DEV2_SEED = 20261124
DEV2_PLAN: list[tuple[str, dict[str, int]]] = [
    ("ant_multisource_v2.1.jsonl.gz", {"BBC": 3, "CNN": 3, "alarabia": 3, "france24": 3, "skynews": 2}),
    ("saudinewsnet.jsonl.gz", {"": 11}),
    ("ant_jawharafm_v1.1.jsonl.gz", {"": 10}),
]
# Drawn but passed over, in favour of the next article of the same stratum (README.md, "dev2").
DEV2_PASSED_OVER: frozenset[str] = frozenset()
DEV2_REPORTING_VERB = re.compile(
    r"(?:^|[\s(])(?:[وف])?(?:قال|قالت|يقول|تقول|أكد|أكدت|يؤكد|تؤكد|أضاف|أضافت|يضيف|تضيف|أوضح|أوضحت|يوضح"
    r"|أشار|أشارت|يشير|تشير|أعلن|أعلنت|يعلن|تعلن|صرح|صرحت|ذكر|ذكرت|أفاد|أفادت)(?=[\s،,:])"
)


def is_dev2_candidate(text: str) -> bool:
    """Fewer than 600 words and a quotation mark or a reporting verb (TEST.md's eligibility rule)."""
    if not text.strip() or len(text.split()) >= MAX_WORDS:
        return False
    return any(m in text for m in QUOTE_MARKS) or DEV2_REPORTING_VERB.search(text) is not None


def read_doc_list(path: Path) -> list[str]:
    """The ids of a `*_docs.txt` file (one a line, `#` comments)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def select_dev2(seed: int = DEV2_SEED, reserve: int = 0) -> list[tuple[str, str, str]]:
    """The dev2 articles as (corpus file, stratum, id), in draw order.

    One generator for the whole draw; each stratum's candidate ids (first occurrence of an id) are sorted,
    shuffled and taken in that order, skipping an id of dev_docs.txt/test_docs.txt, a text equal to one of
    theirs or to a text already taken, and the ids of DEV2_PASSED_OVER. `reserve` adds that many further
    articles per stratum (the next ones in draw order), for inspection.
    """
    return _select_stratified(seed, ("dev_docs.txt", "test_docs.txt"), DEV2_PASSED_OVER, reserve)


def _select_stratified(seed: int, excluded_lists: tuple[str, ...], passed_over: frozenset[str],
                       reserve: int = 0, block_seeds: bool = False) -> list[tuple[str, str, str]]:
    """The stratified draw of dev2 and dev3 (DEV2_PLAN): see `select_dev2`.

    `excluded_lists` name the `*_docs.txt` files whose ids (and texts) are skipped; `block_seeds` also skips
    a text equal to a seed article's.
    """
    rng = random.Random(seed)
    excluded = [i for name in excluded_lists for i in read_doc_list(GOLD_DIR / name)]
    by_corpus: dict[str, list[str]] = {}
    for doc_id in excluded:
        by_corpus.setdefault(corpus_of(doc_id), []).append(doc_id)
    blocked = {t.strip() for c, ids in by_corpus.items() for t in load_corpus_texts(c, ids).values()}
    if block_seeds:
        blocked |= {read_seed(p.name).strip() for p in sorted(SEEDS_DIR.glob("*.txt"))}
    excluded_ids = set(excluded)
    chosen: list[tuple[str, str, str]] = []
    for corpus, quotas in DEV2_PLAN:
        text_field, id_field = CORPORA[corpus]
        strata: dict[str, dict[str, str]] = {name: {} for name in quotas}
        for article in iter_corpus(corpus):
            stratum = article.get("src", "") if corpus.startswith("ant_multisource") else ""
            doc_id = article[id_field]
            text = article[text_field] or ""
            if stratum not in strata or doc_id in strata[stratum] or not is_dev2_candidate(text):
                continue
            strata[stratum][doc_id] = text.strip()
        for name, count in quotas.items():
            order = sorted(strata[name])
            rng.shuffle(order)
            picked = 0
            for doc_id in order:
                if picked == count + reserve:
                    break
                text = strata[name][doc_id]
                if doc_id in excluded_ids or text in blocked or doc_id in passed_over:
                    continue
                blocked.add(text)
                chosen.append((corpus, name, doc_id))
                picked += 1
    return chosen


# ---------------------------------------------------------------- dev3 selection

# The third dev set (README.md, "dev3"): drawn exactly like dev2 (same strata, quotas and eligibility), with its
# own seed, excluding every article of dev_docs.txt, dev2_docs.txt and test_docs.txt by id and by text, and any
# text equal to a seed article's.
DEV3_SEED = 20261123
DEV3_PASSED_OVER: frozenset[str] = frozenset()


def select_dev3(seed: int = DEV3_SEED, reserve: int = 0) -> list[tuple[str, str, str]]:
    """The dev3 articles as (corpus file, stratum, id), in draw order (the dev2 draw, `_select_stratified`)."""
    return _select_stratified(seed, ("dev_docs.txt", "dev2_docs.txt", "test_docs.txt"), DEV3_PASSED_OVER,
                              reserve, block_seeds=True)


# ---------------------------------------------------------------- dev4 selection

# The fourth dev set (README.md, "dev4"): drawn exactly like dev3 (same strata, quotas and eligibility), with its
# own seed, excluding every article of dev_docs.txt, dev2_docs.txt, dev3_docs.txt and test_docs.txt by id and by
# text, and any text equal to a seed article's.
DEV4_SEED = 20261125
DEV4_PASSED_OVER: frozenset[str] = frozenset()


def select_dev4(seed: int = DEV4_SEED, reserve: int = 0) -> list[tuple[str, str, str]]:
    """The dev4 articles as (corpus file, stratum, id), in draw order (the dev2 draw, `_select_stratified`)."""
    return _select_stratified(seed, ("dev_docs.txt", "dev2_docs.txt", "dev3_docs.txt", "test_docs.txt"),
                              DEV4_PASSED_OVER, reserve, block_seeds=True)


# ---------------------------------------------------------------- dev5 selection

# The fifth dev set (README.md, "dev5"): drawn exactly like dev4 (same strata, quotas and eligibility), excluding
# every article of dev_docs.txt, dev2_docs.txt, dev3_docs.txt, dev4_docs.txt and test_docs.txt by id and by text,
# and any text equal to a seed article's. The seed is the one given for this set; it equals DEV3_SEED, so each
# stratum is shuffled into dev3's order and dev5 takes the next eligible articles of that order after dev3's
# (and the other sets') articles (README.md, "dev5").
DEV5_SEED = 20261123
DEV5_PASSED_OVER: frozenset[str] = frozenset()


def select_dev5(seed: int = DEV5_SEED, reserve: int = 0) -> list[tuple[str, str, str]]:
    """The dev5 articles as (corpus file, stratum, id), in draw order (the dev2 draw, `_select_stratified`)."""
    return _select_stratified(seed, ("dev_docs.txt", "dev2_docs.txt", "dev3_docs.txt", "dev4_docs.txt",
                                     "test_docs.txt"), DEV5_PASSED_OVER, reserve, block_seeds=True)


# ---------------------------------------------------------------- building records from substrings


class SpecError(ValueError):
    """A spec that does not pin down its spans (absent or ambiguous text)."""


def pattern(sub: str) -> re.Pattern[str]:
    """A regex for `sub` where a run of spaces also matches no-break spaces (invisible in a terminal)."""
    parts = re.split(r"( +)", sub)
    return re.compile("".join("[ \u00a0]+" if p.startswith(" ") else re.escape(p) for p in parts if p))


def occurrences(text: str, sub: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of `sub` in text[lo:hi] (overlapping ones included)."""
    hi = len(text) if hi is None else hi
    rx = pattern(sub)
    out, pos = [], lo
    while (m := rx.search(text, pos, hi)) is not None:
        out.append((m.start(), m.end()))
        pos = m.start() + 1
    return out


def locate(text: str, sub: str, occ: int | None = None, lo: int = 0, hi: int | None = None,
           avoid: tuple[int, int] | None = None, what: str = "span") -> tuple[int, int]:
    """(start, end) of `sub` in text[lo:hi]: the only one (outside `avoid`), or occurrence number `occ`."""
    found = occurrences(text, sub, lo, hi)
    if avoid is not None:
        found = [(s, e) for s, e in found if e <= avoid[0] or s >= avoid[1]]
    if not found:
        raise SpecError(f"{what} not found: {sub!r}")
    if occ is None:
        if len(found) > 1:
            raise SpecError(f"{what} occurs {len(found)} times, give an occurrence index: {sub!r}")
        return found[0]
    if occ >= len(found):
        raise SpecError(f"{what} has only {len(found)} occurrences: {sub!r}")
    return found[occ]


def span(text: str, bounds: tuple[int, int]) -> dict[str, Any]:
    start, end = bounds
    return {"start": start, "end": end, "text": text[start:end]}


SENTENCE_END = re.compile(r"[.!?؟][\"”»“]?(?=\s)|\n")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) around text[start:end]: from the last sentence end before `start` to the first after.

    A sentence ends at a line break or at . ! ? ؟ (with an optional closing quote) before white space.
    """
    lo = 0
    for m in SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    after = SENTENCE_END.search(text, end)
    return lo, len(text) if after is None else after.end()


def make_record(doc: str, text: str, n: int, type_: str, content: str, speaker: str,
                cue: str | None = None, source: str | None = None, ctx: str | None = None,
                occ: int | None = None, cue_occ: int | None = None,
                source_occ: int | None = None) -> dict[str, Any]:
    """One gold record in the export schema, with offsets computed from the exact substrings given."""
    if type_ not in ("direct", "indirect", "mixed"):
        raise SpecError(f"bad type {type_!r}")
    if ctx is not None:
        lo, hi = locate(text, ctx, what="ctx")
        # the content starts inside ctx (it may run past its end)
        c_span = locate(text, content, occ, lo, len(text), what="content")
        if c_span[0] >= hi:
            raise SpecError(f"content does not start inside ctx: {content!r}")
    else:
        c_span = locate(text, content, occ, what="content")
        lo, hi = sentence_bounds(text, *c_span)
    record: dict[str, Any] = {
        "doc": doc,
        "id": f"{doc}#{n}",
        "type": type_,
        "content": span(text, c_span),
        "cue": None,
        "source": None,
        "speaker": speaker,
        "speaker_id": None,
        "status": "accepted",
        "confidence": 1.0,
        "rule": "gold",
        "annotator": "gold",
    }
    if cue:
        record["cue"] = span(text, locate(text, cue, cue_occ, lo, hi, c_span, "cue"))
    if source:
        record["source"] = span(text, locate(text, source, source_occ, lo, hi, c_span, "source"))
    return record


# ---------------------------------------------------------------- spec files


@dataclass
class SpecDoc:
    doc: str
    corpus: str | None  # None for a seed file
    items: list[dict[str, str]] = field(default_factory=list)


KEYS = {"type", "speaker", "content", "cue", "source", "ctx", "occ", "cue_occ", "source_occ"}


def parse_spec(path: Path) -> list[SpecDoc]:
    """Read a spec file (format in the module docstring)."""
    docs: list[SpecDoc] = []
    corpus: str | None = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@corpus "):
            corpus = line.split(None, 1)[1].strip()
            continue
        if line.startswith("@doc "):
            docs.append(SpecDoc(line.split(None, 1)[1].strip(), corpus))
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in KEYS or not docs:
            raise SpecError(f"{path.name}:{lineno}: cannot read {raw!r}")
        if key == "type":
            docs[-1].items.append({})
        if not docs[-1].items:
            raise SpecError(f"{path.name}:{lineno}: a record starts with 'type:'")
        docs[-1].items[-1][key] = value.strip()
    return docs


def spec_texts(docs: list[SpecDoc]) -> dict[str, str]:
    """The text of every document a spec names."""
    texts: dict[str, str] = {}
    by_corpus: dict[str, list[str]] = {}
    for d in docs:
        if d.corpus is None:
            texts[d.doc] = read_seed(d.doc)
        else:
            by_corpus.setdefault(d.corpus, []).append(d.doc)
    for corpus, ids in by_corpus.items():
        texts.update(load_corpus_texts(corpus, ids))
    return texts


def _int(value: str | None) -> int | None:
    return None if value is None else int(value)


def build_records(docs: list[SpecDoc], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Every record of a spec, numbered per document in spec order; errors name the document and record."""
    records: list[dict[str, Any]] = []
    for d in docs:
        for n, item in enumerate(d.items, 1):
            try:
                records.append(make_record(
                    d.doc, texts[d.doc], n, item["type"], item["content"], item["speaker"],
                    item.get("cue"), item.get("source"), item.get("ctx"), _int(item.get("occ")),
                    _int(item.get("cue_occ")), _int(item.get("source_occ"))))
            except (SpecError, KeyError) as e:
                raise SpecError(f"{d.doc} record {n}: {e}") from e
    return records


# ---------------------------------------------------------------- checks


def formal_type(text: str, start: int, end: int) -> str:
    """The type the scheme's formal rule gives a content span.

    direct: the characters just outside the content are a matching pair of quotation marks and the content
    holds no further quote mark that would close it early (a final `.`/`،` may sit before the closing mark,
    and a space between a mark and the content, which a span cannot hold, is skipped);
    mixed: the content holds a quotation mark; indirect: it holds none.
    """
    content = text[start:end]
    while start > 0 and text[start - 1] in " \u00a0":  # `" نص"`: a space inside the opening mark
        start -= 1
    while end < len(text) and text[end] in " \u00a0" and end + 1 < len(text) and text[end + 1] in QUOTE_MARKS:
        end += 1
    before = text[start - 1] if start > 0 else ""
    after_at = end
    while after_at < len(text) and text[after_at] in ".،" and after_at - end < 1:
        after_at += 1
    after = text[after_at] if after_at < len(text) else ""
    if (before, after) in QUOTE_PAIRS:
        return "direct"
    return "mixed" if any(m in content for m in QUOTE_MARKS) else "indirect"


def check_records(records: list[dict[str, Any]], texts: dict[str, str]) -> list[str]:
    """Every problem found: spans that do not match the text, wrong types, duplicate ids, empty speakers."""
    problems: list[str] = []
    seen: set[str] = set()
    for r in records:
        rid = r["id"]
        if rid in seen:
            problems.append(f"{rid}: duplicate id")
        seen.add(rid)
        text = texts[r["doc"]]
        for key in ("content", "cue", "source"):
            s = r[key]
            if s is None:
                continue
            if text[s["start"]:s["end"]] != s["text"] or s["text"] != s["text"].strip() or not s["text"]:
                problems.append(f"{rid}: {key} span does not match the text")
        if r["content"] is None or r["type"] != formal_type(text, r["content"]["start"], r["content"]["end"]):
            problems.append(f"{rid}: type {r['type']} does not follow the quotation-mark rule")
        if not r["speaker"]:
            problems.append(f"{rid}: no speaker")
    return problems


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def gold_texts(records: list[dict[str, Any]], dev: bool) -> dict[str, str]:
    """The texts the records of one gold file refer to (dev ids are looked up in the corpus README table)."""
    docs = sorted({r["doc"] for r in records})
    if not dev:
        return {d: read_seed(d) for d in docs}
    by_corpus: dict[str, list[str]] = {}
    for d in docs:
        by_corpus.setdefault(corpus_of(d), []).append(d)
    texts: dict[str, str] = {}
    for corpus, ids in by_corpus.items():
        texts.update(load_corpus_texts(corpus, ids))
    return texts


def corpus_of(doc_id: str) -> str:
    """The corpus file a dev document id comes from: SaudiNewsNet ids are URLs, JawharaFM ids start JA-."""
    if doc_id.startswith("http"):
        return "saudinewsnet.jsonl.gz"
    if doc_id.startswith("JA-"):
        return "ant_jawharafm_v1.1.jsonl.gz"
    return "ant_multisource_v2.1.jsonl.gz"


# ---------------------------------------------------------------- command line


GOLD_SETS: dict[str, tuple[str, Path, bool]] = {  # set name: (spec, gold file, corpus ids)
    "seeds": ("seeds.gold.txt", SEEDS_GOLD, False),
    "dev": ("dev.gold.txt", DEV_GOLD, True),
    "dev2": ("dev2.gold.txt", DEV2_GOLD, True),
    "dev3": ("dev3.gold.txt", DEV3_GOLD, True),
    "dev4": ("dev4.gold.txt", DEV4_GOLD, True),
    "dev5": ("dev5.gold.txt", DEV5_GOLD, True),
}
# the stratified draws of the later dev sets
SELECTORS = {"dev2": select_dev2, "dev3": select_dev3, "dev4": select_dev4, "dev5": select_dev5}


def _build(only: str | None = None) -> None:
    for name, (spec, out, _) in GOLD_SETS.items():
        if (only is not None and name != only) or not (SPEC_DIR / spec).exists():
            continue
        docs = parse_spec(SPEC_DIR / spec)
        texts = spec_texts(docs)
        records = build_records(docs, texts)
        problems = check_records(records, texts)
        if problems:
            raise SystemExit("\n".join(problems))
        write_jsonl(out, records)
        print(f"{out.relative_to(ROOT)}: {len(docs)} documents, {len(records)} attributions")


def _show(doc_id: str, which: str = "dev") -> None:
    pairs = [(c, i) for c, _, i in SELECTORS[which](reserve=3)] if which in SELECTORS else select_dev()
    for corpus, i in pairs:
        if i == doc_id:
            text = load_corpus_texts(corpus, [i])[i]
            for n, line in enumerate(text.split("\n")):
                print(f"{n:3d}| {line}")
            return
    raise SystemExit(f"not in the selection: {doc_id}")


def _review(spec: str) -> None:
    """Print each record of a spec with a little context around its spans, for checking by eye."""
    docs = parse_spec(SPEC_DIR / spec)
    texts = spec_texts(docs)
    for r in build_records(docs, texts):
        text = texts[r["doc"]]

        def show(s: dict[str, Any] | None, width: int = 6, text: str = text) -> str:
            if s is None:
                return "-"
            body = s["text"] if len(s["text"]) < 40 else s["text"][:18] + "…" + s["text"][-18:]
            before = text[max(0, s["start"] - width):s["start"]].replace("\n", "⏎")
            after = text[s["end"]:s["end"] + width].replace("\n", "⏎")
            return f"{before}[{body}]{after}"

        print(r["id"], r["type"], r["speaker"])
        print("   cue:", show(r["cue"]), " source:", show(r["source"]), " content:", show(r["content"], 3))


def main(argv: list[str]) -> None:
    which: str | None = None
    if "--set" in argv:  # `--set dev` (the default for select and show), `--set dev2` … `dev5`
        i = argv.index("--set")
        which = argv[i + 1] if i + 1 < len(argv) else ""
        if which not in ("dev", *SELECTORS):
            raise SystemExit(f"unknown set: {which!r} (dev, dev2, dev3, dev4 or dev5)")
        argv = argv[:i] + argv[i + 2:]
    command = argv[0] if argv else "check"
    if command == "select" and which in SELECTORS:
        for corpus, stratum, doc_id in SELECTORS[which]():
            print(corpus, stratum or "-", doc_id, sep="\t")
    elif command == "select":
        for corpus, doc_id in select_dev():
            print(corpus, doc_id, sep="\t")
    elif command == "show":
        _show(argv[1], which or "dev")
    elif command == "review":
        _review(argv[1])
    elif command == "build":
        _build(which)
    elif command == "check":
        for name, (_, path, dev) in GOLD_SETS.items():
            if (which is not None and name != which) or (name in SELECTORS and not path.exists()):
                continue
            records = read_jsonl(path)
            problems = check_records(records, gold_texts(records, dev))
            print(f"{path.relative_to(ROOT)}: {len(records)} records, {len(problems)} problems")
            for p in problems:
                print("  " + p)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
