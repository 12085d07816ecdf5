"""A parser for tests only, selected with the environment variable ANNOTATOR_TEST_PARSER.

Not for users: it does not parse Arabic, it cuts text into lines and punctuation-separated words
(every word tagged X, attached to the root). It lets a test run the real command line, worker
processes and database writes in milliseconds, and kill the process in the middle of a run.

``ANNOTATOR_TEST_PARSER=words`` or ``words:SECONDS`` (a pause per text, to make a run last).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from annotator.nlp.types import ParsedDocument, Sentence, Word

ENV_VAR = "ANNOTATOR_TEST_PARSER"
_TOKEN = re.compile(r"\w+|[^\w\s]")
_SENTENCE = re.compile(r"[^\n.!؟?]+[.!؟?]*")


class WordsParser:
    name = "test words parser"

    def __init__(self, pause: float = 0.0) -> None:
        self.pause = pause

    def parse_one(self, text: str) -> ParsedDocument:
        sentences: list[Sentence] = []
        for m in _SENTENCE.finditer(text):
            words = tuple(Word(i + 1, t.group(), t.group(), "X", "", 0, "root" if i == 0 else "dep",
                               m.start() + t.start(), m.start() + t.end())
                          for i, t in enumerate(_TOKEN.finditer(m.group())))
            if words:
                start, end = words[0].start, words[-1].end
                sentences.append(Sentence(len(sentences), start, end, text[start:end], words))
        return ParsedDocument(text, tuple(sentences))

    def parse_many(self, texts: Sequence[str]) -> list[ParsedDocument]:
        out = []
        for t in texts:
            if "\u2620" in t:  # a test's way to make one document fail to parse
                raise ValueError("test parser: poison character")
            if self.pause:
                time.sleep(self.pause)
            out.append(self.parse_one(t))
        return out


def parser_from_spec(spec: str) -> WordsParser:
    kind, _, arg = spec.partition(":")
    if kind != "words":
        raise ValueError(f"{ENV_VAR}: unknown test parser {spec!r} (words or words:SECONDS)")
    return WordsParser(float(arg) if arg else 0.0)
