"""Parse stored documents and store sentences and proposed attributions, one document per transaction."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annotator.db import Attribution, Database, Document, SentenceRow
from annotator.engine import ENGINE_VERSION, DocumentResult, Proposal, SpeakerRegistry, propose
from annotator.errors import AnnotatorError, check_interrupted
from annotator.nlp.types import ParsedDocument, sentence_from_rows, sentence_to_rows
from annotator.services.speakers import ensure_seeded, load_registry, save_entry


class Parser(Protocol):
    """Anything that turns texts into parsed documents (Stanza, or CoNLL-U fixtures in tests)."""

    name: str

    def parse_many(self, texts: Sequence[str]) -> list[ParsedDocument]: ...


def count_words(text: str) -> int:
    """The words of a document as the progress bar, the run summary and ``annotator bench`` count them:
    whitespace-separated (Stanza splits some of them further: و، ب، ل and pronouns become words)."""
    return len(text.split())


@dataclass
class ProposeStats:
    documents: int = 0  # documents parsed and stored
    sentences: int = 0
    words: int = 0  # Stanza's words of the stored sentences (clitics split off; parsed or only tagged)
    input_words: int = 0  # count_words() of the documents parsed and stored: what the progress bar counts
    proposals: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """The final line of a run, counting what its progress bar counts (same words, same documents)."""
        rate = self.input_words / self.seconds if self.seconds else 0.0
        line = (f"{self.documents} documents parsed ({self.sentences} sentences, {self.input_words:,} words, "
                f"{rate:,.0f} words/s), {self.proposals} attributions proposed")
        if not self.documents:
            return line  # a run that resumed with nothing left: no words to explain
        return (f"{line}\nwords: whitespace-separated words of the documents parsed, as on the progress bar "
                f"(Stanza split them into {self.words:,} words)")

    def as_dict(self) -> dict[str, object]:
        return {"documents": self.documents, "sentences": self.sentences, "words": self.words,
                "input_words": self.input_words,
                "proposals": self.proposals, "seconds": round(self.seconds, 2),
                "failed": [{"document": d, "reason": r} for d, r in self.failed]}


def pending_ids(session: Session, *, redo: bool = False, ids: Sequence[int] | None = None) -> list[int]:
    """Documents to parse, in id order. ``ids`` limits them (filtered here: a corpus has more ids than
    a database takes as query parameters)."""
    query = select(Document.id).order_by(Document.id)
    if not redo:
        query = query.where(Document.parsed_at.is_(None))
    found = list(session.scalars(query))
    if ids is None:
        return found
    wanted = set(ids)
    return [i for i in found if i in wanted]


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


class Submitter(Protocol):
    """A parser that takes a batch now and gives the parses later (see annotator.nlp.chunked)."""

    name: str

    def submit(self, texts: Sequence[str]) -> Pending: ...


class Pending(Protocol):
    def result(self) -> list[ParsedDocument]: ...


def as_submitter(parser: Parser | Submitter) -> Submitter:
    """A plain parser (``parse_many``) becomes a submitter that parses whole documents in this process."""
    if hasattr(parser, "submit"):
        return parser  # type: ignore[return-value]
    from annotator.nlp.chunked import ChunkedParser, InProcess

    return ChunkedParser(InProcess(parser), mode="all")


@dataclass
class _Batch:
    ids: list[int]
    texts: dict[int, str]
    pending: Pending


def _results(parser: Submitter, batch: _Batch) -> list[ParsedDocument | Exception]:
    try:
        return list(batch.pending.result())
    except AnnotatorError:
        raise  # no model, no database: nothing to retry document by document
    except Exception:  # one bad document must not sink its batch: parse one by one to find it
        out: list[ParsedDocument | Exception] = []
        for doc_id in batch.ids:
            try:
                out.append(parser.submit([batch.texts[doc_id]]).result()[0])
            except AnnotatorError:
                raise
            except Exception as exc:
                out.append(exc)
        return out


def propose_documents(db: Database, parser: Parser | Submitter, *, ids: Sequence[int] | None = None,
                      redo: bool = False, batch_size: int = 8, in_flight: int = 0,
                      on_document: Callable[[int, int], None] | None = None) -> ProposeStats:
    """Parse and propose for every pending document. ``on_document(done, words)`` reports progress:
    ``words`` are the :func:`count_words` of a document parsed and stored (0 for one that failed or that
    another process stored first), so that the bar adds up to ``stats.input_words``.

    ``in_flight`` batches are handed to the parser ahead of the one being stored, so that worker
    processes parse while this process runs the rules and writes. Each document is written in one
    transaction (sentences, proposals and ``parsed_at`` together): a run stopped at any point leaves
    whole documents, and the next run starts with the first one that is not parsed.
    """
    started = time.perf_counter()
    stats = ProposeStats()
    source = as_submitter(parser)
    seed_registry(db)
    with db.sessions() as session:
        todo = pending_ids(session, redo=redo, ids=ids)
        registry = load_registry(session)
    queue: deque[_Batch] = deque()
    for at in range(0, len(todo), batch_size):
        batch_ids = todo[at:at + batch_size]
        with db.sessions() as session:
            texts = dict(session.execute(select(Document.id, Document.text).where(Document.id.in_(batch_ids))).all())
        ordered = [i for i in batch_ids if i in texts]
        queue.append(_Batch(ordered, texts, source.submit([texts[i] for i in ordered])))
        while len(queue) > in_flight:
            _store_batch(db, source, queue.popleft(), registry, stats, on_document, redo)
    while queue:
        _store_batch(db, source, queue.popleft(), registry, stats, on_document, redo)
    stats.seconds = time.perf_counter() - started
    return stats


def _store_batch(db: Database, parser: Submitter, batch: _Batch, registry: SpeakerRegistry, stats: ProposeStats,
                 on_document: Callable[[int, int], None] | None, redo: bool) -> None:
    for doc_id, parsed in zip(batch.ids, _results(parser, batch), strict=True):
        check_interrupted()  # a Ctrl-C lost in a finalizer still stops the run between documents
        # The bar and the summary count the same words: those of the documents stored, none else.
        words = count_words(batch.texts[doc_id]) if _store_one(db, doc_id, parsed, registry, parser.name, stats,
                                                               redo=redo) else 0
        stats.input_words += words
        if on_document:
            on_document(1, words)


STORE_ATTEMPTS = 3


def seed_registry(db: Database) -> None:
    """The seed speakers on first use; another process seeding at the same moment is fine."""
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            with db.session() as session:
                ensure_seeded(session)
            return
        except IntegrityError:
            if attempt == STORE_ATTEMPTS:
                raise


def _store_one(db: Database, doc_id: int, parsed: ParsedDocument | Exception, registry: SpeakerRegistry,
               parser_name: str, stats: ProposeStats, *, redo: bool = False) -> bool:
    """Store one document's parse and proposals; False when it failed or was not ours to store."""
    if isinstance(parsed, Exception):
        _store_failure(db, doc_id, parsed, stats)
        return False
    result = propose(parsed, registry)
    ids_before = {name: entry.id for name, entry in result.speakers.items()}
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            with db.session() as session:
                # The row lock (PostgreSQL) makes a second process storing the same document wait,
                # then see it parsed and leave it: no duplicate proposals from concurrent runs.
                doc = session.get(Document, doc_id, with_for_update=True)
                if doc is None or (not redo and doc.parsed_at is not None):
                    return False  # deleted, or stored by another process meanwhile
                stored = store_result(session, doc, parsed, result, parser_name)
            break
        except IntegrityError:
            # Another process created the same speaker at the same moment (the name is unique):
            # the transaction is rolled back whole; read again and store the document again.
            for name, entry in result.speakers.items():
                entry.id = ids_before[name]  # ids given inside the rolled-back transaction are void
            if attempt == STORE_ATTEMPTS:
                raise
    stats.proposals += stored
    stats.documents += 1
    stats.sentences += len(parsed.sentences)
    stats.words += sum(len(s.words) for s in parsed.sentences)
    return True


def _store_failure(db: Database, doc_id: int, error: Exception, stats: ProposeStats) -> None:
    with db.session() as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            return
        doc.parse_error = f"{type(error).__name__}: {error}"[:2000]
        stats.failed.append((doc.name, doc.parse_error))


def stored_parse(session: Session, doc: Document) -> ParsedDocument:
    rows = session.scalars(select(SentenceRow).where(SentenceRow.document_id == doc.id)
                           .order_by(SentenceRow.index)).all()
    return ParsedDocument(doc.text, tuple(sentence_from_rows(r.index, doc.text, r.words or []) for r in rows))


def repropose_stored(db: Database, *, ids: Sequence[int] | None = None,
                     on_document: Callable[[int, int], None] | None = None) -> ProposeStats:
    """Run the rules again on stored parses (after a lexicon or rule change) without parsing again."""
    started = time.perf_counter()
    stats = ProposeStats()
    seed_registry(db)
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
            stats.words += sum(len(s.words) for s in parsed.sentences)
            words = count_words(doc.text)
            stats.input_words += words
        if on_document:
            on_document(1, words)
    stats.seconds = time.perf_counter() - started
    return stats
