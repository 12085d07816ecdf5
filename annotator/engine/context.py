"""Per-document facts the rules share: the text, the quotes, the lexicon."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.engine.quotes import Quote, find_quotes
from annotator.lang.ar import Lexicon, lexicon
from annotator.nlp.types import ParsedDocument, Sentence


@dataclass
class DocContext:
    doc: ParsedDocument
    lex: Lexicon = field(default_factory=lexicon)
    quotes: list[Quote] = field(default_factory=list)

    @classmethod
    def build(cls, doc: ParsedDocument) -> DocContext:
        return cls(doc=doc, quotes=find_quotes(doc.text))

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
