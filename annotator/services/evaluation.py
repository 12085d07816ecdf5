"""Evaluation against a gold file: loading the predictions and the speaker aliases from the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.db import Document, Speaker, SpeakerAlias
from annotator.evaluation import SameSpeaker
from annotator.lang.ar.normalize import name_key
from annotator.services.records import iter_records


def stored_names(session: Session) -> set[str]:
    return set(session.scalars(select(Document.name)))


def predictions(session: Session, documents: Iterable[str]) -> list[dict[str, Any]]:
    """Every attribution in the database for these documents, as export records."""
    names = sorted(set(documents) & stored_names(session))
    if not names:
        return []
    return list(iter_records(session, statuses=None, documents=names))


def speaker_matcher(session: Session) -> SameSpeaker:
    """Two speaker names are the same speaker when they share a registry entry through names or aliases."""
    ids_by_key: dict[str, set[int]] = defaultdict(set)
    for speaker_id, name in session.execute(select(Speaker.id, Speaker.name)):
        ids_by_key[name_key(name)].add(speaker_id)
    for speaker_id, key in session.execute(select(SpeakerAlias.speaker_id, SpeakerAlias.key)):
        ids_by_key[key].add(speaker_id)

    def same(gold: str | None, pred: str | None) -> bool:
        if not gold or not pred:
            return False
        g, p = name_key(gold), name_key(pred)
        return g == p or bool(ids_by_key.get(g, set()) & ids_by_key.get(p, set()))

    return same


def documents_in(gold: Sequence[dict[str, Any]]) -> set[str]:
    return {str(r["doc"]) for r in gold}
