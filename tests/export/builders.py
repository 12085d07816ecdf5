"""A small database built through the services and the ORM: three short Arabic articles, five
attributions with every status, speakers of several kinds, and two reviewers' decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from annotator.db import Attribution, Database, Decision, Document, Speaker
from annotator.ingest import Article
from annotator.services.documents import store_articles

TEXT_A = ('قال الرئيس كيم إن "البلاد لن تتخلى عن برنامجها". وأكدت الوزارة أن المحادثات ستستمر.\n'
          "وأضاف مسؤول: «الوضع\nمستقر تماما».")
TEXT_B = "ونقلت وكالة الأنباء عن الوزير قوله إن الاتفاق سيوقع قريبا. وبحسب مصادر، فإن الاجتماع تأجل."
TEXT_C = "الطقس مشمس اليوم في العاصمة."

ARTICLES = [
    Article(name="a.txt", text=TEXT_A, source_path="a.txt", outlet="BBC Arabic",
            published="Sun, 18 Feb 2018 21:35:43 +0400"),
    Article(name="b.txt", text=TEXT_B, source_path="b.txt", outlet="Sky News Arabia",
            published="2018-03-05T10:00:00"),
    Article(name="c.txt", text=TEXT_C, source_path="c.txt"),
]


def span(text: str, sub: str) -> tuple[int, int]:
    start = text.index(sub)
    return start, start + len(sub)


@dataclass
class Built:
    doc_ids: dict[str, int] = field(default_factory=dict)
    attribution_ids: list[int] = field(default_factory=list)  # in the order of ATTRIBUTIONS below
    speaker_ids: dict[str, int] = field(default_factory=dict)


SPEAKERS = [("كيم جونغ أون", "person"), ("وزارة الخارجية", "organization"), ("مسؤول", "unnamed"),
            ("سيرغي لافروف", "person")]

# doc, type, content, cue, source, speaker, rule, cue lemma, status, origin
ATTRIBUTIONS: list[tuple[Any, ...]] = [
    ("a.txt", "direct", '"البلاد لن تتخلى عن برنامجها"', "قال", "الرئيس كيم", "كيم جونغ أون",
     "verb_comp.direct", "قال", "accepted", "engine"),
    ("a.txt", "indirect", "المحادثات ستستمر", "وأكدت", "الوزارة", "وزارة الخارجية",
     "verb_comp.indirect", "أكد", "corrected", "engine"),
    ("a.txt", "direct", "«الوضع\nمستقر تماما»", "وأضاف", "مسؤول", "مسؤول", "colon_quote.direct", "أضاف",
     "proposed", "engine"),
    ("b.txt", "indirect", "الاتفاق سيوقع قريبا", "قوله", "الوزير", "سيرغي لافروف", "nominal.indirect", "قول",
     "rejected", "engine"),
    ("b.txt", "indirect", "الاجتماع تأجل", "وبحسب", "مصادر", None, "human", "حسب", "accepted", "human"),
]


def build(db: Database, *, decisions: bool = True) -> Built:
    built = Built()
    result = store_articles(db, ARTICLES)
    built.doc_ids = dict(zip([a.name for a in ARTICLES], result.document_ids, strict=True))
    texts = {a.name: a.text for a in ARTICLES}
    with db.session() as session:
        for name, kind in SPEAKERS:
            s = Speaker(name=name, kind=kind)
            session.add(s)
            session.flush()
            built.speaker_ids[name] = s.id
        for doc, type_, content, cue, source, speaker, rule, lemma, status, origin in ATTRIBUTIONS:
            text = texts[doc]
            (cs, ce), (qs, qe), (ss, se) = span(text, content), span(text, cue), span(text, source)
            a = Attribution(document_id=built.doc_ids[doc], type=type_, content_start=cs, content_end=ce,
                            cue_start=qs, cue_end=qe, source_start=ss, source_end=se,
                            speaker_id=built.speaker_ids.get(speaker) if speaker else None, cue_lemma=lemma,
                            confidence=0.8, rule=rule, status=status, origin=origin,
                            reviewed_by="alice" if status != "proposed" else None)
            if status == "corrected":
                # the engine proposed a content span two characters longer on the left
                a.proposed = {"type": type_, "content_start": cs - 2, "content_end": ce, "cue_start": qs,
                              "cue_end": qe, "source_start": ss, "source_end": se, "speaker_id": a.speaker_id}
            session.add(a)
            session.flush()
            built.attribution_ids.append(a.id)
        if decisions:
            add_decisions(session, built)
    return built


def _after(a: Attribution, status: str) -> dict[str, Any]:
    return {"type": a.type, "status": status, "content_start": a.content_start, "content_end": a.content_end,
            "cue_start": a.cue_start, "cue_end": a.cue_end, "source_start": a.source_start,
            "source_end": a.source_end, "speaker_id": a.speaker_id}


def add_decisions(session: Any, built: Built) -> None:
    """alice and bob on attributions 1, 2 and 4 (bob changed his mind on 1: his last decision counts)."""
    first, second, _, fourth, _ = (session.get_one(Attribution, i) for i in built.attribution_ids)
    t = datetime(2026, 1, 1, tzinfo=UTC)
    plan = [("bob", first, "reject", "rejected"), ("alice", first, "accept", "accepted"),
            ("bob", first, "accept", "accepted"), ("alice", second, "content_start_shrink", "corrected"),
            ("bob", second, "reject", "rejected"), ("alice", fourth, "reject", "rejected"),
            ("bob", fourth, "reject", "rejected"), ("carol", first, "merge_speaker", "accepted")]
    for annotator, a, action, status in plan:
        session.add(Decision(attribution_id=a.id, annotator=annotator, action=action, before=None,
                             after=_after(a, status), created_at=t))
        session.flush()


def document_texts(db: Database) -> dict[str, str]:
    from sqlalchemy import select

    with db.sessions() as session:
        return dict(session.execute(select(Document.name, Document.text)).all())
