"""Reviewing attributions: the queue, the item a reviewer looks at, and every decision they make.

The review UI talks only to :class:`ReviewService` (no SQL, no ORM objects cross this boundary:
items are plain frozen values). Every decision is committed at once as a ``Decision`` row with
before/after snapshots of the attribution, so killing the terminal loses nothing. Two reviewers on
one database are kept apart by the attribution's ``version`` column (optimistic locking): saving
over a newer change raises :class:`~annotator.errors.ConflictError` instead of overwriting it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, String, func, literal_column, select, tuple_
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from annotator.db import Attribution, Database, Decision, Document, SentenceRow, Speaker
from annotator.db.models import ATTRIBUTION_TYPES, STATUSES
from annotator.engine.speakers import clean_mention, generic_name
from annotator.errors import ConflictError, InputError
from annotator.lang.ar import lexicon
from annotator.lang.ar.normalize import name_key
from annotator.services.speakers import add_alias as store_alias

SpanName = Literal["content", "cue", "source"]
Edge = Literal["start", "end"]
Order = Literal["confidence", "document"]
SPAN_NAMES: tuple[SpanName, ...] = ("content", "cue", "source")
REVIEWED = ("accepted", "rejected", "corrected")
# The attribution's columns a decision can change; snapshots hold these (plus the version).
SNAPSHOT_FIELDS = ("type", "status", "content_start", "content_end", "cue_start", "cue_end", "source_start",
                   "source_end", "speaker_id", "proposed", "reviewed_by", "reviewed_at")
# What the engine proposed, kept in Attribution.proposed on the first correction.
ENGINE_FIELDS = ("type", "content_start", "content_end", "cue_start", "cue_end", "source_start", "source_end",
                 "speaker_id")
_QUOTES_OPEN = "«\"“'‘"
_QUOTES_CLOSE = "»\"”'’"


# ----------------------------------------------------------------------------- values the UI sees


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SentenceView:
    index: int
    start: int
    end: int
    text: str  # the document text [start:end]
    words: tuple[tuple[int, int], ...]  # word offsets into the document text


@dataclass(frozen=True)
class ItemView:
    id: int
    version: int
    document_id: int
    document_name: str
    sentence_index: int | None
    type: str
    status: str
    origin: str
    confidence: float
    rule: str
    content: Span
    cue: Span | None
    source: Span | None
    speaker_id: int | None
    speaker: str | None
    reviewed_by: str | None
    sentences: tuple[SentenceView, ...]  # the sentences the spans touch, with one neighbour either side

    def span(self, which: SpanName) -> Span | None:
        return {"content": self.content, "cue": self.cue, "source": self.source}[which]


@dataclass(frozen=True)
class Progress:
    reviewed: int
    total: int
    document_reviewed: int
    document_total: int


@dataclass(frozen=True)
class SpeakerHit:
    id: int
    name: str
    aliases: tuple[str, ...]
    matched: str  # the name or alias that matched
    score: float


@dataclass(frozen=True)
class SpeakerRow:
    id: int
    name: str
    kind: str
    aliases: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class DocumentAttribution:
    id: int
    type: str
    status: str
    content: tuple[int, int]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    speaker: str | None


@dataclass(frozen=True)
class DocumentView:
    id: int
    name: str
    sentences: tuple[SentenceView, ...]
    attributions: tuple[DocumentAttribution, ...]


@dataclass(frozen=True)
class QueueFilter:
    statuses: tuple[str, ...] = ("proposed",)
    documents: tuple[str, ...] = ()  # names or ids
    speakers: tuple[str, ...] = ()  # names, aliases or ids
    types: tuple[str, ...] = ()
    min_confidence: float | None = None
    max_confidence: float | None = None
    order: Order = "confidence"

    def __post_init__(self) -> None:
        for s in self.statuses:
            if s not in STATUSES:
                raise InputError(f"unknown status {s!r} (one of {', '.join(STATUSES)})")
        for t in self.types:
            if t not in ATTRIBUTION_TYPES:
                raise InputError(f"unknown type {t!r} (one of {', '.join(ATTRIBUTION_TYPES)})")
        if self.order not in ("confidence", "document"):
            raise InputError(f"unknown order {self.order!r} (confidence or document)")


QueueKey = tuple[Any, ...]  # the sort key of a queue position; its last element is the attribution id


# ----------------------------------------------------------------------------- pure helpers


def snapshot(a: Attribution) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(a, name) for name in SNAPSHOT_FIELDS}
    if isinstance(data["reviewed_at"], datetime):
        data["reviewed_at"] = data["reviewed_at"].isoformat()
    data["version"] = a.version
    return data


def restore(a: Attribution, data: dict[str, Any]) -> None:
    for name in SNAPSHOT_FIELDS:
        value = data.get(name)
        if name == "reviewed_at" and isinstance(value, str):
            value = datetime.fromisoformat(value)
        setattr(a, name, value)


def move_boundary(words: Sequence[tuple[int, int]], start: int, end: int, edge: Edge,
                  grow: bool) -> tuple[int, int] | None:
    """The span with one boundary moved by one word; None when it cannot move.

    ``grow`` moves the start one word earlier or the end one word later; shrinking never leaves
    a span without a word.
    """
    if edge == "start":
        if grow:
            earlier = [w for w in words if w[0] < start]
            return (earlier[-1][0], end) if earlier else None
        later = [w for w in words if w[0] > start and w[1] <= end]
        return (later[0][0], end) if later else None
    if grow:
        later = [w for w in words if w[1] > end]
        return (start, later[0][1]) if later else None
    earlier = [w for w in words if w[1] < end and w[0] >= start]
    return (start, earlier[-1][1]) if earlier else None


def search_key(text: str) -> str:
    """name_key for Arabic, plus case and accent folding for Latin names."""
    key = unicodedata.normalize("NFKD", name_key(text).casefold())
    return "".join(ch for ch in key if not unicodedata.combining(ch))


def match_score(query: str, key: str) -> float:
    """How well a search key matches a name key: exact > prefix > word prefix > substring > similar."""
    if not query or not key:
        return 0.0
    if query == key:
        return 1.0
    if key.startswith(query):
        return 0.9
    if any(token.startswith(query) for token in key.split()):
        return 0.85
    if query in key:
        return 0.8
    ratio = difflib.SequenceMatcher(None, query, key).ratio()
    best_token = max(difflib.SequenceMatcher(None, query, token).ratio() for token in key.split())
    return 0.7 * max(ratio, best_token)


def guess_type(content_text: str) -> str:
    """A span that the reviewer selected with its quote marks is a direct quotation."""
    text = content_text.strip()
    if len(text) >= 2 and text[0] in _QUOTES_OPEN and text[-1] in _QUOTES_CLOSE:
        return "direct"
    return "indirect"


def _words_of(row: SentenceRow) -> tuple[tuple[int, int], ...]:
    return tuple((int(w[6]), int(w[7])) for w in row.words or [])


def _fallback_words(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Words by white space, for documents stored without a parse (imported ones)."""
    return tuple((m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end]))


