"""The pre-filter (what to parse) and the chunked parser (parse each distinct piece once, offsets kept)."""

from __future__ import annotations

import pytest

from annotator.engine import propose
from annotator.nlp.chunked import ChunkedParser, InProcess
from annotator.nlp.prefilter import may_hold_attribution, select_units, split_units
from annotator.nlp.testing import WordsParser
from annotator.services.bench import count_matches
from tests.conftest import SEEDS

REPORTED = "وقالت الوزيرة إن الاتفاق سيوقع الأسبوع المقبل."
PLAIN = "وتقع المدينة بين نهرين كبيرين في شمال البلاد."


@pytest.mark.parametrize("unit", [
    REPORTED,
    "فأكد المتحدث أن الحكومة لن تتراجع.",  # a clitic on the verb
    "وسيقول الرئيس إن الحرب انتهت.",  # future prefix
    "وأعرب الوزير عن قلقه من التصعيد.",  # prep frame: أعرب عن
    "الاجتماع انتهى دون نتيجة، بحسب مصادر مطلعة.",  # nominal cue
    "«لن نقبل بهذا الاتفاق أبدا»، قال الوزير.",  # a quote opens the sentence
    "وزير الخارجية: الحوار هو الطريق الوحيد للحل",  # speaker: statement
    "وأضاف: “سنواصل العمل”.",
])
def test_units_that_can_hold_an_attribution(unit: str) -> None:
    assert may_hold_attribution(unit)


@pytest.mark.parametrize("unit", [
    PLAIN,  # بين is "between" here: no complementizer, quote or preposition follows
    "ارتفعت أسعار النفط في الأسواق العالمية اليوم.",
    "قال",  # a cue with nothing after it cannot have content
    "الساعة 10:30 صباحا في المدينة",  # a colon with digits before it is a time, not a speaker
])
def test_units_that_cannot(unit: str) -> None:
    assert not may_hold_attribution(unit)


def test_units_keep_document_offsets() -> None:
    text = f"  {PLAIN} {REPORTED}\n\n{PLAIN}\r\n  {REPORTED}  "
    units = split_units(text)
    assert [text[a:b] for a, b in units] == [PLAIN, REPORTED, PLAIN, REPORTED]
    assert [text[a:b] for a, b in select_units(text)] == [REPORTED, REPORTED]
    assert [text[a:b] for a, b in select_units(text, "line")] == [f"{PLAIN} {REPORTED}", REPORTED]


def test_abbreviation_does_not_split_a_sentence() -> None:
    text = "وقال د. محمد علي إن النتائج مشجعة."
    assert split_units(text) == [(0, len(text))]


class Counting(WordsParser):
    """Records which texts were parsed whole and which only tagged."""

    def __init__(self) -> None:
        super().__init__()
        self.parsed: list[str] = []
        self.tagged: list[str] = []

    def parse_many(self, texts):  # type: ignore[no-untyped-def]
        self.parsed.extend(texts)
        return super().parse_many(texts)

    def tag_many(self, texts):  # type: ignore[no-untyped-def]
        self.tagged.extend(texts)
        return super().parse_many(texts)


def test_chunked_parse_shifts_offsets_and_numbers_sentences() -> None:
    text = f"{PLAIN}\n{REPORTED} {PLAIN}\n«هذا يوم مهم جدا للبلاد»، قال الوزير."
    base = Counting()
    [doc] = ChunkedParser(InProcess(base)).parse_many([text])
    assert doc.text == text
    assert [s.index for s in doc.sentences] == list(range(len(doc.sentences)))
    for s in doc.sentences:
        assert s.text == text[s.start:s.end]
        assert all(text[w.start:w.end] == w.text for w in s.words)
    assert [s.text for s in doc.sentences] == [PLAIN, REPORTED, PLAIN, "«هذا يوم مهم جدا للبلاد»، قال الوزير."]
    # Only the sentences with a cue get the whole pipeline; the others are tagged (names for the engine).
    assert base.tagged == [PLAIN]
    assert base.parsed == [REPORTED, "«هذا يوم مهم جدا للبلاد»، قال الوزير."]


def test_each_distinct_unit_is_parsed_once() -> None:
    base = Counting()
    parser = ChunkedParser(InProcess(base))
    other = "وأكد المتحدث أن المفاوضات مستمرة."
    docs = parser.parse_many([f"{REPORTED}\n{other}", f"{other}\n{REPORTED}", REPORTED])
    parser.parse_many([f"{REPORTED} {PLAIN}"])
    assert sorted(base.parsed) == sorted([REPORTED, other])  # four documents, two distinct units parsed
    assert base.tagged == [PLAIN]
    assert parser.stats.parsed == 2 and parser.stats.tagged == 1 and parser.stats.cached == 4
    assert [len(d.sentences) for d in docs] == [2, 2, 1]


def test_mode_all_is_the_whole_document() -> None:
    text = f"{PLAIN}\n{REPORTED}"
    [chunked] = ChunkedParser(InProcess(WordsParser()), mode="all").parse_many([text])
    assert chunked == WordsParser().parse_one(text)


def test_failed_batch_can_be_retried_document_by_document() -> None:
    parser = ChunkedParser(InProcess(WordsParser()))
    other = "وأكد المتحدث أن المفاوضات مستمرة."
    poison = "وقال المتحدث إن \u2620 خطأ."
    with pytest.raises(ValueError):
        parser.parse_many([REPORTED, poison, other])
    for good in (REPORTED, other):  # the good units of the failed batch are parsed again
        [doc] = parser.parse_many([good])
        assert len(doc.sentences) == 1
    with pytest.raises(ValueError):
        parser.parse_many([poison])


@pytest.mark.model
def test_filtered_parse_gives_the_same_proposals_on_the_seeds(stanza_parser) -> None:  # type: ignore[no-untyped-def]
    """The real model: the engine on the pre-filtered parse proposes what it proposes on the full parse."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    full = stanza_parser.parse_many(texts)
    filtered = ChunkedParser(InProcess(stanza_parser)).parse_many(texts)
    for a, b in zip(full, filtered, strict=True):
        pa = [(p.content.start, p.content.end, p.speaker) for p in propose(a).proposals]
        pb = [(p.content.start, p.content.end, p.speaker) for p in propose(b).proposals]
        assert pa
        assert count_matches(pa, pb) >= len(pa) - 1  # at most one difference per article
        # Sentences without a cue are only tokenized and tagged (no tree: relation "dep"): fewer words parsed.
        assert parsed_words(b) < parsed_words(a)


def parsed_words(doc) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for s in doc.sentences for w in s.words if w.deprel != "dep")


def test_one_bad_document_fails_alone(db) -> None:  # type: ignore[no-untyped-def]
    from annotator.ingest import Article
    from annotator.services.documents import store_articles
    from annotator.services.propose import propose_documents

    texts = {"a": REPORTED, "bad": "وقال المتحدث إن \u2620 خطأ.", "c": "وأكد المتحدث أن المفاوضات مستمرة."}
    store_articles(db, [Article(name=n, text=t, source_path=n) for n, t in texts.items()])
    stats = propose_documents(db, ChunkedParser(InProcess(WordsParser())), batch_size=3)
    assert stats.documents == 2 and [name for name, _ in stats.failed] == ["bad"]
