"""The engine on parsed sentences from CoNLL-U fixtures (real model output, saved): no model load."""

from __future__ import annotations

import pytest

from annotator.engine import SpeakerEntry, SpeakerRegistry, propose
from annotator.engine.quotes import find_quotes
from annotator.lang.ar import seed_speakers
from tests.conftest import load_conllu


def registry() -> SpeakerRegistry:
    return SpeakerRegistry(SpeakerEntry(s["name"], s.get("kind", "unknown"), s.get("gender"),
                                        set(s.get("aliases", []))) for s in seed_speakers())


def run(name: str) -> list[dict[str, object]]:
    doc = load_conllu(name)
    out = []
    for p in propose(doc, registry()).proposals:
        out.append({
            "type": p.type, "speaker": p.speaker, "rule": p.rule,
            "content": p.content.text(doc.text), "cue": p.cue.text(doc.text) if p.cue else None,
            "source": p.source.text(doc.text) if p.source else None,
        })
    return out


@pytest.mark.parametrize(
    ("fixture", "speaker", "cue", "kind", "content_starts", "source"),
    [
        ("vso_comp", "كيم جونغ أون", "وقال", "indirect", "الخطوات التي اتخذها", "كيم"),
        ("title_source", "ديمتري بيسكوف", "وقال", "mixed", "ه “ليس لديه", "المتحدث باسم الكرملين ديمتري بيسكوف"),
        ("colon_quote", "سيرغي لافروف", "وقال", "direct", "نحن ممتنون", "لافروف"),
        ("nominal", "كيم جونغ أون", "أعرب", "indirect", "دعم كوريا الشمالية", "كيم جونغ أون"),
        ("svo", "فلاديمير بوتين", "أكد", "indirect", "موسكو ستواصل", "الرئيس الروسي فلاديمير بوتين"),
        ("accuse", "تشوي سون هوي", "واتهمت", "indirect", "الولايات المتحدة وكوريا الجنوبية بالتخطيط", "تشوي"),
        ("headline", "تشوي سون هوي", None, "indirect", "كوريا الشمالية ستدعم", "وزير الخارجية الكوري الشمالي"),
        ("channel", "تاس", "بحسب", "indirect", "وستبدأ روسيا" if False else "ستبدأ روسيا", 'وكالة "تاس" الروسية'),
    ],
)
def test_one_attribution(fixture: str, speaker: str, cue: str | None, kind: str, content_starts: str,
                         source: str) -> None:
    [p] = run(fixture)
    assert p["speaker"] == speaker
    assert p["cue"] == cue
    assert p["type"] == kind
    assert str(p["content"]).startswith(content_starts)
    assert p["source"] == source


def test_direct_content_is_inside_the_marks_without_final_period() -> None:
    [p] = run("colon_quote")
    assert p["content"] == "نحن ممتنون للغاية لأصدقائنا الكوريين لموقفهم المبدئي"


def test_channel_tag_is_not_part_of_the_content() -> None:
    [p] = run("vso_comp")
    assert str(p["content"]).endswith("في ضمان السلام")


def test_dropped_subject_takes_the_last_female_speaker() -> None:
    first, second = run("prodrop_fem")
    assert first["speaker"] == "تشوي سون هوي"
    assert second["cue"] == "وأضافت" and second["source"] is None
    assert second["speaker"] == "تشوي سون هوي" and "prodrop" in str(second["rule"])


def test_participle_shares_the_subject_of_its_sentence() -> None:
    praise, added = run("participle")
    assert praise["type"] == "mixed" and praise["speaker"] == "سيرغي لافروف"
    assert added["cue"] == "مضيفًا" and added["type"] == "direct" and added["speaker"] == "سيرغي لافروف"


