"""The speaker registry grows from reviews: a corrected speaker learns the source as an alias."""

from __future__ import annotations

from sqlalchemy import select

from annotator.db import Attribution, Database, Document, Speaker, SpeakerAlias
from annotator.ingest import text_hash
from annotator.services.review import ReviewService

TEXT = "وقال وزير الخارجية الروسي إن المحادثات كانت مفيدة. وقال المتحدث إن الوفد سيعود غدا."


def _attribution(db: Database, source: str, content: str) -> int:
    with db.session() as s:
        doc = s.scalar(select(Document)) or Document(name="d.txt", sha256=text_hash(TEXT), text=TEXT, meta={})
        s.add(doc)
        s.flush()
        src, con = TEXT.index(source), TEXT.index(content)
        a = Attribution(document_id=doc.id, type="indirect", content_start=con, content_end=con + len(content),
                        source_start=src, source_end=src + len(source), confidence=0.9, rule="verb_comp.indirect")
        s.add(a)
        s.flush()
        return a.id


def _aliases(db: Database, name: str) -> set[str]:
    with db.sessions() as s:
        speaker = s.scalar(select(Speaker).where(Speaker.name == name))
        assert speaker is not None
        return set(s.scalars(select(SpeakerAlias.alias).where(SpeakerAlias.speaker_id == speaker.id)))


def test_a_named_source_becomes_an_alias(db: Database) -> None:
    attribution = _attribution(db, "وزير الخارجية الروسي", "المحادثات كانت مفيدة")
    ReviewService(db, "mona").set_speaker(attribution, None, new_name="سيرغي لافروف")
    assert "وزير الخارجية الروسي" in _aliases(db, "سيرغي لافروف")


def test_a_generic_source_does_not(db: Database) -> None:
    attribution = _attribution(db, "المتحدث", "الوفد سيعود غدا")
    ReviewService(db, "mona").set_speaker(attribution, None, new_name="ماريا زاخاروفا")
    assert _aliases(db, "ماريا زاخاروفا") == set()
