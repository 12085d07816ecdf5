"""Speaker naming: the name inside a source phrase, generic mentions, and the registry's matching rules."""

from __future__ import annotations

import pytest

from annotator.engine.speakers import SpeakerEntry, SpeakerRegistry, generic_name, name_part
from annotator.lang.ar import lexicon


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("زعيم كوريا الشمالية كيم جونغ أون", "كيم جونغ أون"),
        ("المتحدث باسم الكرملين ديمتري بيسكوف", "ديمتري بيسكوف"),
        ("وزير الدفاع الوطني فرحات الحرشاني", "فرحات الحرشاني"),
        ("الناشطة أميرة عبد اللطيف", "أميرة عبد اللطيف"),
        ("لافروف", "لافروف"),
        ("وزير الخارجية الروسي", None),
        ("رئيس جنوب السودان", None),
        ("مدرب ليفربول", None),
        ("كوريا الشمالية", None),
        ("شركة غوغل", None),
    ],
)
def test_name_part(mention: str, name: str | None) -> None:
    assert name_part(mention, lexicon()) == name


@pytest.mark.parametrize(
    ("mention", "generic"),
    [("الشركة الكورية الجنوبية", True), ("التقرير", True), ("المتحدث باسم الوزارة", True),
     ("سيرغي لافروف", False), ("وزير الخارجية الروسي سيرغي لافروف", False)],
)
def test_generic_mentions_name_nobody(mention: str, generic: bool) -> None:
    assert generic_name(mention, lexicon()) is generic


def test_registry_matches_spelling_variants_and_prefers_longest_alias() -> None:
    kim = SpeakerEntry("كيم جونغ أون", "person", "Masc", {"كيم", "Kim Jong Un", "الزعيم الكوري الشمالي"})
    choe = SpeakerEntry("تشوي سون هوي", "person", "Fem", {"وزير الخارجية الكوري الشمالي"})
    registry = SpeakerRegistry([kim, choe])
    assert registry.by_key("كيم جونج-أون") is kim  # جونغ/جونج, hyphen
    assert registry.by_key("kim jong un") is None  # Latin aliases are matched as written
    assert registry.lookup("وزير الخارجية الكوري الشمالي تشوي سون هوي") is choe
    assert registry.lookup("والزعيم الكوري الشمالي،") is kim


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("المخرجة البالغة 44 عاما", None),  # an age is not a name
        ("الاتحاد المصري لكرة القدم", None),  # a preposition and a noun are not a family name
    ],
)
def test_name_part_refuses_numbers_and_prepositions(mention: str, name: str | None) -> None:
    assert name_part(mention, lexicon()) == name


def test_known_words_come_from_names_not_descriptions() -> None:
    """A generic mention stored from one article must not turn its common nouns into names in the next."""
    registry = SpeakerRegistry([
        SpeakerEntry("أحمد", "unknown", aliases={"رئيس نادي كرة القدم"}),
        SpeakerEntry("سيرغي لافروف", "person", aliases={"وزير الخارجية الروسي سيرغي لافروف"}),
    ])
    known = registry.known_words()
    assert "لافروف" in known and "سيرجي" in known  # name_key folds غ
    assert not {"كره", "القدم", "نادي", "وزير", "الروسي"} & known


def test_known_words_follow_names_added_later() -> None:
    registry = SpeakerRegistry([SpeakerEntry("سيرغي لافروف", "person")])
    assert "لافروف" in registry.known_words() and "بيسكوف" not in registry.known_words()
    peskov = registry.add(SpeakerEntry("ديمتري بيسكوف", "person"))
    registry.add_alias(peskov, "دميتري بيسكوف")
    registry.add(SpeakerEntry("الشركة الكورية", "unknown"))
    assert {"بيسكوف", "ديمتري", "دميتري"} <= registry.known_words()
    assert "الشركه" not in registry.known_words() and "الكوريه" not in registry.known_words()