@pytest.mark.parametrize("fixture", ["negated", "yudhkar"])
def test_not_attributions(fixture: str) -> None:
    assert run(fixture) == []


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("قال: “نص مقتبس” ثم", ["نص مقتبس"]),
        ("قال: ”نص معكوس“ ثم", ["نص معكوس"]),
        ("قال «نص» و\"آخر هنا\"", ["نص", "آخر هنا"]),
        ("قال: \"بلا إغلاق حتى نهاية الفقرة.\nسطر آخر", ["بلا إغلاق حتى نهاية الفقرة"]),
    ],
)
def test_quotes(text: str, inner: list[str]) -> None:
    assert [text[q.inner.start:q.inner.end] for q in find_quotes(text)] == inner


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ('قائلا " لا أريد الاستحمام بماء بارد". وقالت إن', [" لا أريد الاستحمام بماء بارد"]),
        ("«أ» ثم «ب ج»", ["أ", "ب ج"]),
        ("“مفتوح حتى نهاية السطر\nثم سطر", ["مفتوح حتى نهاية السطر"]),
    ],
)
def test_quotes_paired_by_order(text: str, inner: list[str]) -> None:
    assert [text[q.inner.start:q.inner.end] for q in find_quotes(text)] == inner


@pytest.mark.parametrize(
    ("fixture", "speaker", "cue", "source"),
    [
        # كان + subject + verb, and an SVO subject the tree gives after a particle
        ("kan_subject", "مايكل ماكوي", "قال", "وزير الإعلام في جنوب السودان مايكل ماكوي"),
        ("svo_tree", "أحد المعلقين السعوديين البارزين", "ألمح", "أحد المعلقين السعوديين البارزين"),
        # organisations keep their whole name, ل-phrases included; a report of X is X's
        ("org_city", "شرطة مدينة شيرتز", "وذكرت", "شرطة مدينة شيرتز"),
        ("org_with_pp", "المكتب الإعلامي للمقاومة الشعبية", "وقال", "المكتب الإعلامي للمقاومة الشعبية"),
        ("report_author", "بلومبرغ", "وذكر", "تقرير لموقع بلومبرغ"),
        # a quoted outlet after its reporter; a name before a comma apposition
        ("quoted_media", "مراسل سكاي نيوز عربية", "وقال", 'مراسل "سكاي نيوز عربية"'),
        ("comma_name_first", "شيموس كولمان", "وقال", "شيموس كولمان، مدافع إيفرتون"),
        # the addressee is not the source; an unnamed source in the accusative is the registry's مصادر
        ("addressee_pp", "وزير الخارجية", "وقال", "وزير الخارجية"),
        ("unnamed_accusative", "مصادر", "وأوضح", "مصدرا"),
        # a name in a comma apposition, عبد + the article + a family name; a quoted name after a title
        ("apposition_glued_name", "عبد اللطيف الخراط", "أكد", "رئيس دائرة المحاسبات، عبد اللطيف الخراط"),
        ("quoted_name_after_title", "هندي", "وقال", 'الباحث الفلكي "هندي"'),
        # one of a group is that phrase, not the organisation named inside it
        ("partitive_source", "أحد محامي شركة كولومبوس نوفا", "وقال", "أحد محامي شركة كولومبوس نوفا"),
        ("title_apposition", "ياسر مدخلي", "كشف", "الممثل، المخرج المسرحي ياسر مدخلي"),
        # a long title runs on through its ل/ب/في phrases, a second title and a comma to the name before أن;
        # لـ(الوطن) after the name is whom it was told to; an occupation without the article is a title
        ("title_tail_comma_name", "كمال الدريدي", "أكد",
         "المندوب الجهوي لشؤون الشباب والرياضة بالقيروان، كمال الدريدي"),
        ("title_tail_addressee", "سامي العتيبي", "أوضح",
         "مدير عام فرع الهيئة العامة للثقافة في تبوك المهندس سامي العتيبي"),
        ("title_comma_foreign_name", "جون ماكنزي", "وقال", "محامي عائلة الضحية، جون ماكنزي"),
        # the paper spoken to (لـ"الاقتصادية"، لـ(عكاظ)) may stand between the cue and its subject
        ("addressee_quoted_paper", "خالد الجوهر", "قال", "خالد الجوهر المحلل"),
        ("addressee_paren_paper", "عبدالله الثقفي", "وأوضح", "مدير إدارة التعليم بجدة عبدالله الثقفي"),
        ("addressee_glued_paper", "محمد العنزي", "وقال", "المواطن محمد العنزي"),
        # a titled name before a comma and a second title: the name alone is the speaker
        ("name_comma_title", "خالد بن سلمان", "قال", "الأمير خالد بن سلمان، سفير السعودية"),
        ("party_name_comma_title", "بول رايان", "وقال", "الجمهوري بول رايان، رئيس مجلس النواب"),
        # what ends a subject: the statement it issued, how it acted, a word in the accusative
        ("source_then_statement_object", "وزارة الأمن العام الصينية", "أعلنت", "وزارة الأمن العام الصينية"),
        ("source_then_coordination", "وزارة الخدمة المدنية", "أعلنت", "وزارة الخدمة المدنية"),
        ("source_then_hal", "خالد المطيري", "وقال", "الرئيس التنفيذي للشركة خالد المطيري"),
        # an organisation noun takes a quoted name; the speaker's name keeps no quotation marks
        ("org_noun_quoted_name", "باحثو مؤسسة إف-سيكيور", "وقال", 'باحثو مؤسسة "إف-سيكيور"'),
        # a hashtag in the title; the name after a comma, then where it was said before إن
        ("hashtag_source", "سعيد النويس", "وقال", "سفير #الإمارات لدى هولندا، سعيد النويس"),
    ],
)
def test_source_and_speaker(fixture: str, speaker: str, cue: str, source: str) -> None:
    [p] = run(fixture)
    assert (p["speaker"], p["cue"], p["source"]) == (speaker, cue, source)


