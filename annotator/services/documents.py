"""Storing articles: exact text, content hash, no duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from annotator.db import Database, Document
from annotator.ingest import Article, Rejected

BATCH = 200


@dataclass
class IngestResult:
    added: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "rejected": [{"where": r.where, "reason": r.reason} for r in self.rejected],
        }


def _store_batch(db: Database, batch: list[Article], result: IngestResult) -> None:
    """One transaction per batch: a crash keeps whole batches, never half a document.

    The counts go into ``result`` only once the transaction is committed, so a batch that fails
    and is stored again one by one is not counted twice.
    """
    added: list[Document] = []
    known: list[int] = []
    duplicates = 0
    with db.session() as session:
        hashes = [a.sha256 for a in batch]
        existing = dict(session.execute(select(Document.sha256, Document.id).where(Document.sha256.in_(hashes))).all())
        seen: set[str] = set()
        for article in batch:
            digest = article.sha256
            if digest in existing or digest in seen:
                duplicates += 1
                if digest in existing:
                    known.append(existing[digest])
                continue
            seen.add(digest)
            added.append(Document(
                name=article.name, sha256=digest, text=article.text, source_path=article.source_path,
                outlet=article.outlet, title=article.title, published=article.published, meta=article.meta,
            ))
        session.add_all(added)
        session.flush()
    result.duplicates += duplicates
    result.document_ids.extend(known)
    result.document_ids.extend(d.id for d in added)
    result.added += len(added)


def store_articles(db: Database, items: Iterable[Article | Rejected],
                   on_item: Callable[[Article | Rejected], None] | None = None) -> IngestResult:
    result = IngestResult()
    batch: list[Article] = []
    for item in items:
        if on_item:
            on_item(item)
        if isinstance(item, Rejected):
            result.rejected.append(item)
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            _store_with_retry(db, batch, result)
            batch = []
    if batch:
        _store_with_retry(db, batch, result)
    return result


def _store_with_retry(db: Database, batch: list[Article], result: IngestResult) -> None:
    try:
        _store_batch(db, batch, result)
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and not _is_conflict(exc):
            raise
        # Another process stored one of these documents between our check and our insert (or two
        # processes inserting overlapping batches deadlocked): store the batch one by one so that
        # only the duplicates are skipped. One document per transaction cannot deadlock.
        for article in batch:
            for attempt in range(1, 4):
                try:
                    _store_batch(db, [article], result)
                    break
                except IntegrityError:
                    continue  # stored by the other process meanwhile: the next try finds it
                except OperationalError as again:
                    if attempt == 3 or not _is_conflict(again):
                        raise


def _is_conflict(exc: OperationalError) -> bool:
    """A deadlock or serialization failure (PostgreSQL) or a busy database (SQLite): worth a retry."""
    code = getattr(exc.orig, "sqlstate", None) or ""
    return code in {"40P01", "40001"} or "database is locked" in str(exc.orig)
