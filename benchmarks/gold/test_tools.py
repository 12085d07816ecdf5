"""Tools for the held-out TEST gold set (benchmarks/gold/test.jsonl).

Three jobs, all independent of the attribution engine:

* ``select``: pick the 25 test articles from ../shared/corpus/news with a fixed seed.
* ``build``: turn a hand-written spec (the record fields with span *texts* but no offsets) into
  export-schema records, computing every offset from an exact substring of the article text.
* ``check``: verify a gold file against the corpus (span text == document_text[start:end], types
  agree with the scheme's quote-mark rule, ids unique, speakers non-empty).

Usage (from the project root)::

    .venv/bin/python benchmarks/gold/test_tools.py select
    .venv/bin/python benchmarks/gold/test_tools.py show DOC_ID
    .venv/bin/python benchmarks/gold/test_tools.py build SPEC.jsonl benchmarks/gold/test.jsonl
    .venv/bin/python benchmarks/gold/test_tools.py check benchmarks/gold/test.jsonl
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT.parent / "shared" / "corpus" / "news"
DEV = ROOT / "benchmarks" / "gold" / "dev.jsonl"
SEED = 20261123
MAX_WORDS = 600


@dataclass(frozen=True)
class Corpus:
    file: str
    id_field: str
    text_field: str


CORPORA = {
    "multisource": Corpus("ant_multisource_v2.1.jsonl.gz", "docno", "text"),
    "saudinewsnet": Corpus("saudinewsnet.jsonl.gz", "url", "content"),
    "jawharafm": Corpus("ant_jawharafm_v1.1.jsonl.gz", "docno", "text"),
}

# How many articles each corpus gives; multisource is spread over its five outlets (field ``src``).
QUOTAS: dict[str, dict[str | None, int]] = {
    "multisource": {"skynews": 3, "alarabia": 3, "france24": 2, "BBC": 2, "CNN": 2},
    "saudinewsnet": {None: 7},
    "jawharafm": {None: 6},
}

QUOTE_MARKS = "\"“”«»"
OPENING = "\"“”«"
CLOSING = "\"“”»"
# Reporting verbs with the clitics news prose puts on them (و، ف، كما) and past/present/fem forms.
REPORTING_VERB = re.compile(
    r"(?:^|[\s(])(?:[وف])?(?:قال|قالت|يقول|تقول|أكد|أكدت|يؤكد|تؤكد|أضاف|أضافت|يضيف|تضيف|أوضح|أوضحت|يوضح"
    r"|أشار|أشارت|يشير|تشير|أعلن|أعلنت|يعلن|تعلن|صرح|صرحت|ذكر|ذكرت|أفاد|أفادت)(?=[\s،,:])"
)


def load_articles(corpus: str) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of one corpus file, in file order."""
    with gzip.open(NEWS / CORPORA[corpus].file, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def article_text(corpus: str, article: dict[str, Any]) -> str:
    return str(article[CORPORA[corpus].text_field] or "")


def article_id(corpus: str, article: dict[str, Any]) -> str:
    return str(article[CORPORA[corpus].id_field])


def is_eligible(text: str) -> bool:
    """Under MAX_WORDS words and at least one quotation mark or reporting verb."""
    if not text.strip() or len(text.split()) >= MAX_WORDS:
        return False
    return any(m in text for m in QUOTE_MARKS) or REPORTING_VERB.search(text) is not None


def dev_doc_ids(path: Path = DEV) -> set[str]:
    """Article ids used by the dev set (empty when the dev file does not exist yet)."""
    if not path.exists():
        return set()
    return {json.loads(line)["doc"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def text_digest(text: str) -> str:
    """Identity of an article's text: saudinewsnet holds the same text under several urls."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()


def candidates(corpus: str) -> tuple[dict[str | None, list[str]], dict[str, str]]:
    """Eligible article ids per stratum (outlet or None), sorted, first occurrence of an id only;
    and the text digest of each of them."""
    strata: dict[str | None, list[str]] = {key: [] for key in QUOTAS[corpus]}
    digests: dict[str, str] = {}
    for art in load_articles(corpus):
        doc_id = article_id(corpus, art)
        stratum = art.get("src") if None not in strata else None
        text = article_text(corpus, art)
        if doc_id in digests or stratum not in strata or not is_eligible(text):
            continue
        digests[doc_id] = text_digest(text)
        strata[stratum].append(doc_id)
    return {key: sorted(ids) for key, ids in strata.items()}, digests


def select(seed: int = SEED, exclude: Iterable[str] = ()) -> list[tuple[str, str | None, str]]:
    """(corpus, stratum, id) for the test articles: a seeded shuffle of each stratum, skipping excluded ids.

    An article is skipped when its id or its text is excluded (the dev set's articles) or its text
    was already chosen. The shuffle order is fixed by the seed, so a skip only brings in the next
    article of the same stratum; the others stay the same.
    """
    rng = random.Random(seed)
    excluded_ids = set(exclude)
    blocked = {text_digest(t) for t in load_texts(excluded_ids).values()}
    chosen: list[tuple[str, str | None, str]] = []
    for corpus in ("multisource", "saudinewsnet", "jawharafm"):
        strata, digests = candidates(corpus)
        for stratum, ids in strata.items():
            order = list(ids)
            rng.shuffle(order)
            picked = 0
            for doc_id in order:
                if picked == QUOTAS[corpus][stratum]:
                    break
                if doc_id in excluded_ids or digests[doc_id] in blocked:
                    continue
                blocked.add(digests[doc_id])
                chosen.append((corpus, stratum, doc_id))
                picked += 1
    return chosen


def load_texts(doc_ids: Iterable[str]) -> dict[str, str]:
    """Text of each wanted article id, read from whichever corpus holds it."""
    wanted = set(doc_ids)
    texts: dict[str, str] = {}
    if not wanted:
        return texts
    for corpus in CORPORA:
        for art in load_articles(corpus):
            doc_id = article_id(corpus, art)
            if doc_id in wanted and doc_id not in texts:
                texts[doc_id] = article_text(corpus, art)
        if len(texts) == len(wanted):
            break
    return texts


# --- spec -> records -------------------------------------------------------------------------------


class SpecError(ValueError):
    pass


def find_all(text: str, sub: str, whole_words: bool = False) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of ``sub``; a space in ``sub`` matches any run of whitespace.

    Articles hold no-break spaces and doubled spaces that a spec typed by hand cannot show; the
    records always take their text from the article, so this only widens the search.
    """
    body = r"\s+".join(re.escape(part) for part in sub.split())
    pattern = re.compile(rf"(?<!\w){body}(?!\w)" if whole_words else body)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def locate_content(text: str, sub: str, after: str | None) -> tuple[int, int]:
    """Span of ``sub``: the first occurrence at or after the anchor ``after`` (or the only one)."""
    hits = find_all(text, sub)
    if not hits:
        raise SpecError(f"content not found: {sub[:60]!r}")
    if after is not None:
        anchors = find_all(text, after)
        if not anchors:
            raise SpecError(f"anchor not found: {after!r}")
        hits = [h for h in hits if h[0] >= anchors[0][0]]
        if not hits:
            raise SpecError(f"content not after anchor: {sub[:60]!r}")
        return hits[0]
    if len(hits) > 1:
        raise SpecError(f"content occurs {len(hits)} times, give 'after': {sub[:60]!r}")
    return hits[0]


def locate_near(text: str, sub: str, start: int, end: int, tail: bool) -> tuple[int, int]:
    """Whole-word occurrence of a cue/source nearest to the content span.

    Cues and sources come before their content (``قال X إن …``), except in trailing tags
    (``…، حسبما أفادت وكالة …``), marked ``"tail": true`` in the spec: then the nearest one after it.
    """
    hits = find_all(text, sub, whole_words=True)
    before = [h for h in hits if h[1] <= start]
    after = [h for h in hits if h[0] >= end]
    if tail and after:
        return after[0]
    if before:
        return before[-1]
    if after:
        return after[0]
    raise SpecError(f"span not found outside the content: {sub!r}")


def span(text: str, bounds: tuple[int, int]) -> dict[str, Any]:
    return {"start": bounds[0], "end": bounds[1], "text": text[bounds[0]:bounds[1]]}


def build_records(spec: list[dict[str, Any]], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Export-schema records from spec rows {doc, type, content, cue, source, speaker, after?, tail?}."""
    records: list[dict[str, Any]] = []
    errors: list[str] = []
    for row in spec:
        try:
            records.append(build_record(row, texts[row["doc"]]))
        except SpecError as err:
            errors.append(f"{row['doc']}: {err}")
    if errors:
        raise SpecError("\n".join(errors))
    records.sort(key=lambda r: (r["doc"], r["content"]["start"]))
    counters: dict[str, int] = {}
    for r in records:  # number attributions in reading order
        counters[r["doc"]] = counters.get(r["doc"], 0) + 1
        r["id"] = f"{r['doc']}#{counters[r['doc']]}"
    return records


def build_record(row: dict[str, Any], text: str) -> dict[str, Any]:
    content = locate_content(text, row["content"], row.get("after"))
    spans: dict[str, dict[str, Any] | None] = {}
    for field in ("cue", "source"):
        sub = row.get(field)
        if sub:
            spans[field] = span(text, locate_near(text, sub, *content, tail=bool(row.get("tail"))))
        else:
            spans[field] = None
    return {
        "doc": row["doc"], "id": "", "type": row["type"], "content": span(text, content),
        "cue": spans["cue"], "source": spans["source"], "speaker": row["speaker"], "speaker_id": None,
        "status": "accepted", "confidence": 1.0, "rule": "gold", "annotator": "gold",
    }


# --- checker ---------------------------------------------------------------------------------------


def balanced(fragment: str) -> bool:
    """Every quotation mark in ``fragment`` is paired inside it (" with ", « with », “ or ” with either)."""
    curly = fragment.count("“") + fragment.count("”")
    return fragment.count('"') % 2 == 0 and curly % 2 == 0 and fragment.count("«") == fragment.count("»")


def expected_type(text: str, start: int, end: int) -> str:
    """The scheme's formal rule, decided by quotation marks only.

    direct: the content starts right after an opening mark and holds no unpaired mark (the closing
    mark may be missing: news has unbalanced quotes); mixed: a mark inside the content otherwise;
    indirect: no mark in the content.
    """
    content = text[start:end]
    before = text[:start].rstrip(" \u00a0")
    if before and before[-1] in OPENING and balanced(content):
        return "direct"
    return "mixed" if any(m in content for m in QUOTE_MARKS) else "indirect"


def check_records(records: list[dict[str, Any]], texts: dict[str, str]) -> list[str]:
    """Problems found in a gold file; empty when it is consistent."""
    problems: list[str] = []
    ids = [r["id"] for r in records]
    problems += [f"duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for r in records:
        text = texts.get(r["doc"])
        if text is None:
            problems.append(f"{r['id']}: document not found in the corpus")
            continue
        for field in ("content", "cue", "source"):
            sp = r.get(field)
            if sp is not None and text[sp["start"]:sp["end"]] != sp["text"]:
                problems.append(f"{r['id']}: {field} text differs from document_text[start:end]")
        c = r["content"]
        if not c["text"].strip() or c["text"] != c["text"].strip():
            problems.append(f"{r['id']}: content empty or with outer spaces")
        if r["type"] != expected_type(text, c["start"], c["end"]):
            problems.append(f"{r['id']}: type {r['type']} but quote marks say "
                            f"{expected_type(text, c['start'], c['end'])}")
        if r["type"] == "direct" and c["text"].endswith((".", "،")):
            problems.append(f"{r['id']}: direct content ends with a period or comma")
        if not r.get("speaker"):
            problems.append(f"{r['id']}: no speaker")
        if r["cue"] is None and r["source"] is not None and r["type"] != "indirect":
            problems.append(f"{r['id']}: source without cue outside a colon headline")
    return problems


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main(argv: list[str]) -> int:
    cmd, args = argv[0], argv[1:]
    if cmd == "select":
        for corpus, stratum, doc_id in select(exclude=dev_doc_ids()):
            print(corpus, stratum or "-", doc_id, sep="\t")
    elif cmd == "show":
        for doc_id, text in load_texts(args).items():
            print(f"=== {doc_id} ({len(text.split())} words)\n{text}\n")
    elif cmd == "build":
        spec = read_jsonl(Path(args[0]))
        records = build_records(spec, load_texts(r["doc"] for r in spec))
        write_jsonl(Path(args[1]), records)
        print(f"{len(records)} records")
    elif cmd == "check":
        records = read_jsonl(Path(args[0]))
        problems = check_records(records, load_texts(r["doc"] for r in records))
        print("\n".join(problems) or f"OK: {len(records)} records")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