@pytest.mark.parametrize(
    ("fixture", "speaker", "anaphor"),
    [
        ("report_antecedent", "مرصد حقوق الإنسان", "التقرير"),  # قال X في تقرير … وأضاف التقرير
        ("unnamed_anaphora", "مسؤول تنفيذي بغوغل", "المسؤول"),  # قال مسؤول تنفيذي بغوغل … وأضاف المسؤول
    ],
)
def test_definite_noun_takes_up_an_earlier_mention(fixture: str, speaker: str, anaphor: str) -> None:
    first, second = run(fixture)
    assert first["speaker"] == speaker
    assert second["source"] == anaphor and second["speaker"] == speaker


def test_the_statement_speaks_for_whoever_issued_it() -> None:
    # وفقاً لما ذكرته X في بيان لها … وقال البيان … لكنه قال: X, with في بيان after the source
    channel, said, but = run("statement_named_after")
    assert channel["speaker"] == said["speaker"] == but["speaker"] == "خدمة الطوارئ الحكومية الأوكرانية"
    assert said["source"] == "البيان" and but["source"] is None
    # وكشف أبو زيد، في بيان، أن … وأكد البيان: a person's statement, with commas round في بيان
    *_, stated = run("statement_after_comma")
    assert (stated["source"], stated["speaker"]) == ("البيان", "أحمد أبو زيد")


def test_a_place_after_a_title_is_no_name_and_a_title_alone_stays_in_its_article() -> None:
    # مستشار في إدارة الحكم الذاتي للأكراد في شمال سوريا: not an adviser named سوريا; and the next
    # article's مستشار رئيس الجمهورية اليمنية is not this article's adviser
    shared = registry()
    first, second = load_conllu("adviser_in_place"), load_conllu("adviser_next_article")
    speakers = [p.speaker for p in propose(first, shared).proposals]
    assert speakers == ["الأكراد", "مستشار"]
    [p] = propose(second, shared).proposals
    assert p.speaker == "مستشار رئيس الجمهورية اليمنية"


@pytest.mark.parametrize(
    ("fixture", "speaker", "later_source"),
    [
        ("glue_written_apart", "أحمد أبوزيد", "أبو زيد"),  # أبوزيد first, then أبو زيد
        ("surname_after_long_title", "فهد الحمادي", "الحمادي"),  # a family name with the article alone
    ],
)
def test_a_later_short_name_is_the_person_named_fully(fixture: str, speaker: str, later_source: str) -> None:
    first, *later = run(fixture)
    assert first["speaker"] == speaker
    assert later and all(p["source"] == later_source and p["speaker"] == speaker for p in later)


def test_a_channel_title_runs_to_the_name_before_a_quoted_addressee() -> None:
    # وفق ما أكدته المندوبة الجهوية للتربية بسوسة، سميرة خضر ل"الجوهرة أف أم". وأضافت …
    channel, added, _ = run("channel_title_name_quoted_addressee")
    assert (channel["source"], channel["speaker"]) == ("المندوبة الجهوية للتربية بسوسة، سميرة خضر", "سميرة خضر")
    assert (added["cue"], added["speaker"]) == ("وأضافت", "سميرة خضر")


