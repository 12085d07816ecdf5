"""A cheap pre-filter: which parts of a document can hold an attribution, found without parsing.

Parsing is by far the slowest step of ``annotator run``. Every rule of the engine needs one of these
in the sentence it fires on, and this module looks for them on surface forms:

- a reporting verb or participle form from the lexicon (annotator/lang/ar/cues.yaml) followed, in
  the same sentence, by what its frames need: a complementizer (إن/أن/بأن, أنه…) for ``comp``, a
  quotation mark or a colon for ``quote``/``comp``, the preposition for ``prep:X`` (أعرب عن، أشاد بـ);
- a nominal cue (بحسب، نقلا عن، تصريحات);
- a quotation mark opening the sentence (“…”، قال / a quote continuing the last speaker);
- a ``speaker: statement`` line.

A unit (a line, or a sentence-like piece of a line) with none of them cannot produce a proposal, so
it is not parsed. Clitics are stripped from the surface forms and ambiguous forms (بين is also
"between") count as cues, so the filter errs towards parsing: a false hit costs time, a miss costs
recall. docs/scale.md has the measured price.

Offsets are kept: :func:`select_units` returns ``(start, end)`` character ranges of the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from annotator.lang.ar import COMPLEMENTIZERS, Lexicon, VerbCue, lexicon
from annotator.lang.ar.normalize import normalize
from annotator.lang.ar.quotes import OPENERS, QUOTE_CHARS

GRANULARITIES = ("line", "sentence")
# Prefixes a cue word may carry when the tokenizer has not split them yet: و/ف (and), ل/ب (to, by),
# س (future), ك (as), in the combinations Arabic allows.
_PREFIXES = ("وس", "فس", "ول", "فل", "وب", "فب", "وك", "و", "ف", "ل", "ب", "س", "ك")
# Object pronouns a verb may carry (أبلغه، سألهم، أخبرنا); also the pronouns fused to أن (أنها).
_SUFFIXES = ("هما", "كما", "هم", "هن", "كم", "ها", "نا", "ني", "ه", "ك")
_COMPS = frozenset(c + s for c in COMPLEMENTIZERS for s in ("", *_SUFFIXES)) | frozenset(
    p + c for p in ("و", "ف") for c in COMPLEMENTIZERS)
_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+")
# A sentence end: . ! ? ؟ after a word of 3+ letters (not "د." or "3.5") and before a space.
_SENTENCE_END = re.compile(r"(?<=\w\w\w[.!؟?])\s+|(?<=[!؟?])\s+")
_QUOTES = frozenset(QUOTE_CHARS)
_DIGIT = re.compile(r"\d")
MAX_HEAD_WORDS = 8  # `speaker: statement` lines name the speaker in a few words (engine: headline_colon)
CLAUSE_WINDOW = 45  # words between a cue and its complementizer or quote (the engine allows 40)
MIN_BARE_QUOTE_WORDS = 2


@dataclass(frozen=True)
class CueIndex:
    """The lexicon's cue forms, normalised, ready for fast membership tests."""

    verbs: dict[str, VerbCue]  # verb and participle surface forms -> the verb's frames
    nominal_words: frozenset[str]  # one-word nominal cues (بحسب)
    nominal_phrases: tuple[str, ...]  # several-word nominal cues, normalised, joined by spaces

    @classmethod
    def build(cls, lex: Lexicon) -> CueIndex:
        verbs = {**lex.verbs_by_lemma, **lex.verbs_by_form, **lex.participles}
        verbs = {form: cue for form, cue in verbs.items() if cue.confidence > 0}
        words = {n.tokens[0] for n in lex.nominal if len(n.tokens) == 1}
        phrases = tuple(" ".join(n.tokens) for n in lex.nominal if len(n.tokens) > 1)
        return cls(verbs, frozenset(words), phrases)

    def cue(self, key: str) -> VerbCue | None:
        """The cue a normalised word may be, with a leading clitic or an object pronoun stripped."""
        found = self.verbs.get(key)
        if found is not None:
            return found
        for stem in _stems(key):
            found = self.verbs.get(stem)
            if found is not None:
                return found
        return None

    def is_nominal(self, key: str) -> bool:
        return key in self.nominal_words or (key[:1] == "و" and key[1:] in self.nominal_words)


