"""Arabic language data: reporting cues, quote marks, titles and a seed speaker registry.

The data lives in YAML files beside this module; :func:`lexicon` loads it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from annotator.lang.ar.normalize import normalize

COMPLEMENTIZERS = frozenset(normalize(w) for w in ("إن", "أن", "أنّ", "إنّ", "بأن", "بأنّ"))
# Prepositions after which a run of words is a place, never a personal name
# (مستشار في إدارة الحكم الذاتي في شمال سوريا).
PLACE_PREPOSITIONS = frozenset(normalize(w) for w in ("في", "من", "عن", "لدى", "إلى"))
# Complementizers with a fused pronoun (أنها ستبدأ): the pronoun belongs to the content.
FUSED_COMPLEMENTIZERS = ("بأن", "إن", "أن")
PAST_SUFFIXES = ("", "ت", "وا", "ا", "تا", "ن", "تم")
PRESENT_PREFIXES = ("ي", "ت")  # third person only: first-person speech is never an attribution
PRESENT_SUFFIXES = ("", "ون", "ان", "ن", "ين")
PARTICIPLE_SUFFIXES = ("ا", "", "ه", "ين", "ات", "ون", "تين", "ان")


@dataclass(frozen=True)
class VerbCue:
    lemma: str  # the entry's key, as written in cues.yaml
    frames: tuple[str, ...]
    confidence: float
    past_only: bool = False
    relay: str | None = None  # normalised preposition naming whose words the verb passes on
    relay_document: bool = False  # the relayed phrase must open with a document noun (جاء في بيان)

    @property
    def takes_comp(self) -> bool:
        return "comp" in self.frames

    @property
    def takes_quote(self) -> bool:
        return "quote" in self.frames

    @property
    def takes_noun(self) -> bool:
        return "noun" in self.frames or "np" in self.frames

    @property
    def takes_any_np(self) -> bool:
        return "np" in self.frames

    def preps(self) -> list[tuple[str, bool]]:
        """(preposition, with_object) pairs of the nominal frames."""
        out: list[tuple[str, bool]] = []
        for f in self.frames:
            if f.startswith("prep:"):
                out.append((normalize(f[5:]), False))
            elif f.startswith("obj+prep:"):
                out.append((normalize(f[9:]), True))
        return out


@dataclass(frozen=True)
class NominalCue:
    tokens: tuple[str, ...]  # normalised
    channel: bool


@dataclass
class Lexicon:
    verbs_by_lemma: dict[str, VerbCue] = field(default_factory=dict)
    verbs_by_form: dict[str, VerbCue] = field(default_factory=dict)
    participles: dict[str, VerbCue] = field(default_factory=dict)  # surface form -> verb
    nominal: list[NominalCue] = field(default_factory=list)
    non_report: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    np_stoppers: frozenset[str] = frozenset()
    # Words that begin with a clitic-like letter but are one word (وزير, لافروف): see whole_words.txt.
    whole_words: frozenset[str] = frozenset()
    # Verbal nouns that follow a cue as its content, never as its subject (أكد ضرورة …).
    content_nouns: frozenset[str] = frozenset()
    time_words: frozenset[str] = frozenset()
    org_nouns: frozenset[str] = frozenset()
    generic_org_nouns: frozenset[str] = frozenset()
    document_nouns: frozenset[str] = frozenset()
    addressee_nouns: frozenset[str] = frozenset()
    anaphoric_determiners: frozenset[str] = frozenset()
    anaphoric_suffixes: frozenset[str] = frozenset()
    given_names: frozenset[str] = frozenset()
    person_nouns: frozenset[str] = frozenset()  # without the article: مواطن, شاب

    def verb(self, form: str, lemma: str = "") -> VerbCue | None:
        """The cue for a word, by normalised lemma or by surface form (the lemmatizer is not perfect)."""
        key = normalize(form)
        cue = self.verbs_by_form.get(key)
        if cue is None and key[:1] in {"و", "ف"} and len(key) > 3:
            cue = self.verbs_by_form.get(key[1:])  # وقالت left unsplit by the tokenizer
        if cue is None and lemma:
            cue = self.verbs_by_lemma.get(normalize(lemma))
            if cue is not None and cue.past_only:
                return None  # known only by its lemma: maybe the present tense (يعتبر)
        if cue is not None and cue.confidence <= 0:
            return None
        return cue

    def participle(self, form: str) -> VerbCue | None:
        return self.participles.get(normalize(form))


def _load_yaml(name: str) -> dict[str, Any]:
    text = resources.files("annotator.lang.ar").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return data if isinstance(data, dict) else {}


def _verb_forms(lemma: str, present: list[str]) -> set[str]:
    past = normalize(lemma)
    forms = {past + s for s in PAST_SUFFIXES}
    if past.endswith("ي"):  # نفى -> نفت, نفوا
        stem = past[:-1]
        forms |= {stem + "ت", stem + "وا", stem + "يا", stem + "تا"}
    for stem in present:
        st = normalize(stem)
        forms |= {p + st + s for p in PRESENT_PREFIXES for s in PRESENT_SUFFIXES}
    # Hollow verbs (قال -> قلت) are not needed: first person speech verbs are not attributions.
    return forms


@cache
def lexicon() -> Lexicon:
    cues = _load_yaml("cues.yaml")
    titles = _load_yaml("titles.yaml")
    lex = Lexicon()
    for lemma, spec in (cues.get("verbs") or {}).items():
        relay = spec.get("relay")
        cue = VerbCue(lemma, tuple(spec.get("frames", [])), float(spec.get("confidence", 0.8)),
                      bool(spec.get("past_only", False)), normalize(relay) if relay else None,
                      bool(spec.get("relay_document", False)))
        lex.verbs_by_lemma[normalize(lemma)] = cue
        present = [] if cue.past_only else list(spec.get("present", []))
        for form in _verb_forms(lemma, present):
            lex.verbs_by_form.setdefault(form, cue)
    for stem, spec in (cues.get("participles") or {}).items():
        verb = lex.verbs_by_lemma[normalize(spec["verb"])]
        for suffix in PARTICIPLE_SUFFIXES:
            lex.participles[normalize(stem) + suffix] = verb
    lex.nominal = [NominalCue(tuple(normalize(t) for t in n["tokens"]), bool(n.get("channel")))
                   for n in cues.get("nominal") or []]
    lex.non_report = frozenset(normalize(w) for w in cues.get("non_report_before_comp") or [])
    lex.titles = frozenset(normalize(w) for w in titles.get("titles") or [])
    lex.np_stoppers = frozenset(normalize(w) for w in titles.get("np_stoppers") or [])
    lex.whole_words = frozenset(_read_words("whole_words.txt")) | lex.titles
    lex.content_nouns = frozenset(normalize(w) for w in cues.get("content_nouns") or [])
    lex.time_words = frozenset(normalize(w) for w in titles.get("time_words") or [])
    lex.org_nouns = frozenset(normalize(w).removeprefix("ال") for w in titles.get("org_nouns") or [])
    lex.generic_org_nouns = frozenset(normalize(w) for w in titles.get("generic_org_nouns") or [])
    lex.document_nouns = frozenset(normalize(w) for w in titles.get("document_nouns") or [])
    lex.addressee_nouns = frozenset(normalize(w) for w in titles.get("addressee_nouns") or [])
    lex.anaphoric_determiners = frozenset(normalize(w) for w in titles.get("anaphoric_determiners") or [])
    lex.anaphoric_suffixes = frozenset(normalize(w) for w in titles.get("anaphoric_suffixes") or [])
    lex.np_stoppers = lex.np_stoppers | lex.time_words
    lex.given_names = frozenset(normalize(w) for w in _read_words("given_names.txt"))
    lex.person_nouns = frozenset(normalize(w) for w in titles.get("person_nouns") or [])
    return lex


def _read_words(name: str) -> list[str]:
    text = resources.files("annotator.lang.ar").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def seed_speakers() -> list[dict[str, Any]]:
    speakers = _load_yaml("speakers.yaml").get("speakers") or []
    return [s for s in speakers if isinstance(s, dict) and s.get("name")]