def test_a_person_noun_takes_a_quoted_name_and_alone_means_that_person() -> None:
    # وأكد المواطن "مشري الصريع" … وأوضح الشاب أنه …: the citizen named in quotes, then the young man is he
    said, explained = run("person_noun_quoted_name")
    assert (said["source"], said["speaker"]) == ('المواطن "مشري الصريع"', "مشري الصريع")
    assert (explained["source"], explained["speaker"]) == ("الشاب", "مشري الصريع")


def test_a_participle_with_a_verbal_noun_shares_the_subject() -> None:
    # وأعلنت الوزارة تطبيق …، مؤكدةً استمرار الحملات …: the participle's verbal noun is a second statement
    announced, stressed = run("participle_noun")
    assert announced["content"].startswith("تطبيق المرحلة")
    assert (stressed["cue"], stressed["speaker"], stressed["rule"]) == ("مؤكدةً", "الوزارة", "participle_noun.indirect")
    assert stressed["content"].startswith("استمرار الحملات")


def test_a_comma_aside_between_the_source_and_its_preposition() -> None:
    # وحذر وزير المالية الفرنسي، برونو لو مير، من اندلاع حرب …: the complement after the aside
    [p] = run("prep_after_apposition")
    assert (p["cue"], p["speaker"]) == ("وحذر", "برونو لو مير")
    assert p["content"].startswith("اندلاع حرب") and p["type"] == "mixed"


def test_a_given_name_with_the_article_opens_the_name() -> None:
    # رئيس الجمهورية، الباجي قايد السبسي … قايد السبسي … رئيس الجمهورية: one person (قايد is not the title قائد)
    first, second, third = run("al_given_name")
    assert first["source"] == "رئيس الجمهورية، الباجي قايد السبسي"
    assert first["speaker"] == second["speaker"] == third["speaker"] == "الباجي قايد السبسي"
    assert (second["source"], third["source"]) == ("قايد السبسي", "رئيس الجمهورية")


def test_a_title_and_a_family_name_with_the_article_are_the_person_named_before() -> None:
    # والي سوسة الجديد، عادل شليوي … وقال الوالي … وأكد الشليوي: the governor, then his name with the article
    said, stressed = run("governor_title")
    assert (said["source"], said["speaker"]) == ("الوالي", "عادل شليوي")
    assert (stressed["source"], stressed["speaker"]) == ("الشليوي", "عادل شليوي")


def test_a_bare_organisation_noun_is_the_one_the_article_named_with_its_nationality() -> None:
    # اعتقلت الشرطة الإندونيسية … وقالت الشرطة إن …
    [p] = run("definite_org_named")
    assert (p["source"], p["speaker"]) == ("الشرطة", "الشرطة الإندونيسية")


@pytest.mark.parametrize(
    ("fixture", "speaker", "later_source"),
    [
        # ألفة: أل with a hamza is part of the name, not the article (not يوسف الشاهد, named in between)
        ("hamza_initial_given_name", "ألفة يوسف", None),
        # نور الدين الطبوبي: a two-word given name ending in الدين, then the family name
        ("union_leader", "نور الدين الطبوبي", "الطبوبي"),
    ],
)
def test_given_names_of_two_kinds(fixture: str, speaker: str, later_source: str | None) -> None:
    first, later = run(fixture)
    assert first["speaker"] == later["speaker"] == speaker
    assert later["source"] == later_source


def test_bayyana_with_a_dropped_subject_is_a_cue() -> None:
    # وبين أن …: بيّن (بين "between" needs a noun before أن), the subject dropped
    _, explained = run("bayyana_dropped_subject")
    assert (explained["cue"], explained["source"], explained["speaker"]) == ("وبين", None, "عميد الكلية")


def test_a_relative_clause_aside_before_the_quote() -> None:
    # وقالت مارين لوبان، والتي خسرت في الدورة الثانية …، "…"
    [p] = run("relative_aside_quote")
    assert (p["speaker"], p["type"]) == ("مارين لوبان", "direct")
    assert p["content"].startswith("لا أتمسك")


