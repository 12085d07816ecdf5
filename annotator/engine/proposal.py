"""What the rules produce: frozen values with a rule id and a confidence."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"span start {self.start} after end {self.end}")

    def __len__(self) -> int:
        return self.end - self.start

    def text(self, doc_text: str) -> str:
        return doc_text[self.start:self.end]

    def overlap(self, other: Span) -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Proposal:
    """One proposed attribution: content, cue and source spans (character offsets) and a speaker.

    ``agreement`` holds the cue verb's Gender/Number (``"Fem|Sing"``) so a dropped subject can be
    resolved to a compatible speaker; ``follows`` marks a proposal whose speaker is the previous one
    (a bare continuing quote, or a participle sharing the sentence's subject).
    """

    type: str  # direct | indirect | mixed
    content: Span
    cue: Span | None
    source: Span | None
    rule: str
    confidence: float
    sentence: int
    cue_lemma: str | None = None
    agreement: str | None = None
    channel: Span | None = None  # who passed the words on (بحسب "تاس"), not the speaker
    follows: str | None = None  # "previous" | "sentence"
    speaker: str | None = None  # canonical speaker name, set by speaker resolution

    def with_speaker(self, speaker: str | None, confidence: float | None = None) -> Proposal:
        return replace(self, speaker=speaker, confidence=self.confidence if confidence is None else confidence)
