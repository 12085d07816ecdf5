"""Reading attribution records (the project's JSONL schema) back into the database.

A record's document is found by ``doc_sha256`` when the record has one, else by name. Its attribution is
the one in that document with the same content span: it is updated when the record differs, created
(origin ``import``) when there is none, left alone when nothing differs; so importing the same file twice
adds nothing. Speakers are found by canonical name and created when missing. Every change to an existing
attribution leaves a Decision row (action ``import``) with the values before and after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.db import Attribution, Database, Decision, Document, Speaker

BATCH = 500
SPAN_FIELDS = ("content", "cue", "source")
DEFAULT_ANNOTATOR = "import"


@dataclass
class ImportResult:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_reviewed: int = 0  # a "proposed" record never overwrites a person's decision
    speakers_created: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)

    def as_dict(self) -> dict[str, Any]:
        return {"read": self.read, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "kept_reviewed": self.kept_reviewed,
                "speakers_created": self.speakers_created,
                "skipped": [{"where": w, "reason": r} for w, r in self.skipped]}


def snapshot(a: Attribution) -> dict[str, Any]:
    """The values a reviewer or an import can change, as stored in Decision.before/after."""
    return {"type": a.type, "content_start": a.content_start, "content_end": a.content_end,
            "cue_start": a.cue_start, "cue_end": a.cue_end, "source_start": a.source_start,
            "source_end": a.source_end, "speaker_id": a.speaker_id, "status": a.status}


class _Lookup:
    """Documents and speakers by key, remembered across batches (ids only, no ORM objects)."""

    def __init__(self) -> None:
        self.docs: dict[tuple[str, str], int | str] = {}  # ("sha"|"name", key) -> id or why not
        self.speakers: dict[str, int] = {}

    @staticmethod
    def key(rec: dict[str, Any]) -> tuple[str, str]:
        sha = rec.get("doc_sha256")
        return ("sha", sha) if sha else ("name", rec["doc"])

    def prefetch(self, session: Session, records: Iterable[dict[str, Any]]) -> None:
        """Look up a batch's new documents in a few queries instead of one per document."""
        wanted = {self.key(r) for r in records} - self.docs.keys()
        for kind, column in (("sha", Document.sha256), ("name", Document.name)):
            values = sorted(v for k, v in wanted if k == kind)
            found: dict[str, list[int]] = defaultdict(list)
            for at in range(0, len(values), 500):  # well under SQLite's limit on query parameters
                query = select(Document.id, column).where(column.in_(values[at:at + 500]))
                for doc_id, value in session.execute(query):
                    found[value].append(doc_id)
            for value in values:
                ids = found.get(value, [])
                self.docs[(kind, value)] = ids[0] if len(ids) == 1 else ("ambiguous" if ids else "missing")

    def document(self, rec: dict[str, Any]) -> int | str:
        """The document's id, or why there is none (after :meth:`prefetch`)."""
        key = self.key(rec)
        found = self.docs[key]
        if found == "missing":
            return f"document {rec['doc']!r} is not in the database" + (
                " (no document with this doc_sha256)" if key[0] == "sha" else "")
        if found == "ambiguous":
            return f"several documents are named {rec['doc']!r}: add doc_sha256 to the records"
        return found

    def speaker(self, session: Session, name: str, result: ImportResult) -> int:
        if name not in self.speakers:
            speaker = session.scalar(select(Speaker).where(Speaker.name == name))
            if speaker is None:
                speaker = Speaker(name=name, kind="unknown")
                session.add(speaker)
                session.flush()
                result.speakers_created += 1
            while speaker.merged_into_id is not None:  # a merged speaker's statements go to the one it joined
                speaker = session.get_one(Speaker, speaker.merged_into_id)
            self.speakers[name] = speaker.id
        return self.speakers[name]


def _span_problem(text: str, rec: dict[str, Any]) -> str | None:
    for key in SPAN_FIELDS:
        span = rec.get(key)
        if not span:
            continue
        if span["end"] > len(text):
            return f"{key} span {span['start']}:{span['end']} is past the end of the text ({len(text)} chars)"
        if "text" in span and text[span["start"]:span["end"]] != span["text"]:
            return f"{key} text does not match the document at {span['start']}:{span['end']}"
    return None