def test_a_body_or_an_office_keeps_its_place_and_the_place_names_no_one() -> None:
    # مركز المصالحة الروسي في سوريا (not سوريا), رئيس البلدية في ويست هوليوود (not a mayor named so)
    centre, mayor = run("place_after_body")
    assert centre["source"] == centre["speaker"] == "مركز المصالحة الروسي في سوريا"
    assert mayor["source"] == mayor["speaker"] == "رئيس البلدية في ويست هوليوود"


def test_a_party_is_also_named_without_its_noun() -> None:
    # حزب نداء تونس is also نداء تونس (a later mention, or an annotator's name for it)
    from annotator.engine.speakers import DocSpeakers
    from annotator.lang.ar import lexicon
    shared = registry()
    entry = DocSpeakers(shared, lexicon()).resolve_mention("حزب نداء تونس", None)
    assert entry.name == "حزب نداء تونس" and shared.by_key("نداء تونس") is entry


def test_a_particle_with_a_pronoun_is_not_a_source() -> None:
    # ولم يذكر البيان الخسائر لكنه قال إن …: لكنه names no one; the dropped subject is resolved
    _, but = run("pronoun_after_lakin")
    assert (but["cue"], but["source"], but["speaker"]) == ("قال", None, "وزارة الدفاع")


def test_title_alone_is_the_person_given_that_title_after_the_name() -> None:
    """`راجيف سوري رئيس نوكيا … وقال الرئيس التنفيذي`: the CEO is the person called رئيس نوكيا."""
    [p] = run("title_after_name")
    assert (p["source"], p["speaker"]) == ("الرئيس التنفيذي", "راجيف سوري")


def test_clause_initial_abbara_tagged_as_preposition_is_a_cue() -> None:
    """وعبر … عن تضامنه: the tagger calls عبر a preposition ("via"); after و at the start it is عبّر."""
    [p] = run("verb_tagged_adp")
    assert (p["cue"], p["type"], p["content"]) == ("وعبر", "indirect", "تضامنه مع المحتجين")


def test_generic_mentions_take_the_fuller_form_and_unnamed_reports_are_one_speaker() -> None:
    first, second, reports = run("fuller_generic")
    assert first["speaker"] == "السلطات العراقية"
    assert (second["source"], second["speaker"]) == ("السلطات", "السلطات العراقية")
    assert (reports["source"], reports["speaker"]) == ("التقارير", "تقارير")  # guidelines §4.3


def test_same_source_is_the_unnamed_speaker() -> None:
    """`نفس المصدر` after `مصدر أمني`: both are the registry's مصادر (guidelines §4.3)."""
    assert [(p["source"], p["speaker"]) for p in run("same_source")] == [("مصدر أمني", "مصادر"),
                                                                       ("نفس المصدر", "مصادر")]


def test_name_with_ibn_is_whole_whatever_the_tags() -> None:
    """ملهم بن محمد هندي: the word before بن and an untagged family name after the glued pair belong to it."""
    assert [p["speaker"] for p in run("ibn_name")] == ["ملهم بن محمد هندي", "ملهم بن محمد هندي"]


