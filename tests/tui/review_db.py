"""A small review database built through the services: two Arabic articles from CoNLL-U fixtures.

The fixture sentences are joined into longer articles (offsets shifted) so that an item has
neighbouring sentences, and the engine proposes attributions exactly as `annotator run` would.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from annotator.db import Database, open_database
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
