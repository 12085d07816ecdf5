"""The speaker registry in the database, and loading it into the engine's in-memory registry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from annotator.db import Speaker, SpeakerAlias
from annotator.db.models import SPEAKER_KINDS
from annotator.engine import SpeakerEntry, SpeakerRegistry
from annotator.engine.speakers import generic_name
from annotator.errors import InputError
from annotator.lang.ar import lexicon, seed_speakers
from annotator.lang.ar.normalize import name_key


def load_registry(session: Session) -> SpeakerRegistry:
    rows = session.scalars(
        select(Speaker).where(Speaker.merged_into_id.is_(None)).options(selectinload(Speaker.aliases))
    ).all()
    registry = SpeakerRegistry()
    lex = lexicon()
    for s in sorted(rows, key=lambda r: r.id):
        entry = SpeakerEntry(s.name, s.kind, s.gender, {a.alias for a in s.aliases}, id=s.id)
        # A generic phrase some article used (الشركة الكورية) must not capture mentions in other articles.
        registry.add(entry, index=s.kind != "unknown" or not generic_name(s.name, lex))
    return registry


def ensure_seeded(session: Session) -> None:
    """A new database starts with the registry shipped in annotator/lang/ar/speakers.yaml."""
    if session.scalar(select(func.count()).select_from(Speaker)):
        return
    upsert_speakers(session, seed_speakers())


def _validate(spec: Mapping[str, Any], where: str) -> None:
    if not isinstance(spec.get("name"), str) or not spec["name"].strip():
        raise InputError(f"{where}: every speaker needs a name")
    kind = spec.get("kind", "unknown")
    if kind not in SPEAKER_KINDS:
        raise InputError(f"{where}: unknown kind {kind!r} (one of {', '.join(SPEAKER_KINDS)})")
    if spec.get("gender") not in (None, "Masc", "Fem"):
        raise InputError(f"{where}: gender must be Masc or Fem")


def upsert_speakers(session: Session, specs: Iterable[Mapping[str, Any]]) -> int:
    """Add speakers (name, aliases, gender, kind) or add aliases to existing ones; returns how many changed."""
    changed = 0
    for n, spec in enumerate(specs, start=1):
        _validate(spec, f"speaker {n}")
        speaker = session.scalar(select(Speaker).where(Speaker.name == spec["name"].strip()))
        if speaker is None:
            speaker = Speaker(name=spec["name"].strip(), kind=spec.get("kind", "unknown"), gender=spec.get("gender"))
            session.add(speaker)
            session.flush()
            changed += 1
        for alias in spec.get("aliases") or []:
            changed += add_alias(session, speaker, str(alias))
    return changed


def add_alias(session: Session, speaker: Speaker, alias: str) -> int:
    key = name_key(alias)
    if not key or key == name_key(speaker.name):
        return 0
    exists = session.scalar(select(SpeakerAlias.id).where(SpeakerAlias.speaker_id == speaker.id,
                                                          SpeakerAlias.key == key))
    if exists:
        return 0
    session.add(SpeakerAlias(speaker_id=speaker.id, alias=alias.strip(), key=key))
    return 1


def save_entry(session: Session, entry: SpeakerEntry) -> Speaker:
    """The row for an engine entry, created (with its aliases) if the engine made it up."""
    if entry.id is not None:
        speaker = session.get(Speaker, entry.id)
        if speaker is not None:
            if entry.gender and not speaker.gender:
                speaker.gender = entry.gender
            return speaker
    speaker = session.scalar(select(Speaker).where(Speaker.name == entry.name))
    if speaker is None:
        speaker = Speaker(name=entry.name, kind=entry.kind if entry.kind in SPEAKER_KINDS else "unknown",
                          gender=entry.gender)
        session.add(speaker)
        session.flush()
    for alias in sorted(entry.aliases):
        add_alias(session, speaker, alias)
    entry.id = speaker.id
    return speaker