def _now() -> datetime:
    return datetime.now(UTC)


# ----------------------------------------------------------------------------- the service


@dataclass
class _SpeakerIndex:
    entries: list[tuple[int, str, tuple[str, ...], list[tuple[str, str]]]] = field(default_factory=list)


class ReviewService:
    """Everything the review UI does to the database, for one reviewer (``annotator``)."""

    def __init__(self, db: Database, annotator: str) -> None:
        if not annotator.strip():
            raise InputError("the annotator name must not be empty")
        self.db = db
        self.annotator = annotator.strip()
        self.undo_stack: list[int] = []  # this session's decision ids, newest last
        # The version an older decision's undo expects once newer ones on the same attribution
        # were undone (each undo is a change of its own and bumps the version).
        self._undo_version: dict[int, int] = {}
        self._speakers: _SpeakerIndex | None = None

    # ------------------------------------------------------------------ queue

    def _conditions(self, session: Session, flt: QueueFilter) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if flt.documents:
            ids = [int(d) for d in flt.documents if d.isdigit()]
            found = list(session.scalars(select(Document.id).where(
                Document.name.in_(flt.documents) | Document.id.in_(ids))))
            conds.append(Attribution.document_id.in_(found))
        if flt.speakers:
            conds.append(Attribution.speaker_id.in_(self._resolve_speakers(session, flt.speakers)))
        if flt.types:
            conds.append(Attribution.type.in_(flt.types))
        if flt.min_confidence is not None:
            conds.append(Attribution.confidence >= flt.min_confidence)
        if flt.max_confidence is not None:
            conds.append(Attribution.confidence <= flt.max_confidence)
        return conds

    def _resolve_speakers(self, session: Session, names: Sequence[str]) -> list[int]:
        ids = {int(n) for n in names if n.isdigit()}
        keys = {search_key(n) for n in names if not n.isdigit()}
        for sid, name, _aliases, entry_keys in self._speaker_index(session).entries:
            if search_key(name) in keys or any(k in keys for _, k in entry_keys):
                ids.add(sid)
        # Attributions of speakers merged into a chosen one belong to it too.
        ids |= set(session.scalars(select(Speaker.id).where(Speaker.merged_into_id.in_(ids))))
        return sorted(ids)

    def page(self, flt: QueueFilter, after: QueueKey | None = None, limit: int = 20,
             backwards: bool = False) -> list[QueueKey]:
        """Queue positions after (or before) ``after`` in queue order: keyset pagination.

        In confidence order each status is one range scan of ix_attributions_queue
        (status, confidence, id), merged here; the cost does not grow with the queue's length.
        """
        with self.db.sessions() as session:
            conds = self._conditions(session, flt)
            if flt.order == "confidence":
                cols: tuple[Any, ...] = (Attribution.confidence, Attribution.id)
                groups = [[Attribution.status == s] for s in flt.statuses]
            else:
                cols = (Attribution.document_id, Attribution.content_start, Attribution.id)
                status: Any = Attribution.status
                if self.db.engine.dialect.name == "sqlite":
                    # "+status" keeps SQLite from picking the status index and sorting the whole
                    # queue; it walks ix_attributions_document in order instead.
                    status = literal_column("+attributions.status", String)
                groups = [[status.in_(flt.statuses)]]
            keys: list[QueueKey] = []
            for group in groups:
                query = select(*cols).where(*group, *conds)
                if after is not None:
                    bound = tuple_(*cols) < tuple_(*after) if backwards else tuple_(*cols) > tuple_(*after)
                    query = query.where(bound)
                query = query.order_by(*(c.desc() if backwards else c.asc() for c in cols)).limit(limit)
                keys.extend(tuple(row) for row in session.execute(query))
        keys.sort(reverse=backwards)
        return keys[:limit]

    def queue(self, flt: QueueFilter | None = None) -> ReviewQueue:
        return ReviewQueue(self, flt or QueueFilter())

    def key_of(self, attribution_id: int, order: Order) -> QueueKey | None:
        with self.db.sessions() as session:
            a = session.get(Attribution, attribution_id)
            if a is None:
                return None
            if order == "confidence":
                return (a.confidence, a.id)
            return (a.document_id, a.content_start, a.id)

    # ------------------------------------------------------------------ reading

    def item(self, attribution_id: int) -> ItemView:
        with self.db.sessions() as session:
            a = session.get(Attribution, attribution_id)
            if a is None:
                raise InputError(f"attribution {attribution_id} does not exist")
            return self._item_view(session, a)

    def _item_view(self, session: Session, a: Attribution) -> ItemView:
        name, text = session.execute(select(Document.name, Document.text)
                                     .where(Document.id == a.document_id)).one()
        spans = [(a.content_start, a.content_end)]
        spans += [(s, e) for s, e in ((a.cue_start, a.cue_end), (a.source_start, a.source_end))
                  if s is not None and e is not None]
        lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
        sentences = self._sentences_around(session, a.document_id, text, lo, hi)
        speaker = session.get(Speaker, a.speaker_id) if a.speaker_id is not None else None

        def span(start: int | None, end: int | None) -> Span | None:
            return None if start is None or end is None else Span(start, end, text[start:end])

        content = span(a.content_start, a.content_end)
        assert content is not None
        return ItemView(
            id=a.id, version=a.version, document_id=a.document_id, document_name=name,
            sentence_index=a.sentence_index, type=a.type, status=a.status, origin=a.origin,
            confidence=float(a.confidence), rule=a.rule, content=content,
            cue=span(a.cue_start, a.cue_end), source=span(a.source_start, a.source_end),
            speaker_id=a.speaker_id, speaker=speaker.name if speaker else None, reviewed_by=a.reviewed_by,
            sentences=sentences,
        )

    def _sentences_around(self, session: Session, document_id: int, text: str, lo: int,
                          hi: int) -> tuple[SentenceView, ...]:
        touched = list(session.scalars(select(SentenceRow.index).where(
            SentenceRow.document_id == document_id, SentenceRow.end > lo, SentenceRow.start < hi)))
        if not touched:  # no stored parse: show the line around the spans
            start = text.rfind("\n", 0, lo) + 1
            end_at = text.find("\n", hi)
            end = len(text) if end_at < 0 else end_at
            return (SentenceView(0, start, end, text[start:end], _fallback_words(text, start, end)),)
        rows = session.scalars(select(SentenceRow).where(
            SentenceRow.document_id == document_id,
            SentenceRow.index.between(min(touched) - 1, max(touched) + 1)).order_by(SentenceRow.index))
        return tuple(SentenceView(r.index, r.start, r.end, text[r.start:r.end], _words_of(r)) for r in rows)

    def document(self, document_id: int) -> DocumentView:
        """The whole article with all its attributions (rejected ones included, marked as such)."""
        with self.db.sessions() as session:
            doc = session.get(Document, document_id)
            if doc is None:
                raise InputError(f"document {document_id} does not exist")
            rows = session.scalars(select(SentenceRow).where(SentenceRow.document_id == document_id)
                                   .order_by(SentenceRow.index)).all()
            sentences = tuple(SentenceView(r.index, r.start, r.end, doc.text[r.start:r.end], _words_of(r))
                              for r in rows)
            if not sentences:
                sentences = tuple(SentenceView(i, s, e, doc.text[s:e], _fallback_words(doc.text, s, e))
                                  for i, (s, e) in enumerate(_lines(doc.text)))
            names = dict(session.execute(select(Speaker.id, Speaker.name)).all())
            attributions = tuple(
                DocumentAttribution(
                    a.id, a.type, a.status, (a.content_start, a.content_end),
                    (a.cue_start, a.cue_end) if a.cue_start is not None and a.cue_end is not None else None,
                    (a.source_start, a.source_end)
                    if a.source_start is not None and a.source_end is not None else None,
                    names.get(a.speaker_id) if a.speaker_id is not None else None)
                for a in session.scalars(select(Attribution).where(Attribution.document_id == document_id)
                                         .order_by(Attribution.content_start, Attribution.id)))
            return DocumentView(doc.id, doc.name, sentences, attributions)

    def document_id(self, names: Sequence[str]) -> int | None:
        """The id of the one document named (by name or id), None unless exactly one matches."""
        if len(names) != 1:
            return None
        name = names[0]
        with self.db.sessions() as session:
            ids = list(session.scalars(select(Document.id).where(
                (Document.name == name) | (Document.id == (int(name) if name.isdigit() else -1))).limit(2)))
        return ids[0] if len(ids) == 1 else None

    def progress(self, document_id: int | None = None) -> Progress:
        """Reviewed / total over the whole database and for one document."""
        # Plain counts, not GROUP BY status: count(*) and a range of the queue index are a
        # millisecond each with 100,000 attributions, a grouping is twenty.
        def count(*where: ColumnElement[bool]) -> int:
            return int(session.scalar(select(func.count()).select_from(Attribution).where(*where)) or 0)

        reviewed = Attribution.status.in_(REVIEWED)
        with self.db.sessions() as session:
            if document_id is None:
                return Progress(count(reviewed), count(), 0, 0)
            here = Attribution.document_id == document_id
            return Progress(count(reviewed), count(), count(here, reviewed), count(here))

    def history(self, attribution_id: int) -> list[dict[str, Any]]:
        """The decisions on one attribution, oldest first."""
        with self.db.sessions() as session:
            rows = session.scalars(select(Decision).where(Decision.attribution_id == attribution_id)
                                   .order_by(Decision.id))
            return [{"id": d.id, "annotator": d.annotator, "action": d.action, "before": d.before,
                     "after": d.after, "at": d.created_at.isoformat()} for d in rows]

    # ------------------------------------------------------------------ decisions

    def _load(self, session: Session, attribution_id: int, version: int | None) -> Attribution:
        a = session.get(Attribution, attribution_id)
        if a is None:
            raise ConflictError(f"attribution {attribution_id} no longer exists")
        if version is not None and a.version != version:
            who = a.reviewed_by or "someone else"
            raise ConflictError(f"attribution {attribution_id} was changed by {who} since you opened it; "
                                "reloaded")
        return a

    def _decide(self, attribution_id: int, version: int | None, action: str,
                change: Callable[[Session, Attribution], None], *, undoable: bool = True,
                stamp: bool = True) -> ItemView:
        """Load, check the version, change, record the decision and commit: one transaction.

        ``stamp`` marks the attribution as reviewed by this reviewer now (an undo restores the
        earlier reviewer and time instead).
        """
        with self.db.sessions() as session:
            try:
                with session.begin():
                    a = self._load(session, attribution_id, version)
                    before = snapshot(a)
                    change(session, a)
                    now = _now()
                    if stamp:
                        a.reviewed_by = self.annotator
                        a.reviewed_at = now
                    session.flush()  # bumps the version; a stale one raises StaleDataError
                    decision = Decision(attribution_id=a.id, annotator=self.annotator, action=action,
                                        before=before, after=snapshot(a), created_at=now)
                    session.add(decision)
                    session.flush()
                    decision_id = decision.id
            except StaleDataError as exc:
                raise ConflictError(f"attribution {attribution_id} was changed by another reviewer at the "
                                    "same time; reloaded") from exc
            if undoable:
                self.undo_stack.append(decision_id)
            return self._item_view(session, session.get_one(Attribution, attribution_id))

    def accept(self, attribution_id: int, version: int | None) -> ItemView:
        def change(_s: Session, a: Attribution) -> None:
            a.status = "corrected" if a.proposed is not None else "accepted"
        return self._decide(attribution_id, version, "accept", change)

    def reject(self, attribution_id: int, version: int | None) -> ItemView:
        def change(_s: Session, a: Attribution) -> None:
            a.status = "rejected"
        return self._decide(attribution_id, version, "reject", change)

    def _correct(self, attribution_id: int, version: int | None, action: str,
                 edit: Callable[[Session, Attribution], None]) -> ItemView:
        """A change to spans, speaker or type: the engine's values are kept on the first one."""
        def change(session: Session, a: Attribution) -> None:
            engine_values = {name: getattr(a, name) for name in ENGINE_FIELDS}
            edit(session, a)
            if all(getattr(a, name) == value for name, value in engine_values.items()):
                raise InputError("nothing changed")
            if a.origin == "human":  # a reviewer's own attribution has no engine values to keep
                a.status = "accepted"
                return
            if a.proposed is None:
                a.proposed = engine_values
            a.status = "corrected"
        return self._decide(attribution_id, version, action, change)

    def set_type(self, attribution_id: int, version: int | None, type_: str) -> ItemView:
        if type_ not in ATTRIBUTION_TYPES:
            raise InputError(f"unknown type {type_!r} (one of {', '.join(ATTRIBUTION_TYPES)})")

        def edit(_s: Session, a: Attribution) -> None:
            a.type = type_
        return self._correct(attribution_id, version, "type", edit)

    def set_speaker(self, attribution_id: int, version: int | None, speaker_id: int | None = None,
                    new_name: str | None = None) -> ItemView:
        """Point the attribution at an existing speaker, or at a new one created by name."""
        def edit(session: Session, a: Attribution) -> None:
            a.speaker_id = self._speaker_for(session, speaker_id, new_name)
            self._learn_alias(session, a)
        return self._correct(attribution_id, version, "speaker", edit)

    def _learn_alias(self, session: Session, a: Attribution) -> None:
        """The registry grows from reviews: a source that names someone (not a generic phrase such as
        المتحدث) becomes an alias of the speaker the reviewer chose, so the engine gets it right next time."""
        if a.speaker_id is None or a.source_start is None or a.source_end is None:
            return
        text = session.get_one(Document, a.document_id).text[a.source_start:a.source_end]
        mention = clean_mention(text)
        speaker = session.get(Speaker, a.speaker_id)
        if speaker is not None and mention and not generic_name(mention, lexicon()):
            store_alias(session, speaker, mention)
            self._speakers = None

    def _speaker_for(self, session: Session, speaker_id: int | None, new_name: str | None) -> int | None:
        if new_name is not None:
            name = " ".join(new_name.split())
            if not name:
                raise InputError("a new speaker needs a name")
            speaker = session.scalar(select(Speaker).where(Speaker.name == name))
            if speaker is None:
                speaker = Speaker(name=name, kind="unknown")
                session.add(speaker)
                session.flush()
                self._speakers = None
            speaker_id = speaker.id
        if speaker_id is None:
            return None
        seen: set[int] = set()
        while True:  # follow merges to the speaker that is still in use
            speaker = session.get(Speaker, speaker_id)
            if speaker is None:
                raise InputError(f"speaker {speaker_id} does not exist")
            if speaker.merged_into_id is None or speaker.id in seen:
                return speaker.id
            seen.add(speaker.id)
            speaker_id = speaker.merged_into_id

    def _document_words(self, session: Session, a: Attribution) -> list[tuple[int, int]]:
        rows = session.scalars(select(SentenceRow).where(SentenceRow.document_id == a.document_id)
                               .order_by(SentenceRow.index)).all()
        words = [w for r in rows for w in _words_of(r)]
        if not words:
            text = session.scalar(select(Document.text).where(Document.id == a.document_id)) or ""
            words = list(_fallback_words(text, 0, len(text)))
        return words

    def adjust_span(self, attribution_id: int, version: int | None, which: SpanName, edge: Edge,
                    grow: bool) -> ItemView:
        """Move one boundary of a span by one word of the stored parse."""
        def edit(session: Session, a: Attribution) -> None:
            start, end = getattr(a, f"{which}_start"), getattr(a, f"{which}_end")
            if start is None or end is None:
                raise InputError(f"this attribution has no {which} span: select words (e) to set one")
            moved = move_boundary(self._document_words(session, a), start, end, edge, grow)
            if moved is None:
                raise InputError(f"the {which} {edge} cannot move further")
            setattr(a, f"{which}_start", moved[0])
            setattr(a, f"{which}_end", moved[1])
        action = f"{which}_{edge}_{'grow' if grow else 'shrink'}"
        return self._correct(attribution_id, version, action, edit)

    def set_span(self, attribution_id: int, version: int | None, which: SpanName,
                 span: tuple[int, int] | None) -> ItemView:
        """Set a span to a selection (or remove a cue/source span with None)."""
        def edit(session: Session, a: Attribution) -> None:
            if span is None:
                if which == "content":
                    raise InputError("an attribution always has content")
                setattr(a, f"{which}_start", None)
                setattr(a, f"{which}_end", None)
                return
            self._check_span(session, a.document_id, span)
            setattr(a, f"{which}_start", span[0])
            setattr(a, f"{which}_end", span[1])
        return self._correct(attribution_id, version, f"{which}_set", edit)

    def _check_span(self, session: Session, document_id: int, span: tuple[int, int]) -> None:
        length = session.scalar(select(func.length(Document.text)).where(Document.id == document_id)) or 0
        if not 0 <= span[0] < span[1] <= length:
            raise InputError(f"span {span[0]}-{span[1]} is not inside the document")

    def add(self, document_id: int, content: tuple[int, int], *, cue: tuple[int, int] | None = None,
            source: tuple[int, int] | None = None, speaker_id: int | None = None,
            new_speaker: str | None = None, type_: str | None = None) -> ItemView:
        """An attribution the engine missed; it is the reviewer's own, so it starts accepted."""
        with self.db.sessions() as session, session.begin():
            for span in (content, cue, source):
                if span is not None:
                    self._check_span(session, document_id, span)
            text = session.scalar(select(Document.text).where(Document.id == document_id)) or ""
            sentence = session.scalar(select(SentenceRow.index).where(
                SentenceRow.document_id == document_id, SentenceRow.start <= content[0],
                SentenceRow.end > content[0]))
            if type_ is not None and type_ not in ATTRIBUTION_TYPES:
                raise InputError(f"unknown type {type_!r} (one of {', '.join(ATTRIBUTION_TYPES)})")
            now = _now()
            a = Attribution(
                document_id=document_id, sentence_index=sentence,
                type=type_ or guess_type(text[content[0]:content[1]]),
                content_start=content[0], content_end=content[1],
                cue_start=cue[0] if cue else None, cue_end=cue[1] if cue else None,
                source_start=source[0] if source else None, source_end=source[1] if source else None,
                speaker_id=self._speaker_for(session, speaker_id, new_speaker),
                confidence=1.0, rule="human", status="accepted", origin="human",
                reviewed_by=self.annotator, reviewed_at=now,
            )
            session.add(a)
            session.flush()
            decision = Decision(attribution_id=a.id, annotator=self.annotator, action="create", before=None,
                                after=snapshot(a), created_at=now)
            session.add(decision)
            session.flush()
            self.undo_stack.append(decision.id)
            return self._item_view(session, a)

    def undo(self) -> ItemView | None:
        """Take back this session's newest decision; None when there is nothing to undo.

        The attribution gets the values it had before that decision, recorded as an 'undo' decision.
        Undoing an added attribution marks it rejected (the row and its history stay).
        """
        if not self.undo_stack:
            return None
        decision_id = self.undo_stack[-1]
        with self.db.sessions() as session:
            decision = session.get_one(Decision, decision_id)
            attribution_id = decision.attribution_id
            expected = self._undo_version.pop(decision_id, (decision.after or {}).get("version"))
            before = decision.before
        try:
            if before is None:
                def change(_s: Session, a: Attribution) -> None:
                    a.status = "rejected"
            else:
                def change(_s: Session, a: Attribution) -> None:
                    restore(a, before)
            view = self._decide(attribution_id, expected, "undo", change, undoable=False,
                                stamp=before is None)
        except ConflictError as exc:
            self.undo_stack.pop()  # someone changed it since: that decision cannot be taken back here
            raise ConflictError(f"cannot undo: {exc}") from exc
        self.undo_stack.pop()
        self._continue_undo_chain(attribution_id, (before or {}).get("version"), view.version)
        return view

    def _continue_undo_chain(self, attribution_id: int, restored_version: int | None, now: int) -> None:
        """Let the next older decision on this attribution be undone from the version just written,
        provided nobody changed the attribution between that decision and the one undone."""
        with self.db.sessions() as session:
            for older_id in reversed(self.undo_stack):
                older = session.get_one(Decision, older_id)
                if older.attribution_id == attribution_id:
                    if (older.after or {}).get("version") == restored_version:
                        self._undo_version[older_id] = now
                    return

    # ------------------------------------------------------------------ speakers

    def _speaker_index(self, session: Session) -> _SpeakerIndex:
        if self._speakers is None:
            index = _SpeakerIndex()
            rows = session.scalars(select(Speaker).where(Speaker.merged_into_id.is_(None))
                                   .options(selectinload(Speaker.aliases)).order_by(Speaker.id))
            for s in rows:
                aliases = tuple(a.alias for a in s.aliases)
                keys = [(n, search_key(n)) for n in (s.name, *aliases)]
                index.entries.append((s.id, s.name, aliases, keys))
            self._speakers = index
        return self._speakers

    def search_speakers(self, query: str, limit: int = 20) -> list[SpeakerHit]:
        """Fuzzy search over names and aliases (Arabic spelling variants and Latin case folded)."""
        q = search_key(query)
        with self.db.sessions() as session:
            entries = self._speaker_index(session).entries
        hits = []
        for sid, name, aliases, keys in entries:
            if not q:
                hits.append(SpeakerHit(sid, name, aliases, name, 0.0))
                continue
            score, matched = max((match_score(q, key), label) for label, key in keys)
            if score >= 0.45:
                hits.append(SpeakerHit(sid, name, aliases, matched, score))
        hits.sort(key=lambda h: (-h.score, h.name))
        return hits[:limit]

    def speakers(self) -> list[SpeakerRow]:
        """Speakers in use (not merged away) with their attribution counts, most used first."""
        with self.db.sessions() as session:
            counts = dict(session.execute(select(Attribution.speaker_id, func.count())
                                          .group_by(Attribution.speaker_id)).all())
            rows = session.scalars(select(Speaker).where(Speaker.merged_into_id.is_(None))
                                   .options(selectinload(Speaker.aliases)))
            out = [SpeakerRow(s.id, s.name, s.kind, tuple(a.alias for a in s.aliases),
                              int(counts.get(s.id, 0))) for s in rows]
        out.sort(key=lambda r: (-r.count, r.name))
        return out

    def add_alias(self, speaker_id: int, alias: str) -> bool:
        with self.db.session() as session:
            speaker = session.get(Speaker, speaker_id)
            if speaker is None:
                raise InputError(f"speaker {speaker_id} does not exist")
            if not alias.strip():
                raise InputError("an alias must not be empty")
            known = {search_key(n) for n in (speaker.name, *(a.alias for a in speaker.aliases))}
            added = search_key(alias) not in known and bool(store_alias(session, speaker, alias))
        self._speakers = None
        return added

    def merge_speakers(self, source_id: int, target_id: int) -> int:
        """Merge ``source`` into ``target``: its attributions, name and aliases go to the target.

        Each reassigned attribution gets a 'merge_speaker' decision; the source speaker stays,
        marked with merged_into_id. Returns how many attributions were reassigned.
        """
        if source_id == target_id:
            raise InputError("cannot merge a speaker into itself")
        try:
            with self.db.session() as session:
                source = session.get(Speaker, source_id)
                target = session.get(Speaker, target_id)
                if source is None or target is None:
                    raise InputError("both speakers must exist")
                if target.merged_into_id is not None:
                    raise InputError(f"{target.name} was itself merged; merge into the speaker it went to")
                for name in (source.name, *(a.alias for a in source.aliases)):
                    store_alias(session, target, name)
                moved = self._reassign(session, source_id, target_id)
                for earlier in session.scalars(select(Speaker).where(Speaker.merged_into_id == source_id)):
                    earlier.merged_into_id = target_id
                source.merged_into_id = target_id
        except StaleDataError as exc:
            raise ConflictError("another reviewer changed one of these attributions at the same time; "
                                "nothing was merged") from exc
        self._speakers = None
        return moved

    def _reassign(self, session: Session, source_id: int, target_id: int) -> int:
        now = _now()
        moved = 0
        for a in session.scalars(select(Attribution).where(Attribution.speaker_id == source_id)).all():
            before = snapshot(a)
            a.speaker_id = target_id
            session.flush()
            session.add(Decision(attribution_id=a.id, annotator=self.annotator, action="merge_speaker",
                                 before=before, after=snapshot(a), created_at=now))
            moved += 1
        return moved


