"""Per-document facts the rules share: the text, the quotes, the lexicon."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.engine.quotes import Quote, find_quotes
from annotator.lang.ar import Lexicon, lexicon
from annotator.lang.ar.normalize import name_key, normalize
from annotator.nlp.types import ParsedDocument, Sentence


@dataclass
class DocContext:
    doc: ParsedDocument
    lex: Lexicon = field(default_factory=lexicon)
    quotes: list[Quote] = field(default_factory=list)
    # name_key of every word of every known speaker name or alias: a surface word that is a known
    # name is one word even when the tokenizer split a clitic-like letter off it (لافروف).
    known_words: frozenset[str] = frozenset()
    groups_cache: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # sentence -> surface words
    cue_cache: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # sentence -> reporting verbs

    @classmethod
    def build(cls, doc: ParsedDocument, known_words: frozenset[str] = frozenset()) -> DocContext:
        return cls(doc=doc, quotes=find_quotes(doc.text), known_words=known_words)

    def is_whole_word(self, surface: str) -> bool:
        return normalize(surface) in self.lex.whole_words or self.is_known_name(surface)

    def is_known_name(self, surface: str) -> bool:
        return name_key(surface) in self.known_words

    @property
    def text(self) -> str:
        return self.doc.text

    def quotes_in(self, start: int, end: int) -> list[Quote]:
        """Quotes opening inside [start, end)."""
        return [q for q in self.quotes if start <= q.open < end]

    def quote_at(self, offset: int) -> Quote | None:
        """The quote whose opening mark is at ``offset`` or right after spaces and a colon."""
        text = self.text
        while offset < len(text) and (text[offset].isspace() or text[offset] in ":："):
            offset += 1
        for q in self.quotes:
            if q.open == offset:
                return q
        return None

    def sentence(self, index: int) -> Sentence:
        return self.doc.sentences[index]
