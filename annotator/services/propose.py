"""Parse stored documents and store sentences and proposed attributions, one document per transaction."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from annotator.db import Attribution, Database, Document, SentenceRow
from annotator.engine import ENGINE_VERSION, DocumentResult, Proposal, SpeakerRegistry, propose
from annotator.nlp.types import ParsedDocument, sentence_from_rows, sentence_to_rows
from annotator.services.speakers import ensure_seeded, load_registry, save_entry


class Parser(Protocol):
    """Anything that turns texts into parsed documents (Stanza, or CoNLL-U fixtures in tests)."""

    name: str

    def parse_many(self, texts: Sequence[str]) -> list[ParsedDocument]: ...


@dataclass
class ProposeStats:
    documents: int = 0
    sentences: int = 0
    words: int = 0
    proposals: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {"documents": self.documents, "sentences": self.sentences, "words": self.words,
                "proposals": self.proposals, "seconds": round(self.seconds, 2),
                "failed": [{"document": d, "reason": r} for d, r in self.failed]}


def pending_ids(session: Session, *, redo: bool = False, ids: Sequence[int] | None = None) -> list[int]:
    query = select(Document.id).order_by(Document.id)
    if ids is not None:
        query = query.where(Document.id.in_(ids))
    if not redo:
        query = query.where(Document.parsed_at.is_(None))
    return list(session.scalars(query))


def proposal_to_row(p: Proposal, document_id: int, speaker_id: int | None) -> Attribution:
    return Attribution(
        document_id=document_id, sentence_index=p.sentence, type=p.type,
        content_start=p.content.start, content_end=p.content.end,
        cue_start=p.cue.start if p.cue else None, cue_end=p.cue.end if p.cue else None,
        source_start=p.source.start if p.source else None, source_end=p.source.end if p.source else None,
        speaker_id=speaker_id, cue_lemma=p.cue_lemma, confidence=p.confidence, rule=p.rule,
        status="proposed", origin="engine",
    )


def _overlaps_reviewed(p: Proposal, reviewed: list[tuple[int, int]]) -> bool:
    for start, end in reviewed:
        overlap = min(end, p.content.end) - max(start, p.content.start)
        if overlap * 2 >= min(end - start, len(p.content)):
            return True
    return False


def store_result(session: Session, doc: Document, parsed: ParsedDocument, result: DocumentResult,
                 parser_name: str, *, keep_sentences: bool = False) -> int:
    """Replace the document's sentences and engine proposals; reviewed attributions are kept."""
    if not keep_sentences:
        session.execute(delete(SentenceRow).where(SentenceRow.document_id == doc.id))
        session.add_all(SentenceRow(document_id=doc.id, index=s.index, start=s.start, end=s.end,
                                    words=sentence_to_rows(s)) for s in parsed.sentences)
    session.execute(delete(Attribution).where(Attribution.document_id == doc.id, Attribution.status == "proposed",
                                              Attribution.origin == "engine"))
    reviewed = [(a, b) for a, b in session.execute(
        select(Attribution.content_start, Attribution.content_end).where(Attribution.document_id == doc.id))]
    stored = 0
    for p in result.proposals:
        if _overlaps_reviewed(p, reviewed):
            continue  # a person already decided on this statement
        speaker_id = None
        if p.speaker is not None and p.speaker in result.speakers:
            speaker_id = save_entry(session, result.speakers[p.speaker]).id
        session.add(proposal_to_row(p, doc.id, speaker_id))
        stored += 1
    doc.parsed_at = datetime.now(UTC)
    doc.parser = parser_name
    doc.engine_version = ENGINE_VERSION
    doc.parse_error = None
    return stored


def _parse_batch(parser: Parser, texts: list[str]) -> list[ParsedDocument | Exception]:
    try:
        return list(parser.parse_many(texts))
    except Exception:  # one bad document must not sink its batch: parse one by one to find it
        out: list[ParsedDocument | Exception] = []
        for t in texts:
            try:
                out.append(parser.parse_many([t])[0])
            except Exception as exc:
                out.append(exc)
        return out


def propose_documents(db: Database, parser: Parser, *, ids: Sequence[int] | None = None, redo: bool = False,
                      batch_size: int = 8, on_document: Callable[[int, int], None] | None = None) -> ProposeStats:
    """Parse and propose for every pending document. ``on_document(done, words)`` reports progress."""
    started = time.perf_counter()
    stats = ProposeStats()
    with db.session() as session:
        ensure_seeded(session)
    with db.sessions() as session:
        todo = pending_ids(session, redo=redo, ids=ids)
        registry = load_registry(session)
    for at in range(0, len(todo), batch_size):
        batch_ids = todo[at:at + batch_size]
        with db.sessions() as session:
            texts = dict(session.execute(select(Document.id, Document.text).where(Document.id.in_(batch_ids))).all())
        ordered = [i for i in batch_ids if i in texts]
        parsed_all = _parse_batch(parser, [texts[i] for i in ordered])
        for doc_id, parsed in zip(ordered, parsed_all, strict=True):
            _store_one(db, doc_id, parsed, registry, parser.name, stats)
            if on_document:
                on_document(1, len(texts[doc_id].split()))
    stats.seconds = time.perf_counter() - started
    return stats


def _store_one(db: Database, doc_id: int, parsed: ParsedDocument | Exception, registry: SpeakerRegistry,
               parser_name: str, stats: ProposeStats) -> None:
    with db.session() as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            return
        if isinstance(parsed, Exception):
            doc.parse_error = f"{type(parsed).__name__}: {parsed}"[:2000]
            stats.failed.append((doc.name, doc.parse_error))
            return
        result = propose(parsed, registry)
        stats.proposals += store_result(session, doc, parsed, result, parser_name)
        stats.documents += 1
        stats.sentences += len(parsed.sentences)
        stats.words += sum(len(s.words) for s in parsed.sentences)


def stored_parse(session: Session, doc: Document) -> ParsedDocument:
    rows = session.scalars(select(SentenceRow).where(SentenceRow.document_id == doc.id)
                           .order_by(SentenceRow.index)).all()
    return ParsedDocument(doc.text, tuple(sentence_from_rows(r.index, doc.text, r.words or []) for r in rows))


def repropose_stored(db: Database, *, ids: Sequence[int] | None = None,
                     on_document: Callable[[int, int], None] | None = None) -> ProposeStats:
    """Run the rules again on stored parses (after a lexicon or rule change) without parsing again."""
    started = time.perf_counter()
    stats = ProposeStats()
    with db.session() as session:
        ensure_seeded(session)
    with db.sessions() as session:
        query = select(Document.id).where(Document.parsed_at.is_not(None)).order_by(Document.id)
        if ids is not None:
            query = query.where(Document.id.in_(ids))
        todo = list(session.scalars(query))
        registry = load_registry(session)
    for doc_id in todo:
        with db.session() as session:
            doc = session.get(Document, doc_id)
            if doc is None:
                continue
            parsed = stored_parse(session, doc)
            result = propose(parsed, registry)
            stats.proposals += store_result(session, doc, parsed, result, doc.parser or "stored", keep_sentences=True)
            stats.documents += 1
            stats.sentences += len(parsed.sentences)
        if on_document:
            on_document(1, 0)
    stats.seconds = time.perf_counter() - started
    return stats
