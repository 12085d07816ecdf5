"""The schema. Offsets are character offsets into ``Document.text`` exactly as ingested."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ATTRIBUTION_TYPES = ("direct", "indirect", "mixed")
STATUSES = ("proposed", "accepted", "rejected", "corrected")
SPEAKER_KINDS = ("person", "organization", "state", "media", "unnamed", "unknown")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(512), index=True)  # file name or JSONL id
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # of the text: ingesting twice adds nothing
    text: Mapped[str] = mapped_column(Text)
    source_path: Mapped[str | None] = mapped_column(String(1024))
    outlet: Mapped[str | None] = mapped_column(String(128), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(64))  # as given by the source, not parsed
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Parsing state: the document is parsed and proposed in one transaction, so parsed_at set means
    # sentences and proposals are complete (a crash leaves it NULL and the next run redoes it).
    parsed_at: Mapped[datetime | None] = mapped_column(index=True)
    parser: Mapped[str | None] = mapped_column(String(256))
    engine_version: Mapped[str | None] = mapped_column(String(32))
    parse_error: Mapped[str | None] = mapped_column(Text)

    sentences: Mapped[list[SentenceRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="SentenceRow.index"
    )
    attributions: Mapped[list[Attribution]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class SentenceRow(Base):
    __tablename__ = "sentences"
    __table_args__ = (UniqueConstraint("document_id", "index", name="document_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # Words as rows [text, lemma, upos, feats, head, deprel, start, end]: rules can run again
    # without parsing the text again.
    words: Mapped[list[list[Any]] | None] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="sentences")


class Speaker(Base):
    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(256), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="unknown")
    gender: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id"))

    aliases: Mapped[list[SpeakerAlias]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan"
    )


class SpeakerAlias(Base):
    __tablename__ = "speaker_aliases"
    __table_args__ = (UniqueConstraint("speaker_id", "key", name="speaker_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(256))
    key: Mapped[str] = mapped_column(String(256), index=True)  # normalised for matching

    speaker: Mapped[Speaker] = relationship(back_populates="aliases")


class Attribution(Base):
    __tablename__ = "attributions"
    __table_args__ = (
        CheckConstraint("content_start <= content_end", name="content_span"),
        CheckConstraint(f"type IN {ATTRIBUTION_TYPES}", name="type"),
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        Index("ix_attributions_queue", "status", "confidence", "id"),
        # The trailing status makes these covering for the report's counts: with 1,000,000 rows a
        # count by speaker, cue or outlet reads the index only (migration 0002; docs/scale.md).
        Index("ix_attributions_document", "document_id", "content_start", "status"),
        Index("ix_attributions_speaker_id", "speaker_id", "status"),
        Index("ix_attributions_cue_lemma", "cue_lemma", "status"),
        Index("ix_attributions_report", "status", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    sentence_index: Mapped[int | None] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(16))
    content_start: Mapped[int] = mapped_column(Integer)
    content_end: Mapped[int] = mapped_column(Integer)
    cue_start: Mapped[int | None] = mapped_column(Integer)
    cue_end: Mapped[int | None] = mapped_column(Integer)
    source_start: Mapped[int | None] = mapped_column(Integer)
    source_end: Mapped[int | None] = mapped_column(Integer)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id"))  # indexed with status, above
    cue_lemma: Mapped[str | None] = mapped_column(String(64))  # indexed with status, above
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    rule: Mapped[str] = mapped_column(String(64))  # engine rule id, or "human"
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    origin: Mapped[str] = mapped_column(String(16), default="engine")  # engine | human | import
    # What the engine proposed, kept when a reviewer corrects the spans: the report measures the
    # engine against what people confirmed.
    proposed: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic locking: a reviewer saving over someone else's newer change gets a conflict, not
    # a silent overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1)

    document: Mapped[Document] = relationship(back_populates="attributions")
    speaker: Mapped[Speaker | None] = relationship()
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="attribution", cascade="all, delete-orphan", order_by="Decision.id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own declarative hook


class Decision(Base):
    """An audit row for every human decision: who, when, what, and the values before and after."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    attribution_id: Mapped[int] = mapped_column(ForeignKey("attributions.id", ondelete="CASCADE"), index=True)
    annotator: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(32))  # accept, reject, correct, create, undo, ...
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    attribution: Mapped[Attribution] = relationship(back_populates="decisions")