@pytest.mark.parametrize(
    ("fixture", "speaker", "cue", "source"),
    [
        # a family name with the article after a given name, whatever the tree makes of it
        ("given_family", "محمد العمرة", "وقال", "المهندس محمد العمرة"),
        # glue words keep the name whole; an indefinite title after it is not part of the speaker
        ("glue_name_title", "عبد المجيد بن عمارة", "صرح", "عبد المجيد بن عمارة مدير المدرسة"),
        # و + definite noun inside a title
        ("title_conjunct", "زياد العذاري", "قال", "وزير الصناعة والتجارة زياد العذاري"),
        # an unnamed source and where they serve
        ("unnamed_in", "مسؤول في النيابة العامة", "وقال", "مسؤول في النيابة العامة"),
        # كانت X قد اتهمت: the subject is before قد, the word after the verb is its object
        ("perfect_svo", "سلمى", "اتهمت", "الممثلة سلمى"),
        # الوزارة is the ministry named after a preposition earlier (بيان لوزارة الدفاع)
        ("org_after_clitic", "وزارة الدفاع", "وأفادت", "الوزارة"),
        # an agency is named by its quoted name; و+كالة split by the tokenizer is still the noun
        ("agency_quoted", "إنترفاكس", "كما أفادت", 'وكالة "إنترفاكس" الروسية'),
        # a time aside between the source and عن
        ("time_aside", "قيادة التحالف", "أعلنت", "قيادة التحالف"),
        # وبين X أن is the verb بيّن, not the preposition
        ("bayyana", "العمرة", "وبين", "العمرة"),
        ("ala_ma", "مسؤول محلي", "على ما أفاد", "مسؤول محلي"),
        # an accusative noun after a definite subject is the content, not a name
        ("acc_object", "الوزير", "وأكد", "الوزير"),
        # the subject between a complementizer and كان قد
        ("after_comp_subject", "بومبيو", "توعد", "بومبيو"),
        # two bodies joined by و: the whole phrase, not the last adjective as a family name
        ("joint_orgs", "وزارة الخزانة الأمريكية والحكومة الإماراتية", "أعلنت",
         "وزارة الخزانة الأمريكية والحكومة الإماراتية"),
        # a relaying verb: the speaker is the one named after عن, an unnamed source keeps its words
        ("relay_comp", "مسؤول أميركي كبير", "ونقلت", "مسؤول أميركي كبير"),
        ("relay_quote", "المدير التنفيذي للشركة", "قوله", "المدير التنفيذي للشركة"),  # the cue is قوله
        # a given name tagged as an accusative noun is still a name; a family name split as ل + word too
        ("clitic_family", "نادين لبكي", "وقالت", "المخرجة اللبنانية نادين لبكي"),
        ("clitic_family_split", "نادين لبكي", "وقالت", "لبكي"),
        # جاء في + a document: the words are the document's author's
        ("jaa_fi_bayan", "وزارة الصحة", "وجاء", "بيان لوزارة الصحة"),
        ("jaa_issued", "المجلس", "وجاء", "بيان صادر عن المجلس"),
        # a family name alone takes the full name the article gave before (given name + family name)
        ("given_family_coref", "منى الحسيني", "اتهمت", "الحسيني"),
        # الشركة with no شركة named in the article: the body quoted just before
        ("last_institution", "الخطوط الجوية الإثيوبية", "وأشارت", "الشركة"),
        # a family name the tokenizer read as the future particle and a verb (س + يستروم)
        ("future_split", "كيفن سيستروم", "وقال", "الرئيس التنفيذي لإنستغرام كيفن سيستروم"),
        ("family_before_quote", "جيرالد لانستروم", "وقال", "المحامي جيرالد لانستروم"),
        # a definite title with an age is the person the article gave that title to
        ("title_age", "نادين لبكي", "وأضافت", "المخرجة البالغة 44 عاما"),
        # a channel tag opening the sentence is the subject of a later cue with none (…، فقد أكدت أن)
        ("leading_channel", "مصادر", "أكدت", "مصادر"),
        # the subject between بأن and ، قد أكدوا, closed by a definite ل phrase
        ("comp_comma_subject", "خبراء المعهد الوطني للتراث", "أكدوا", "خبراء المعهد الوطني للتراث"),
        # a long title (و + noun, بجامعة …) then the name after a comma, then the quote
        ("long_title_quote", "سامي بن خالد النجار", "وقال",
         "أستاذ الهندسة والعمارة بجامعة القاهرة، سامي بن خالد النجار"),
    ],
)
def test_sources_and_speakers(fixture: str, speaker: str, cue: str, source: str) -> None:
    found = [p for p in run(fixture) if p["cue"] == cue]
    assert [(p["speaker"], p["source"]) for p in found] == [(speaker, source)]


def test_object_after_svo_and_time_aside_start_the_content() -> None:
    assert str(run("perfect_svo")[0]["content"]).startswith("المنتج بالكذب")
    assert str(run("time_aside")[0]["content"]).startswith("هدنة إنسانية")
    assert str(run("acc_object")[0]["content"]).startswith("تكثيف عمليات الرقابة")


