"""The seed speaker registry (annotator/lang/ar/speakers.yaml): well formed, no key shared by two
entries, and the spellings news articles use resolve to one entry."""

from __future__ import annotations

from collections import defaultdict

import pytest

from annotator.engine import SpeakerEntry, SpeakerRegistry
from annotator.lang.ar import seed_speakers
from annotator.lang.ar.normalize import name_key

KINDS = {"person", "organization", "state", "media", "unnamed"}


def registry() -> SpeakerRegistry:
    return SpeakerRegistry(SpeakerEntry(s["name"], s.get("kind", "unknown"), s.get("gender"),
                                        set(s.get("aliases", []))) for s in seed_speakers())


def test_the_seed_file_loads_with_valid_entries() -> None:
    speakers = seed_speakers()
    assert len(speakers) >= 70
    for s in speakers:
        assert isinstance(s["name"], str) and s["name"].strip(), s
        assert s.get("kind") in KINDS, s["name"]
        assert s.get("gender") in {None, "Masc", "Fem"}, s["name"]
        aliases = s.get("aliases", [])
        assert isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases), s["name"]


def test_no_key_belongs_to_two_entries() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for s in seed_speakers():
        for text in (s["name"], *s.get("aliases", [])):
            owners[name_key(text)].add(s["name"])
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert not shared


def test_names_are_unique() -> None:
    names = [name_key(s["name"]) for s in seed_speakers()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("mention", "canonical"),
    [
        ("إرنا", "وكالة الجمهورية الإسلامية للأنباء"),
        ("وكالة الأنباء الإيرانية", "وكالة الجمهورية الإسلامية للأنباء"),
        ("سانا", "الوكالة العربية السورية للأنباء"),
        ("وكالة الأنباء السورية الرسمية", "الوكالة العربية السورية للأنباء"),
        ("واس", "وكالة الأنباء السعودية"),
        ("وام", "وكالة أنباء الإمارات"),
        ("فرانس برس", "وكالة الصحافة الفرنسية"),
        ("أ ف ب", "وكالة الصحافة الفرنسية"),
        ("وكالة أسوشييتد برس", "أسوشيتد برس"),
        ("CNN", "سي إن إن"),
        ("سي ان ان", "سي إن إن"),
        ("فاينانشال تايمز", "فايننشال تايمز"),
        ("بلومبيرغ", "بلومبرغ"),
        ("حلف الناتو", "الناتو"),
        ("الجامعة العربية", "جامعة الدول العربية"),
        ("هيومان رايتس ووتش", "هيومن رايتس ووتش"),
        ("البنتاجون", "البنتاغون"),
        ("وزارة الدفاع الأميركية", "البنتاغون"),
        ("المرصد السوري", "المرصد السوري لحقوق الإنسان"),
        ("صندوق النقد", "صندوق النقد الدولي"),
        ("الاتحاد الأوربي", "الاتحاد الأوروبي"),
    ],
)
def test_a_spelling_finds_its_entry(mention: str, canonical: str) -> None:
    entry = registry().by_key(mention)
    assert entry is not None and entry.name == canonical


@pytest.mark.parametrize(
    ("mention", "canonical"),
    [
        ('وكالة "سانا" للأنباء', "الوكالة العربية السورية للأنباء"),
        ("صحيفة واشنطن بوست الأمريكية", "واشنطن بوست"),  # not the words واشنطن or أمريكا
        ("وكالة الأنباء السعودية الرسمية واس", "وكالة الأنباء السعودية"),  # not the state السعودية
        ("منظمة الصحة العالمية", "منظمة الصحة العالمية"),
        ("المتحدث باسم البنتاغون", "البنتاغون"),
        ("وكالة الأنباء الكورية الشمالية", "وكالة الأنباء المركزية الكورية"),  # not كوريا الشمالية
    ],
)
def test_the_longest_alias_inside_a_mention_wins(mention: str, canonical: str) -> None:
    entry = registry().lookup(mention)
    assert entry is not None and entry.name == canonical


@pytest.mark.parametrize("mention", ["المملكة", "العربية", "الجزيرة", "مجلس الأمن القومي", "الرياض", "موسكو",
                                     "الإمارات", "السودان", "الأمم المتحدة"])
def test_an_ambiguous_word_names_no_seed_entry(mention: str) -> None:
    """No bare common word, capital or state: a seed entry inside a title phrase ends the source before the
    name that follows (سفير الإمارات لدى هولندا، سعيد النويس; السفير الروسي في الأمم المتحدة فاسيلي نيبنزيا)."""
    assert registry().lookup(mention) is None


@pytest.mark.parametrize("word", ["شمال", "قناة", "كنا", "عربية", "جمهورية"])
def test_a_common_word_is_no_known_name_word(word: str) -> None:
    """Words of seed names count as name words for the tokenizer and coreference (DocContext.is_known_name):
    an alias such as حلف شمال الأطلسي or قناة الجزيرة would make شمال or قناة a name in every article
    (and قنا, name_key كنا, the verb كنا)."""
    assert name_key(word) not in registry().known_words()
