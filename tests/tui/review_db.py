"""A small review database built through the services: two Arabic articles from CoNLL-U fixtures.

The fixture sentences are joined into longer articles (offsets shifted) so that an item has
neighbouring sentences, and the engine proposes attributions exactly as `annotator run` would.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from annotator.db import Database, Document, open_database
from annotator.ingest import Article
from annotator.nlp.types import ParsedDocument, Sentence
from annotator.services.documents import store_articles
from annotator.services.propose import propose_documents
from tests.conftest import FixtureParser, load_conllu

ARTICLES = {
    "article_a.txt": ["svo", "colon_quote", "title_source", "prodrop_fem", "vso_comp"],
    "article_b.txt": ["channel", "participle", "yudhkar", "accuse"],
}


def join_documents(parts: list[ParsedDocument]) -> ParsedDocument:
    """One document from several: texts joined by a space, sentence and word offsets shifted."""
    text = ""
    sentences: list[Sentence] = []
    for part in parts:
        if text:
            text += " "
        shift = len(text)
        for s in part.sentences:
            words = tuple(replace(w, start=w.start + shift, end=w.end + shift) for w in s.words)
            sentences.append(Sentence(len(sentences), s.start + shift, s.end + shift, s.text, words))
        text += part.text
    return ParsedDocument(text, tuple(sentences))


def build_review_db(path: Path) -> Database:
    db = open_database(f"sqlite:///{path}")
    docs = {name: join_documents([load_conllu(p) for p in parts]) for name, parts in ARTICLES.items()}
    store_articles(db, [Article(name, d.text, name) for name, d in docs.items()])
    propose_documents(db, FixtureParser(list(docs.values())))
    return db


# (content, cue, source, speaker, type, confidence, rule): written out, so the screens in the
# snapshot tests do not change when the engine's rules do.
SNAPSHOT_PROPOSALS = [
    ("موسكو ستواصل دعم بيونغ يانغ", "أكد", "الرئيس الروسي فلاديمير بوتين", "فلاديمير بوتين", "indirect", 0.92,
     "verb_comp.indirect"),
    ("نحن ممتنون للغاية لأصدقائنا الكوريين لموقفهم المبدئي", "وقال", "لافروف", "سيرغي لافروف", "direct", 0.95,
     "verb_quote.direct"),
    ("سنقف بثبات إلى جانب رفاقنا الروس", "وأضافت", None, "تشوي سون هوي", "direct", 0.61,
     "verb_quote.direct+prodrop"),
]


def build_snapshot_db(path: Path) -> Database:
    """One article of four fixture sentences with three proposals stored through the services."""
    from annotator.engine import DocumentResult, Proposal, Span
    from annotator.services.propose import store_result
    from annotator.services.speakers import ensure_seeded, load_registry

    db = open_database(f"sqlite:///{path}")
    parsed = join_documents([load_conllu(p) for p in ("svo", "colon_quote", "prodrop_fem", "title_source")])
    store_articles(db, [Article("article.txt", parsed.text, "article.txt")])
    text = parsed.text

    def span(part: str | None) -> Span | None:
        if part is None:
            return None
        start = text.index(part)
        return Span(start, start + len(part))

    with db.session() as session:
        ensure_seeded(session)
        registry = load_registry(session)
        proposals, speakers = [], {}
        for content, cue, source, speaker, type_, confidence, rule in SNAPSHOT_PROPOSALS:
            content_span = span(content)
            assert content_span is not None
            sentence = next(s.index for s in parsed.sentences if s.start <= content_span.start < s.end)
            proposals.append(Proposal(type_, content_span, span(cue), span(source), rule, confidence, sentence,
                                      speaker=speaker))
            entry = registry.by_key(speaker)
            assert entry is not None, speaker
            speakers[speaker] = entry
        doc = session.scalars(select(Document)).one()
        store_result(session, doc, parsed, DocumentResult(proposals, speakers=speakers), "fixture")
    return db