@pytest.mark.parametrize(
    ("fixture", "speaker", "cue", "content", "kind"),
    [
        ("fused_object", "أنقرة", "تتهمه", "ه وراء محاولة الانقلاب", "indirect"),
        ("fused_object_quote", "البيت الأبيض", "وصفه", "السيء", "direct"),
    ],
)
def test_object_pronoun_on_the_cue(fixture: str, speaker: str, cue: str, content: str, kind: str) -> None:
    """الذي تتهمه أنقرة بأنه …: the subject follows the cue and its pronoun; the content is Y alone."""
    [p] = run(fixture)
    assert (p["speaker"], p["cue"], p["content"], p["type"]) == (speaker, cue, content, kind)


def test_a_bare_definite_mention_is_never_a_registry_alias() -> None:
    """الوزارة means another ministry in the next article: it must not become an alias of this one."""
    shared = registry()
    propose(load_conllu("org_after_clitic"), shared)
    assert shared.by_key("وزارة الدفاع") is not None
    assert shared.by_key("الوزارة") is None


def test_jaa_without_a_document_is_not_a_report() -> None:
    """جاء ذلك خلال زيارة …: جاء reports only through a text someone issued."""
    assert not [p for p in run("jaa_event") if p["cue"] in {"جاء", "وجاء"}]


def test_a_second_report_after_kama_is_its_own_attribution() -> None:
    """…، كما ندّدوا بـ …: the first content ends at the comma; the second verb shares the subject."""
    got = [(p["cue"], p["speaker"], p["content"]) for p in run("kama_naddada")]
    assert got == [("وعبّر", "المشاركون", "مساندتهم للمعتصمين"),
                   ("كما ندّدوا", "المشاركون", "التعامل الأمني مع المحتجين")]


def test_bima_sammahu_after_a_title_and_name_apposition() -> None:
    """وندد رجل الدين، مقتدى الصدر، بما سماه "…": بما opens the content; the name after the title speaks."""
    [p] = run("bima_sammahu")
    assert (p["speaker"], p["type"]) == ("مقتدى الصدر", "mixed")
    assert str(p["content"]).startswith("ما سماه")


def test_a_closing_tag_without_a_comma_names_a_speaker_only() -> None:
    """… وفق مصدر أمني. is the source's statement; … وفق الخطة الحكومية. is not reported speech."""
    [p] = run("tag_no_comma")
    assert (p["cue"], p["source"], p["speaker"]) == ("وفق", "مصدر أمني", "مصادر")
    assert str(p["content"]).startswith("أحبطت وحدات الحرس")
    assert run("tag_no_comma_rule") == []


def test_dropped_subject_after_a_nested_report_is_the_outer_speaker() -> None:
    # وقال X إن خبراء … أكدوا أن …. وأضاف: the experts are quoted inside X's words; X goes on speaking.
    outer, nested, added = run("nested_then_dropped")
    assert (outer["speaker"], nested["speaker"]) == ("أحمد السالمي", "خبراء المعهد الوطني")
    assert (added["cue"], added["source"], added["speaker"]) == ("وأضاف", None, "أحمد السالمي")


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("رجل الدين الشيعي، مقتدى الصدر", "مقتدى الصدر"),  # رجل الدين is a title, not a name like نور الدين
        ("الأمين العام للاتحاد العام التونسي للشغل، نور الدين الطبوبي", "نور الدين الطبوبي"),
        ("رئيس الجمهورية، الباجي قايد السبسي", "الباجي قايد السبسي"),
    ],
)
def test_speaker_name_of_a_mention(mention: str, name: str) -> None:
    from annotator.engine.speakers import name_first, name_part
    from annotator.lang.ar import lexicon
    assert name_part(name_first(mention, lexicon()), lexicon()) == name


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("مستشار في إدارة الحكم الذاتي للأكراد في شمال سوريا", None),  # a place after في, not a name
        ("المتحدث باسم الخارجية أحمد أبو زيد", "أحمد أبو زيد"),
        ("محامي عائلة الضحية، جون ماكنزي", "جون ماكنزي"),
    ],
)
def test_name_part(mention: str, name: str | None) -> None:
    from annotator.engine.speakers import name_part
    from annotator.lang.ar import lexicon
    assert name_part(mention, lexicon()) == name