def _lines(text: str) -> list[tuple[int, int]]:
    spans = []
    at = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


class ReviewQueue:
    """A reviewer's walk through the queue: keyset steps forward, a history to step back through.

    Items decided on leave a "proposed" queue, yet stepping back shows them again (from the
    history), and stepping forward from the furthest item continues the keyset scan after its key.
    """

    def __init__(self, service: ReviewService, flt: QueueFilter) -> None:
        self.service = service
        self.filter = flt
        self.history: list[QueueKey] = []
        self.position = -1

    @property
    def current(self) -> int | None:
        return int(self.history[self.position][-1]) if 0 <= self.position < len(self.history) else None

    def start(self, at: int | None = None) -> int | None:
        """Begin at the first item of the queue (or at attribution ``at``)."""
        self.history, self.position = [], -1
        if at is not None:
            key = self.service.key_of(at, self.filter.order)
            if key is not None:
                self.history, self.position = [key], 0
                return at
        return self.next()

    def next(self) -> int | None:
        """The next item, or None at the end of the queue (the position stays)."""
        if self.position + 1 < len(self.history):
            self.position += 1
            return self.current
        after = self.history[-1] if self.history else None
        keys = self.service.page(self.filter, after, limit=1)
        if not keys:
            return None
        self.history.append(keys[0])
        self.position = len(self.history) - 1
        return self.current

    def previous(self) -> int | None:
        """The item before, or None at the start of the queue."""
        if self.position > 0:
            self.position -= 1
            return self.current
        if not self.history:
            return None
        keys = self.service.page(self.filter, self.history[0], limit=1, backwards=True)
        if not keys:
            return None
        self.history.insert(0, keys[0])
        self.position = 0
        return self.current

    def goto(self, attribution_id: int) -> None:
        """Make an item current: back to it in the history, or put in after the current one
        (a newly added attribution, the item an undo changed)."""
        for at, key in enumerate(self.history):
            if key[-1] == attribution_id:
                self.position = at
                return
        found = self.service.key_of(attribution_id, self.filter.order)
        if found is not None:
            self.history.insert(self.position + 1, found)
            self.position += 1


