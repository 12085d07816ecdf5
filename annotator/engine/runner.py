"""Run the rules over a document, merge overlapping proposals, and resolve speakers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from annotator.engine.context import DocContext
from annotator.engine.proposal import Proposal, Span
from annotator.engine.rules import RULE_OF_PREFIX, RULE_PRIORITY, RULES
from annotator.engine.speakers import DocSpeakers, SpeakerEntry, SpeakerRegistry
from annotator.lang.ar import lexicon
from annotator.nlp.types import ParsedDocument

BARE_QUOTE_REACH = 2  # sentences a continuing quote may be from the last attribution


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
    for x, y in ((a, b), (b, a)):
        if y.cue is not None and x.content.contains(y.cue) and x.cue != y.cue:
            return False
    return True


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
    ctx = DocContext.build(doc)
    raw = [p for sent in doc.sentences for rule in RULES for p in rule(sent, ctx)]
    return resolve_speakers(merge(raw), ctx, registry or SpeakerRegistry())


def _order(p: Proposal) -> tuple[int, int]:
    anchor = p.cue or p.source or p.content
    return (p.sentence, anchor.start)


def resolve_speakers(proposals: list[Proposal], ctx: DocContext, registry: SpeakerRegistry) -> DocumentResult:
    doc_speakers = DocSpeakers(registry, lexicon())
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
    if p.source is not None:
        entry = speakers.resolve_mention(p.source.text(ctx.text), p.agreement if p.follows is None else None)
        return p.with_speaker(entry.name), entry
    entry, agreed = speakers.most_recent(p.agreement)
    if entry is None:
        return p.with_speaker(None, round(p.confidence * 0.5, 3)), None
    speakers.note(entry)
    factor = 0.9 if agreed else 0.7
    return replace(p, speaker=entry.name, confidence=round(p.confidence * factor, 3), rule=p.rule + "+prodrop"), entry


def source_text(p: Proposal, text: str) -> str | None:
    return p.source.text(text) if isinstance(p.source, Span) else None