def _stems(key: str) -> list[str]:
    """The word without a leading clitic, without an object pronoun, and without both."""
    bare = [key[len(p):] for p in _PREFIXES if key.startswith(p) and len(key) - len(p) >= 2]
    out: list[str] = list(bare)
    for form in [key, *bare]:
        out.extend(form[:-len(s)] for s in _SUFFIXES if form.endswith(s) and len(form) - len(s) >= 2)
    return out


@cache
def cue_index() -> CueIndex:
    return CueIndex.build(lexicon())


def _colon_line(unit: str) -> bool:
    """`speaker: statement` as the engine's headline rule reads it (a short head without digits)."""
    colon = unit.find(":")
    if colon < 0:
        return False
    head = unit[:colon]
    return 1 <= len(head.split()) <= MAX_HEAD_WORDS and not _DIGIT.search(head)


def _opens_with_quote(unit: str) -> bool:
    text = unit.lstrip()
    if text[:1] in {"و", "ف"}:
        text = text[1:].lstrip()
    return text[:1] in OPENERS and len(text.split()) >= MIN_BARE_QUOTE_WORDS


def _frame_met(cue: VerbCue, after: list[tuple[str, int]], unit: str, at: int) -> bool:
    """Whether what follows a cue word can complete one of its frames."""
    window = after[:CLAUSE_WINDOW]
    if cue.takes_comp and any(key in _COMPS for key, _ in window):
        return True
    rest = unit[at:]
    if (not _QUOTES.isdisjoint(rest) or ":" in rest) and (cue.takes_quote or cue.preps() or cue.takes_comp):
        return True  # a quote or a colon after the cue: وقال: “…” / وأكد: …, or a quoted complement
    for prep, _ in cue.preps():
        if any(key == prep or (len(prep) == 1 and key.startswith(prep) and len(key) > 3) for key, _ in window):
            return True
    return False


def may_hold_attribution(unit: str, index: CueIndex | None = None) -> bool:
    """True when this text has what at least one of the engine's rules needs to fire."""
    index = index or cue_index()
    if _opens_with_quote(unit):
        return True
    if ":" in unit and any(_colon_line(line) for line in unit.split("\n")):
        return True
    words = [(normalize(m.group()), m.end()) for m in _WORD.finditer(unit)]
    for i, (key, end) in enumerate(words):
        if index.is_nominal(key):
            return True
        cue = index.cue(key)
        if cue is not None and _frame_met(cue, words[i + 1:], unit, end):
            return True
    if index.nominal_phrases:
        folded = normalize(unit)
        return any(p in folded for p in index.nominal_phrases)
    return False


def split_units(text: str, granularity: str = "sentence") -> list[tuple[int, int]]:
    """Lines (or sentence-like pieces of lines) as (start, end), without surrounding whitespace."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {GRANULARITIES}")
    units: list[tuple[int, int]] = []
    at = 0
    for line in text.split("\n"):
        pieces = [(0, len(line))]
        if granularity == "sentence":
            pieces = []
            start = 0
            for m in _SENTENCE_END.finditer(line):
                pieces.append((start, m.start()))
                start = m.end()
            pieces.append((start, len(line)))
        for a, b in pieces:
            piece = line[a:b]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                units.append((at + a + lead, at + a + lead + len(stripped)))
        at += len(line) + 1
    return units


def select_units(text: str, granularity: str = "sentence", index: CueIndex | None = None) -> list[tuple[int, int]]:
    """The units of ``text`` worth parsing, in document order."""
    index = index or cue_index()
    return [(a, b) for a, b in split_units(text, granularity) if may_hold_attribution(text[a:b], index)]
