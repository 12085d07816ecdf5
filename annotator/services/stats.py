"""Counts for `annotator status`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.db import Attribution, Decision, Document, SentenceRow, Speaker
from annotator.db.models import STATUSES


def counts(session: Session) -> dict[str, Any]:
    def scalar(query: Any) -> int:
        return int(session.scalar(query) or 0)

    by_status = dict(session.execute(select(Attribution.status, func.count()).group_by(Attribution.status)).all())
    by_type = dict(session.execute(select(Attribution.type, func.count()).group_by(Attribution.type)).all())
    return {
        "documents": scalar(select(func.count()).select_from(Document)),
        "documents_parsed": scalar(select(func.count()).select_from(Document).where(Document.parsed_at.is_not(None))),
        "documents_failed": scalar(select(func.count()).select_from(Document).where(Document.parse_error.is_not(None))),
        "sentences": scalar(select(func.count()).select_from(SentenceRow)),
        "speakers": scalar(select(func.count()).select_from(Speaker)),
        "attributions": sum(by_status.values()),
        "attributions_by_status": {s: int(by_status.get(s, 0)) for s in STATUSES},
        "attributions_by_type": {t: int(n) for t, n in sorted(by_type.items())},
        "decisions": scalar(select(func.count()).select_from(Decision)),
    }
