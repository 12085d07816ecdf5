"""Attributions as plain records in the project's canonical JSONL schema (see README, "Export")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from annotator.db import Attribution, Document


def _span(text: str, start: int | None, end: int | None) -> dict[str, Any] | None:
    if start is None or end is None:
        return None
    return {"start": start, "end": end, "text": text[start:end]}


def record(a: Attribution, doc: Document, annotator: str | None) -> dict[str, Any]:
    text = doc.text
    return {
        "doc": doc.name,
        "id": f"{doc.id}:{a.id}",
        "type": a.type,
        "content": _span(text, a.content_start, a.content_end),
        "cue": _span(text, a.cue_start, a.cue_end),
        "source": _span(text, a.source_start, a.source_end),
        "speaker": a.speaker.name if a.speaker else None,
        "speaker_id": a.speaker_id,
        "status": a.status,
        "confidence": round(float(a.confidence), 4),
        "rule": a.rule,
        "annotator": annotator,
        "doc_sha256": doc.sha256,
    }


def _query(statuses: Sequence[str] | None, documents: Sequence[str] | None) -> Select[Attribution]:
    query = (select(Attribution).join(Attribution.document)
             .options(joinedload(Attribution.speaker))
             .order_by(Attribution.document_id, Attribution.content_start, Attribution.id))
    if statuses:
        query = query.where(Attribution.status.in_(statuses))
    if documents:
        ids = [int(d) for d in documents if d.isdigit()]
        query = query.where(Document.name.in_(documents) | Document.id.in_(ids))
    return query


def _iter_pairs(session: Session, statuses: Sequence[str] | None, documents: Sequence[str] | None,
                batch: int) -> Iterator[tuple[Document, Attribution]]:
    docs: dict[int, Document] = {}
    for a in session.scalars(_query(statuses, documents).execution_options(yield_per=batch)):
        doc = docs.get(a.document_id)
        if doc is None:
            docs.clear()  # keep one document's text in memory at a time
            doc = docs[a.document_id] = session.get_one(Document, a.document_id)
        yield doc, a


def iter_records(session: Session, *, statuses: Sequence[str] | None = None,
                 documents: Sequence[str] | None = None, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Records in document order; ``documents`` filters by document name or id."""
    for doc, a in _iter_pairs(session, statuses, documents, batch):
        yield record(a, doc, a.reviewed_by)


def iter_document_records(session: Session, *, statuses: Sequence[str] | None = None,
                          documents: Sequence[str] | None = None,
                          batch: int = 1000) -> Iterator[tuple[Document, list[dict[str, Any]]]]:
    """Each document that has selected attributions, with its records (for formats written per document)."""
    current: Document | None = None
    records: list[dict[str, Any]] = []
    for doc, a in _iter_pairs(session, statuses, documents, batch):
        if current is not None and doc.id != current.id:
            yield current, records
            records = []
        current = doc
        records.append(record(a, doc, a.reviewed_by))
    if current is not None:
        yield current, records