def _values(session: Session, rec: dict[str, Any], lookup: _Lookup, result: ImportResult) -> dict[str, Any]:
    confidence = rec.get("confidence")
    values: dict[str, Any] = {"type": rec["type"], "status": rec.get("status") or "accepted",
                              "confidence": 1.0 if confidence is None else float(confidence),
                              "rule": rec.get("rule") or "import", "reviewed_by": rec.get("annotator")}
    for key in SPAN_FIELDS:
        span = rec.get(key)
        values[f"{key}_start"] = span["start"] if span else None
        values[f"{key}_end"] = span["end"] if span else None
    speaker = rec.get("speaker")
    values["speaker_id"] = lookup.speaker(session, speaker, result) if speaker else None
    return values


Existing = dict[tuple[int, int], Attribution]  # a document's attributions by content span


def _apply(session: Session, doc_id: int, existing: Existing, values: dict[str, Any], annotator: str,
           result: ImportResult) -> None:
    key = (values["content_start"], values["content_end"])
    now = datetime.now(UTC)
    a = existing.get(key)
    if a is None:
        a = Attribution(document_id=doc_id, origin="import", **values)
        if values["status"] != "proposed":
            a.reviewed_at = now
        session.add(a)
        existing[key] = a
        result.created += 1
        return
    if values["reviewed_by"] is None:
        del values["reviewed_by"]  # a record without an annotator does not erase who reviewed it
    changed = {k: v for k, v in values.items() if getattr(a, k) != v}
    if not changed:
        result.unchanged += 1
        return
    if values["status"] == "proposed" and a.status != "proposed":
        result.kept_reviewed += 1
        return
    before = snapshot(a)
    if a.origin == "engine" and a.proposed is None:
        a.proposed = before  # keep what the engine said: the report measures the engine against it
    for k, v in changed.items():
        setattr(a, k, v)
    if values["status"] != "proposed":
        a.reviewed_at = now
    session.flush()
    session.add(Decision(attribution_id=a.id, annotator=annotator, action="import", before=before,
                         after=snapshot(a)))
    result.updated += 1


def _import_batch(db: Database, batch: list[tuple[str, dict[str, Any]]], lookup: _Lookup,
                  result: ImportResult) -> None:
    """One transaction per batch: a crash keeps whole batches, and running again finishes the rest."""
    with db.session() as session:
        lookup.prefetch(session, (rec for _, rec in batch))
        doc_ids = {d for d in (lookup.document(rec) for _, rec in batch) if isinstance(d, int)}
        texts = dict(session.execute(select(Document.id, Document.text).where(Document.id.in_(doc_ids))).all())
        existing: dict[int, Existing] = defaultdict(dict)
        rows = session.scalars(select(Attribution).where(Attribution.document_id.in_(doc_ids))
                               .order_by(Attribution.id.desc()))
        for a in rows:
            existing[a.document_id][(a.content_start, a.content_end)] = a  # the lowest id wins
        for where, rec in batch:
            doc_id = lookup.document(rec)
            if isinstance(doc_id, str):
                result.skipped.append((where, doc_id))
                continue
            reason = _span_problem(texts[doc_id], rec) or (None if rec.get("type") else "no 'type'")
            if reason:
                result.skipped.append((where, reason))
                continue
            values = _values(session, rec, lookup, result)
            annotator = rec.get("annotator") or DEFAULT_ANNOTATOR
            _apply(session, doc_id, existing[doc_id], values, annotator, result)


def import_records(db: Database, records: Iterable[tuple[str, dict[str, Any]]]) -> ImportResult:
    """Import ``(where, record)`` pairs (``where`` names the input line in messages)."""
    result = ImportResult()
    lookup = _Lookup()
    batch: list[tuple[str, dict[str, Any]]] = []
    for item in records:
        result.read += 1
        batch.append(item)
        if len(batch) >= BATCH:
            _import_batch(db, batch, lookup, result)
            batch = []
    if batch:
        _import_batch(db, batch, lookup, result)
    return result