_FILTER_FIELDS = {"status": "statuses", "doc": "documents", "speaker": "speakers", "type": "types"}


def parse_filter(text: str) -> QueueFilter:
    """A filter from ``status:proposed,corrected type:direct doc:NAME speaker:NAME min:0.5 max:0.9
    order:document``; a value with spaces is written with ``_`` (speaker:فلاديمير_بوتين)."""
    lists: dict[str, tuple[str, ...]] = {}
    numbers: dict[str, float] = {}
    order = "confidence"
    for token in text.split():
        name, sep, value = token.partition(":")
        if not sep or not value:
            raise InputError(f"filter {token!r}: write name:value (status doc speaker type min max order)")
        values = tuple(v.replace("_", " ") for v in value.split(",") if v)
        if name in _FILTER_FIELDS:
            key = _FILTER_FIELDS[name]
            lists[key] = ("proposed", *REVIEWED) if key == "statuses" and values == ("all",) else values
        elif name in ("min", "max"):
            try:
                numbers[name] = float(value)
            except ValueError as exc:
                raise InputError(f"filter {token!r}: {name} needs a number") from exc
        elif name == "order":
            order = value
        else:
            raise InputError(f"filter {token!r}: unknown name {name!r}")
    return QueueFilter(statuses=lists.get("statuses", ("proposed",)), documents=lists.get("documents", ()),
                       speakers=lists.get("speakers", ()), types=lists.get("types", ()),
                       min_confidence=numbers.get("min"), max_confidence=numbers.get("max"),
                       order=order)  # type: ignore[arg-type]


def format_filter(flt: QueueFilter) -> str:
    """The text parse_filter reads back into the same filter."""
    parts = [f"status:{','.join(flt.statuses)}"]
    for name, values in (("doc", flt.documents), ("speaker", flt.speakers), ("type", flt.types)):
        if values:
            parts.append(f"{name}:{','.join(v.replace(' ', '_') for v in values)}")
    if flt.min_confidence is not None:
        parts.append(f"min:{flt.min_confidence:g}")
    if flt.max_confidence is not None:
        parts.append(f"max:{flt.max_confidence:g}")
    parts.append(f"order:{flt.order}")
    return " ".join(parts)
