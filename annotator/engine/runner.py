"""Run the rules over a document, merge overlapping proposals, and resolve speakers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from annotator.engine.context import DocContext
from annotator.engine.coref import build_entities
from annotator.engine.proposal import Proposal, Span
from annotator.engine.rules import RULE_OF_PREFIX, RULE_PRIORITY, RULES
from annotator.engine.speakers import DocSpeakers, SpeakerEntry, SpeakerRegistry
from annotator.lang.ar import lexicon
from annotator.nlp.types import ParsedDocument

BARE_QUOTE_REACH = 2  # sentences a continuing quote may be from the last attribution
MIN_UNRESOLVED_CONFIDENCE = 0.45


@dataclass
class DocumentResult:
    proposals: list[Proposal]
    new_speakers: list[SpeakerEntry] = field(default_factory=list)
    # speaker name -> entry, for every speaker the proposals name
    speakers: dict[str, SpeakerEntry] = field(default_factory=dict)


def _priority(p: Proposal) -> tuple[int, float]:
    rule = RULE_OF_PREFIX.get(p.rule.split(".")[0], "")
    return (-RULE_PRIORITY.get(rule, 99), p.confidence)


def _same_statement(a: Proposal, b: Proposal) -> bool:
    overlap = a.content.overlap(b.content)
    if overlap * 2 < min(len(a.content), len(b.content)):
        return False
    # A report nested inside another report's content (قالت المصادر إن "كيم أكد أن …") is its own.
    return not any(y.cue is not None and x.content.contains(y.cue) and x.cue != y.cue for x, y in ((a, b), (b, a)))


def merge(proposals: list[Proposal]) -> list[Proposal]:
    """Keep one proposal per statement: the one from the strongest rule; carry channels over."""
    kept: list[Proposal] = []
    for p in sorted(proposals, key=_priority, reverse=True):
        twin = next((k for k in kept if _same_statement(k, p) or (k.cue is not None and k.cue == p.cue)), None)
        if twin is None:
            kept.append(p)
        elif twin.channel is None and p.rule.startswith("channel") and p.cue is not None:
            kept[kept.index(twin)] = replace(twin, channel=p.cue)
    return sorted(kept, key=lambda p: (p.content.start, p.content.end))


def propose(doc: ParsedDocument, registry: SpeakerRegistry | None = None) -> DocumentResult:
    registry = registry or SpeakerRegistry()
    ctx = DocContext.build(doc, registry.known_words())
    raw = [p for sent in doc.sentences for rule in RULES for p in rule(sent, ctx)]
    return resolve_speakers(merge(raw), ctx, registry)


def _order(p: Proposal) -> tuple[int, int]:
    anchor = p.cue or p.source or p.content
    return (p.sentence, anchor.start)


def resolve_speakers(proposals: list[Proposal], ctx: DocContext, registry: SpeakerRegistry) -> DocumentResult:
    doc_speakers = DocSpeakers(registry, lexicon(), entities=build_entities(ctx))
    doc_speakers.prime((_first_entity(p.source, ctx.text, registry) if p.cue is not None else p.source).text(ctx.text)
                       for p in proposals if p.source is not None)
    out: list[Proposal] = []
    last: Proposal | None = None
    entries: dict[str, SpeakerEntry] = {}
    for p in sorted(proposals, key=_order):
        resolved = _resolve_one(p, last, ctx, doc_speakers)
        if resolved is None:
            continue
        proposal, entry = resolved
        if entry is not None:
            entries[entry.name] = entry
        outer = _reporting(out, proposal)
        if outer is not None and outer.speaker is not None and outer.speaker != proposal.speaker:
            # قال X إن خبراء أكدوا أن …. وأضاف: the article goes on with X; the nested speaker is
            # quoted inside X's words and is not whom the next dropped subject means.
            outer_entry = entries.get(outer.speaker) or doc_speakers.registry.by_key(outer.speaker)
            if outer_entry is not None:
                doc_speakers.note(outer_entry)
        out.append(proposal)
        last = proposal
    out.sort(key=lambda p: (p.content.start, p.content.end))
    return DocumentResult(out, doc_speakers.created, entries)


def _resolve_one(p: Proposal, last: Proposal | None, ctx: DocContext,
                 speakers: DocSpeakers) -> tuple[Proposal, SpeakerEntry | None] | None:
    if p.follows == "previous":
        if last is None or last.speaker is None or p.sentence - last.sentence > BARE_QUOTE_REACH:
            return None  # a quote with no cue and nobody speaking just before: not ours to guess
        entry = speakers.registry.by_key(last.speaker)
        return p.with_speaker(last.speaker, p.confidence), entry
    if p.follows == "sentence" and last is not None and last.sentence == p.sentence and last.speaker:
        # …، مضيفًا / …، وقال إن: the subject of the attribution just before in the same sentence.
        return replace(p, source=last.source, speaker=last.speaker), speakers.registry.by_key(last.speaker)
    if p.cue is not None and p.source is None and _inside_quote(ctx, p.cue.start):
        return None  # a report inside a direct quote with no speaker of its own is the quoted speaker's
    if p.source is not None:
        # أبلغ لافروف كيم: a verb's phrase may run on into its object; a headline's head is all speaker.
        source = _first_entity(p.source, ctx.text, speakers.registry) if p.cue is not None else p.source
        entry = speakers.resolve_mention(source.text(ctx.text), p.agreement if p.follows is None else None,
                                         at=source.start)
        anchor = max(source.end, p.cue.end if p.cue else 0)
        if anchor < p.content.start:
            speakers.note_document(ctx.text[anchor:p.content.start], entry)
        elif p.content.end <= anchor:
            # "…"، وفقا لما ذكرته خدمة الطوارئ في بيان لها: the statement is named after its author
            speakers.note_document(_clause_after(ctx.text, anchor), entry)
        return replace(p, source=source, speaker=entry.name), entry
    entry, agreed = speakers.most_recent(p.agreement)
    if entry is None and speakers.entities is not None:
        # Nobody has spoken yet: the person the article named last before this (رئيس المنتدى X …، وأضاف)
        anchor = (p.cue or p.content).start
        person = speakers.entities.person_before(anchor)
        if person is not None:
            entry, agreed = speakers.resolve_mention(person, None, at=anchor), False
    if entry is None:
        if p.confidence * 0.5 < MIN_UNRESOLVED_CONFIDENCE:
            return None  # nobody named, nobody before: a generic "it is said", not worth a reviewer's time
        return p.with_speaker(None, round(p.confidence * 0.5, 3)), None
    speakers.note(entry)
    factor = 0.9 if agreed else 0.7
    return replace(p, speaker=entry.name, confidence=round(p.confidence * factor, 3), rule=p.rule + "+prodrop"), entry


DOCUMENT_REACH = 40  # characters after a source in which `في بيان` names the text it issued


def _clause_after(text: str, at: int) -> str:
    clause = text[at:at + DOCUMENT_REACH]
    return re.split(r"[.\n؛]", clause, maxsplit=1)[0]


def _reporting(resolved: list[Proposal], p: Proposal) -> Proposal | None:
    """The attribution whose content holds this one's cue (a report nested in another report)."""
    anchor = p.cue or p.source
    if anchor is None:
        return None
    return next((q for q in reversed(resolved) if q.content.contains(anchor)), None)


def _inside_quote(ctx: DocContext, offset: int) -> bool:
    return any(q.inner.start <= offset < q.inner.end for q in ctx.quotes)


def _first_entity(source: Span, text: str, registry: SpeakerRegistry) -> Span:
    """`أبلغ لافروف كيم أن`: a phrase naming two known speakers one after the other ends before the second."""
    words = list(_word_spans(text, source))
    first = None
    i = 0
    while i < len(words):
        j = next((j for j in range(len(words), i, -1)
                  if registry.by_key(text[words[i][0]:words[j - 1][1]]) is not None), None)
        if j is None:
            i += 1
            continue
        entry = registry.by_key(text[words[i][0]:words[j - 1][1]])
        if first is None:
            first = entry
        elif entry is not first:
            return Span(source.start, words[i - 1][1])
        i = j  # the next name starts after this one (المتحدث باسم الكرملين holds الكرملين)
    return source


def _word_spans(text: str, span: Span) -> list[tuple[int, int]]:
    out = []
    at = span.start
    for word in text[span.start:span.end].split():
        start = text.index(word, at)
        at = start + len(word)
        out.append((start, at))
    return out
