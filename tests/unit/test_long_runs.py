"""Long runs (issue 5): memory that stays flat, and a progress bar that counts what the summary counts.

No model: the test parser of annotator.nlp.testing stands in for Stanza.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.nlp.chunked import ChunkedParser, InProcess
from annotator.nlp.testing import WordsParser
from annotator.nlp.types import ParsedDocument, Word

CUE = "وقال المتحدث باسم الوزارة رقم {n} إن الاجتماع المقبل سيعقد في العاصمة."  # the pre-filter parses it
PLAIN = "وتقع المدينة رقم {n} بين نهرين كبيرين في شمال البلاد."  # only tagged


class Counting(WordsParser):
    """Records every text it is asked to parse or tag."""

    def __init__(self) -> None:
        super().__init__()
        self.parsed: list[str] = []
        self.tagged: list[str] = []

    def parse_many(self, texts: Sequence[str]) -> list[ParsedDocument]:
        self.parsed.extend(texts)
        return super().parse_many(texts)

    def tag_many(self, texts: Sequence[str]) -> list[ParsedDocument]:
        self.tagged.extend(texts)
        return super().parse_many(texts)


def live_words() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Word)


def test_parser_keeps_no_parsed_words_in_memory_between_documents() -> None:
    """The unit cache held every distinct unit's parse as Python objects: about 1 GB on JawharaFM."""
    parser = ChunkedParser(InProcess(WordsParser()))
    before = live_words()
    for batch in range(20):
        numbers = range(25 * batch, 25 * (batch + 1))
        docs = parser.parse_many([f"{CUE.format(n=k)}\n{PLAIN.format(n=k)}" for k in numbers])
        assert sum(len(s.words) for d in docs for s in d.sentences) > 0
        del docs
    assert len(parser.cache) == 1000  # 500 documents, 1,000 distinct units, all still known
    assert live_words() - before < 50  # none of their ~13,000 words is kept as an object
    assert parser.cache.bytes < 1000 * 400  # the compact form: a few hundred bytes per unit
    parser.close()


def test_a_repeated_text_is_never_parsed_twice_however_long_the_run() -> None:
    base = Counting()
    parser = ChunkedParser(InProcess(base))
    first_cue, first_plain = CUE.format(n="أول"), PLAIN.format(n="أول")
    [first] = parser.parse_many([f"{first_cue}\n{first_plain}"])
    for batch in range(40):  # 2,000 distinct units in between
        parser.parse_many([f"{CUE.format(n=k)} {PLAIN.format(n=k)}" for k in range(batch * 25, batch * 25 + 25)])
    # The same units again, in another document and at other offsets, twice in one batch, beside a new one.
    again = f"عنوان\n{first_plain}\n{first_cue}"
    docs = parser.parse_many([again, again, f"{first_cue}\n{CUE.format(n='جديد')}"])
    assert base.parsed.count(first_cue) == 1 and base.tagged.count(first_plain) == 1
    assert len(base.parsed) == len(set(base.parsed)) and len(base.tagged) == len(set(base.tagged))
    assert base.parsed[-1] == CUE.format(n="جديد")
    # A stored parse comes back as it was parsed, moved to where the unit lies in the new document.
    for doc in docs[:2]:
        assert doc.text == again
        for s in doc.sentences:
            assert s.text == again[s.start:s.end] and all(again[w.start:w.end] == w.text for w in s.words)
        assert [s.text for s in doc.sentences] == ["عنوان", first_plain, first_cue]
        assert [[(w.text, w.head, w.deprel) for w in s.words] for s in doc.sentences[1:]] == \
            [[(w.text, w.head, w.deprel) for w in s.words] for s in reversed(first.sentences)]
    assert docs[0] == docs[1]


def test_a_unit_twice_in_one_batch_is_sent_once() -> None:
    base = Counting()
    parser = ChunkedParser(InProcess(base))
    plain = PLAIN.format(n=1)
    parser.parse_many([plain, plain])
    assert base.tagged == [plain] and base.parsed == []
    assert parser.stats.tagged == 1 and parser.stats.cached == 1


@contextmanager
def captured_bar(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What the progress bar shows, even when stderr is not a terminal."""
    import annotator.commands.propose as propose_command

    shown: list[str] = []

    @contextmanager
    def bar(description: str, total: int | None, *, enabled: bool = True) -> Iterator[Any]:
        yield lambda advance=1, rate="": shown.append(rate)

    monkeypatch.setattr(propose_command, "progress_bar", bar)
    yield shown


def write_corpus(tmp_path: Path, texts: dict[str, str]) -> Path:
    """A folder of text files, one per (name, text)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def test_progress_bar_and_summary_count_the_same_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The bar showed whitespace words and the summary Stanza's words: 686 against 889 words/s."""
    monkeypatch.setenv("ANNOTATOR_TEST_PARSER", "words")
    # Punctuation and «» make the parser's words outnumber the whitespace words; one document fails.
    texts = {f"a{k}.txt": f"{CUE.format(n=k)}\n«{PLAIN.format(n=k)}»، قال: نعم." for k in range(5)}
    texts["bad.txt"] = "وقال المتحدث إن \u2620 خطأ كبير."
    corpus = write_corpus(tmp_path, texts)
    with captured_bar(monkeypatch) as shown:
        code = main(["--db", str(tmp_path / "x.db"), "run", str(corpus), "--workers", "0"])
    out = capsys.readouterr().out
    assert code == 3  # the bad document
    summary = next(line for line in out.splitlines() if "documents parsed" in line)
    on_bar = int(shown[-1].split(" words, ")[0].replace(",", ""))
    in_summary = int(summary.split(" sentences, ")[1].split(" words, ")[0].replace(",", ""))
    assert on_bar == in_summary  # the same words: whitespace words of the documents stored
    good = sum(len(t.split()) for n, t in texts.items() if n != "bad.txt")
    assert in_summary == good and summary.startswith("5 documents parsed (")  # not the failed one's words
    assert "words: whitespace-separated words of the documents parsed, as on the progress bar" in out


def test_rules_only_rerun_counts_the_words_it_went_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`annotator propose --rules-only` prints the same summary as a run, over the stored parses."""
    monkeypatch.setenv("ANNOTATOR_TEST_PARSER", "words")
    texts = {f"a{k}.txt": f"{CUE.format(n=k)}\n{PLAIN.format(n=k)}" for k in range(3)}
    corpus = write_corpus(tmp_path, texts)
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "run", str(corpus), "--workers", "0"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "propose", "--rules-only"]) == 0
    summary = next(line for line in capsys.readouterr().out.splitlines() if "documents parsed" in line)
    words = sum(len(t.split()) for t in texts.values())
    assert summary.startswith(f"3 documents parsed (6 sentences, {words:,} words, ")  # not "0 words"


def test_a_rerun_with_nothing_left_prints_no_words_footnote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Running again over a corpus already stored parses nothing: one summary line, no word note."""
    monkeypatch.setenv("ANNOTATOR_TEST_PARSER", "words")
    corpus = write_corpus(tmp_path, {"a.txt": f"{CUE.format(n=1)}\n{PLAIN.format(n=1)}"})
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "run", str(corpus), "--workers", "0"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "run", str(corpus), "--workers", "0"]) == 0
    out = capsys.readouterr().out
    assert "0 documents parsed (0 sentences, 0 words, 0 words/s), 0 attributions proposed" in out
    assert "whitespace-separated" not in out
