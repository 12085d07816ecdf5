"""Attributions as plain records in the project's canonical JSONL schema (see README, "Export")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from annotator.db import Attribution, Document, Speaker


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


@dataclass(frozen=True)
class DocumentText:
    id: int
    name: str
    sha256: str
    text: str


_A = Attribution
# Plain columns, not ORM objects: exporting 100,000 attributions is several times faster this way.
_COLUMNS = (_A.id, _A.document_id, _A.type, _A.content_start, _A.content_end, _A.cue_start, _A.cue_end,
            _A.source_start, _A.source_end, Speaker.name, _A.speaker_id, _A.status, _A.confidence, _A.rule,
            _A.reviewed_by)


def _query(statuses: Sequence[str] | None, documents: Sequence[str] | None) -> Select[Any]:
    query = (select(*_COLUMNS).join(Document, Document.id == _A.document_id)
             .outerjoin(Speaker, Speaker.id == _A.speaker_id)
             .order_by(_A.document_id, _A.content_start, _A.id))
    if statuses:
        query = query.where(_A.status.in_(statuses))
    if documents:
        ids = [int(d) for d in documents if d.isdigit()]
        query = query.where(Document.name.in_(documents) | Document.id.in_(ids))
    return query  # type: ignore[return-value]


def _row_record(row: Any, doc: DocumentText) -> dict[str, Any]:
    (a_id, _, type_, cs, ce, qs, qe, ss, se, speaker, speaker_id, status, confidence, rule, annotator) = row
    text = doc.text
    return {
        "doc": doc.name, "id": f"{doc.id}:{a_id}", "type": type_, "content": _span(text, cs, ce),
        "cue": _span(text, qs, qe), "source": _span(text, ss, se), "speaker": speaker, "speaker_id": speaker_id,
        "status": status, "confidence": round(float(confidence), 4), "rule": rule, "annotator": annotator,
        "doc_sha256": doc.sha256,
    }


def _texts(session: Session, ids: set[int]) -> dict[int, DocumentText]:
    rows = session.execute(select(Document.id, Document.name, Document.sha256, Document.text)
                           .where(Document.id.in_(ids)))
    return {i: DocumentText(i, name, sha, text) for i, name, sha, text in rows}


def _iter_rows(session: Session, statuses: Sequence[str] | None, documents: Sequence[str] | None,
               batch: int) -> Iterator[tuple[DocumentText, dict[str, Any]]]:
    result = session.execute(_query(statuses, documents).execution_options(yield_per=batch))
    for part in result.partitions():
        # the texts of this batch's documents only: memory stays flat however large the database
        docs = _texts(session, {row.document_id for row in part})
        for row in part:
            doc = docs[row.document_id]
            yield doc, _row_record(row, doc)


def iter_records(session: Session, *, statuses: Sequence[str] | None = None,
                 documents: Sequence[str] | None = None, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Records in document order; ``documents`` filters by document name or id."""
    for _, rec in _iter_rows(session, statuses, documents, batch):
        yield rec


def iter_document_records(session: Session, *, statuses: Sequence[str] | None = None,
                          documents: Sequence[str] | None = None,
                          batch: int = 2000) -> Iterator[tuple[DocumentText, list[dict[str, Any]]]]:
    """Each document that has selected attributions, with its records (for formats written per document)."""
    current: DocumentText | None = None
    records: list[dict[str, Any]] = []
    for doc, rec in _iter_rows(session, statuses, documents, batch):
        if current is not None and doc.id != current.id:
            yield current, records
            records = []
        current = doc
        records.append(rec)
    if current is not None:
        yield current, records
