"""Find the source noun phrase of a cue: after it (VSO, the usual news order) or before it (SVO).

The phrase is found on surface words (what is between spaces: و+قال, ل+لافروف, and names the tokenizer
split wrongly, ب+يسكوف) because clitics decide the boundary: ل+name after a cue is the addressee, not
the speaker. The dependency tree is used where it is reliable: a word the tree makes the cue's object
starts the addressee (أبلغ لافروف كيم أن …).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from annotator.engine.context import DocContext
from annotator.engine.proposal import Span
from annotator.lang.ar import COMPLEMENTIZERS
from annotator.lang.ar.normalize import normalize
from annotator.lang.ar.quotes import QUOTE_CHARS
from annotator.nlp.types import Sentence, Word

NP_UPOS = {"NOUN", "PROPN", "ADJ", "X", "NUM"}
NAME_UPOS = {"PROPN", "X"}
MAX_SOURCE_GROUPS = 10
OBJECT_RELS = {"obj", "iobj"}
COMMAS = {"،", ","}
RELATIVES = {normalize(w) for w in ("الذي", "التي", "الذين", "اللذان", "اللتان", "اللذين", "اللتين", "اللواتي")}
_PREP_CLITICS = {"ب", "ل", "ك"}
_TANWEEN_FATH = ("\u064b\u0627", "\u0627\u064b", "\u064b")  # ـًا، ـاً، ـةً
RESUMPTIVES = {normalize(w) for w in ("فيه", "فيها", "منه", "منها", "عنه", "عنها")}
_CONJ = {"و", "ف"}
# Heads of unnamed sources, whose ل/ب phrase says where they work (مصدرا بالشركة).
UNNAMED_HEADS = {normalize(w) for w in ("مصدر", "مصادر", "مسؤول", "مسؤولون", "مسؤولين", "عضو", "متحدث", "ناطق")}
# Nouns whose name may follow in quotation marks: مراسل "سكاي نيوز عربية", صحيفة "نيويورك تايمز".
_NAMED_BY_QUOTE = {normalize(w) for w in ("مراسل", "مراسلة", "صحيفة", "وكالة", "موقع", "قناة", "شبكة", "مجلة",
                                          "إذاعة", "شركة", "حركة", "جماعة", "تنظيم", "حزب", "منظمة")}


@dataclass(frozen=True)
class Group:
    """A surface word: syntactic words with no space between them (or one punctuation mark)."""

    first: int  # index of its first word in sentence.words (0-based)
    last: int  # index of its last word (inclusive)
    words: tuple[Word, ...]
    whole: bool = False  # one word although the tokenizer split it (و + زير, ل + افروف)

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        return self.words[-1].end

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)

    @cached_property
    def key(self) -> str:
        return normalize(self.text)

    @property
    def is_punct(self) -> bool:
        return len(self.words) == 1 and _is_punct(self.words[0])

    @property
    def clitic(self) -> str | None:
        """A leading preposition or conjunction split off this surface word, if any."""
        if len(self.words) > 1 and not self.whole:
            head = normalize(self.words[0].text)
            if head in _PREP_CLITICS | _CONJ:
                return head
        return None

    @property
    def head(self) -> Word:
        """The content word: the first word after a leading clitic (the last piece of a split name)."""
        if self.whole:
            return self.words[-1]
        return self.words[1] if self.clitic else self.words[0]

    @property
    def upos(self) -> str:
        # A wrongly split word gets odd tags on its pieces (زير VERB): it is a noun or a name.
        if self.whole:
            return "PROPN" if self.words[-1].upos in {"X", "PROPN", "VERB"} else "NOUN"
        return self.head.upos


def _is_punct(w: Word) -> bool:
    return w.upos == "PUNCT" or w.text in QUOTE_CHARS or all(not ch.isalnum() for ch in w.text)


def _acronym_dot(sent: Sentence, i: int) -> bool:
    """The dots of بي.إم.آي: a full stop with letters glued on both sides."""
    w = sent.words[i]
    return w.text == "." and 0 < i < len(sent.words) - 1 and sent.words[i - 1].end == w.start \
        and sent.words[i + 1].start == w.end and not _is_punct(sent.words[i + 1])


def groups(sent: Sentence, ctx: DocContext) -> list[Group]:
    """The sentence's surface words; cached per sentence in the context."""
    cached = ctx.groups_cache.get(sent.index)
    if cached is None or cached[0] is not sent:
        cached = (sent, _groups(sent, ctx))
        ctx.groups_cache[sent.index] = cached
    return cached[1]


def _groups(sent: Sentence, ctx: DocContext) -> list[Group]:
    def make(indices: list[int]) -> Group:
        words = tuple(sent.words[k] for k in indices)
        surface = "".join(w.text for w in words)
        # A split word that is one word (و+زير), or a known name whatever its tag (تشوي tagged VERB).
        whole = ctx.is_whole_word(surface) if len(words) > 1 else ctx.is_known_name(surface)
        return Group(indices[0], indices[-1], words, whole=whole)

    out: list[Group] = []
    current: list[int] = []
    for i, w in enumerate(sent.words):
        if _hashtag_mark(sent, i):
            if current:
                out.append(make(current))
            current = []
            continue  # سفير #الإمارات: the mark of a hashtag is not a word of the phrase
        prev = sent.words[current[-1]] if current else None
        joined = prev is not None and prev.end == w.start and (
            (not _is_punct(w) and not _is_punct(prev)) or _acronym_dot(sent, i) or _acronym_dot(sent, current[-1]))
        if joined:
            current.append(i)
            continue
        if current:
            out.append(make(current))
        current = [i]
    if current:
        out.append(make(current))
    return out


def _hashtag_mark(sent: Sentence, i: int) -> bool:
    w = sent.words[i]
    return w.text == "#" and i + 1 < len(sent.words) and sent.words[i + 1].start == w.end \
        and not _is_punct(sent.words[i + 1])


def group_index(gs: list[Group], word_pos: int) -> int:
    for i, g in enumerate(gs):
        if g.first <= word_pos <= g.last:
            return i
        if g.first > word_pos:
            return i  # a word in no group (the # of a hashtag): the group after it
    raise IndexError(word_pos)


def _stops(g: Group, ctx: DocContext) -> bool:
    key = g.key
    if g.text == "علي" and g.upos in NAME_UPOS:
        return False  # the name Ali, written with ي, which normalises like the preposition على
    head_key = normalize(g.head.text)
    if g.text.endswith(_TANWEEN_FATH):
        return True  # نهض السيد هاشم مدهوشًا: a word marked accusative indefinite describes, it names no one
    return (key in ctx.lex.np_stoppers or (head_key in ctx.lex.np_stoppers and g.clitic is None)
            or key in COMPLEMENTIZERS or normalize(g.words[0].text) in COMPLEMENTIZERS or key in RELATIVES)


def _is_np_group(g: Group, ctx: DocContext, after_name: bool, next_group: Group | None,
                 after_title: bool = False) -> bool:
    if g.is_punct or _stops(g, ctx) or _touches_quote(g) or ctx.lex.participle(g.text) is not None:
        return False
    head = g.head
    if g.whole:
        return ctx.lex.verb(g.text) is None
    if g.clitic in _CONJ:
        return False
    if g.clitic in _PREP_CLITICS:
        # ب+يسكوف: a name split wrongly, after a first name; ل+لافروف is the addressee: never.
        if g.clitic == "ب" and after_title and head.upos in NAME_UPOS and _ends_np(next_group, ctx) \
                and not normalize(head.text).startswith("ال"):
            return True  # مسؤول تنفيذي بغوغل: an unnamed source and where they work
        return g.clitic == "ب" and after_name and head.upos in NAME_UPOS | {"VERB"} and \
            not normalize(head.text).startswith("ال") and not ctx.is_known_name(head.text) \
            and _ends_np(next_group, ctx)
    if after_name and _future_split(g, ctx) and _ends_np(next_group, ctx):
        return True  # كيفن س+يستروم: a name the tokenizer read as the future particle and a verb
    if head.upos == "VERB":
        # Names the tagger takes for verbs (يسكوف) close a name: only right after a name, at the end.
        return after_name and ctx.lex.verb(head.text, head.lemma) is None and _ends_np(next_group, ctx)
    return head.upos in NP_UPOS or normalize(head.text) in ctx.lex.titles


def _future_split(g: Group, ctx: DocContext) -> bool:
    return len(g.words) == 2 and normalize(g.words[0].text) == "س" \
        and g.words[1].upos in {"VERB", "X", "PROPN", "NOUN"} \
        and ctx.lex.verb(g.text) is None and ctx.lex.verb(g.words[1].text) is None


def _modifier_pp(gs: list[Group], i: int, first: int, ctx: DocContext) -> bool:
    """A ل/ب phrase that belongs to the source rather than naming the addressee: inside a title before
    the name (رئيس نادي كرة القدم بالحمامات أحمد الشعباني), or after an organisation or an unnamed
    source (الاتحاد المصري لكرة القدم, مصدرا بالشركة). Never a name's addressee (قال لافروف لكيم)."""
    g = gs[i]
    if g.clitic not in {"ل", "ب"} or g.is_punct or len(g.words) > 3 or g.key in ctx.lex.np_stoppers:
        return False  # بالتنسيق مع …: how the subject acted, not where it belongs
    head = normalize(g.head.text if len(g.words) == 2 or g.words[1].text != "ال" else g.words[-1].text)
    bare = head.removeprefix("ال")
    if g.clitic == "ل" and head.startswith("ل") and not head.startswith("ال"):
        bare = head[1:]  # ل + لشركة: the article's ل merged with the preposition (للشركة)
    if bare in ctx.lex.addressee_nouns or head in ctx.lex.addressee_nouns or g.head.upos not in NP_UPOS:
        return False
    opener = gs[first].key.removeprefix("ال")
    if _name_follows(gs, i + 1, ctx) or (title_key(opener, ctx) and _name_after_pp(gs, i + 1, ctx)):
        return True
    if title_key(opener, ctx) and bare in ctx.lex.org_nouns:
        return True  # أستاذ الهندسة بجامعة القاهرة, مدير عام الإدارة بوزارة الزراعة: where the title is held
    if opener not in ctx.lex.org_nouns and opener.removesuffix("ا") not in UNNAMED_HEADS:
        return False
    # للمقاومة, لكرة القدم, بالشركة: a definite phrase; تعهد الصندوق باستثمار …: what was promised
    nxt = gs[i + 1] if i + 1 < len(gs) else None
    definite = head.startswith("ال") or (g.clitic == "ل" and head.startswith("ل"))  # لل+مقاومة
    return definite or (nxt is not None and nxt.key.startswith("ال") and nxt.upos == "NOUN"
                                     and nxt.clitic is None)


def _name_follows(gs: list[Group], j: int, ctx: DocContext) -> bool:
    """A personal name comes within three words, and the phrase ends after it."""
    for k in range(j, min(j + 3, len(gs))):
        g = gs[k]
        if g.is_punct or _stops(g, ctx) or g.clitic is not None:
            return False
        if (g.upos in NAME_UPOS or g.text[:1] in QUOTE_CHARS) and not g.key.startswith("ال"):
            return True
    return False


def _name_after_pp(gs: list[Group], j: int, ctx: DocContext) -> bool:
    """كاتب عام النقابة الجهوية للقيمين جمال العبادل: a given name (tagged as a noun) and its family word."""
    return j + 1 < len(gs) and not gs[j].is_punct and gs[j].clitic is None and not gs[j].key.startswith("ال") \
        and gs[j].upos in NP_UPOS and gs[j].key not in ctx.lex.titles and not _stops(gs[j], ctx) \
        and (gs[j + 1].upos in NAME_UPOS or family_word(gs[j + 1], ctx))


def _ends_np(g: Group | None, ctx: DocContext) -> bool:
    return g is None or g.is_punct or _stops(g, ctx) or g.clitic in _PREP_CLITICS


def _apposition_end(gs: list[Group], comma: int, ctx: DocContext) -> int | None:
    """`وزير الخارجية الأمريكي، ريكس تيلرسون،` : a short name after a comma, closed by a comma or إن/أن."""
    j = comma + 1
    while j < len(gs) and j - comma <= 4 and not gs[j].is_punct and gs[j].clitic is None \
            and (gs[j].upos in NAME_UPOS or (gs[j].upos in {"NOUN", "ADJ"} and not gs[j].key.startswith("ال"))
                 or (j == comma + 1 and gs[j].key in ctx.lex.given_names)  # ، الباجي قايد السبسي،
                 or (j > comma + 1 and family_word(gs[j], ctx)) or _title_word(gs[j], ctx)) \
            and not _stops(gs[j], ctx) and ctx.lex.participle(gs[j].text) is None:
        j += 1
    if j == comma + 1 or j >= len(gs) or _title_word(gs[j - 1], ctx):
        return None  # `جميل الشمري، المسؤول عن …`: a title with no name after it is not an apposition
    nxt = gs[j]
    if nxt.text in COMMAS or _stops(nxt, ctx) or nxt.text in QUOTE_CHARS | {":"}:
        return j  # closed by a comma, إن/أن, a quote, or a phrase that is not the name's (في مداخلة له)
    if ctx.lex.verb(nxt.text, nxt.head.lemma) is not None:
        return j  # SVO: الرئيس التركي، رجب طيب أردوغان انتقد …
    return None


def _title_word(g: Group, ctx: DocContext) -> bool:
    """المخرج المسرحي in `الممثل، المخرج المسرحي ياسر مدخلي`: a second title before the name."""
    return g.upos in {"NOUN", "ADJ"} and title_key(g.key, ctx)


def title_key(key: str, ctx: DocContext) -> bool:
    """A title word with or without the article (the list has الكاتب but not كاتب, مدرب and المدرب)."""
    return key in ctx.lex.titles or key.removeprefix("ال") in ctx.lex.titles or "ال" + key in ctx.lex.titles


def family_word(g: Group, ctx: DocContext) -> bool:
    """The article's word of a name after its first word: مقتدى الصدر, عبد اللطيف الخراط."""
    key = g.key
    return key.startswith("ال") and g.upos in {"NOUN", "ADJ", "PROPN", "X"} and key not in ctx.lex.titles \
        and key[2:] not in ctx.lex.org_nouns and key not in ctx.lex.np_stoppers and ctx.lex.verb(g.text) is None


def _touches_quote(g: Group) -> bool:
    """The tokenizer sometimes glues a quote mark to a word ("تاس): such a word opens or closes a quote."""
    return not g.is_punct and (g.text[:1] in QUOTE_CHARS or g.text[-1:] in QUOTE_CHARS)


def _titled(gs: list[Group], first: int, i: int, ctx: DocContext) -> bool:
    """A title phrase so far (الباحث الفلكي "هندي"): a quoted short name may follow it, when the
    phrase goes on after the quote (a comma, إن/أن, a verb) rather than ending the sentence."""
    if not any(title_key(g.key, ctx) for g in gs[first:i]):
        return False
    end = _quoted_name_end(gs, i)
    if end is None or end >= len(gs) or end - i > 4:
        return False
    inside = [w for g in gs[i:end] for w in g.words if not _is_punct(w)]
    nxt = gs[end]
    return bool(inside) and all(w.upos in NP_UPOS for w in inside) and (
        nxt.text in COMMAS or nxt.text == ":" or nxt.key in COMPLEMENTIZERS
        or normalize(nxt.words[0].text) in COMPLEMENTIZERS or ctx.lex.verb(nxt.text, nxt.head.lemma) is not None)


def _quoted_name_end(gs: list[Group], i: int) -> int | None:
    """Group index after a short quoted name ("تاس", «إنترفاكس») starting at group i."""
    if gs[i].text[:1] not in QUOTE_CHARS:
        return None
    if not gs[i].is_punct and gs[i].text[-1:] in QUOTE_CHARS and len(gs[i].text) > 2:
        return i + 1  # "تاس" as one token
    for j in range(i + 1, min(i + 5, len(gs))):
        if gs[j].text[-1:] in QUOTE_CHARS and (j > i + 1 or not gs[i].is_punct or not gs[j].is_punct):
            return j + 1
    return None


def np_groups(gs: list[Group], first: int, ctx: DocContext, *, allow_quotes: bool = False) -> int:
    """Index of the first group after the noun phrase starting at group ``first`` (== first: none)."""
    i = first
    after_name = False
    while i < len(gs) and i - first < MAX_SOURCE_GROUPS:
        g = gs[i]
        if i > first and "\n" in ctx.text[gs[i - 1].end:g.start]:
            break  # a phrase never runs onto the next line
        if allow_quotes or (i > first and (gs[i - 1].key in _NAMED_BY_QUOTE or _titled(gs, first, i, ctx)
                                           or gs[i - 1].key.removeprefix("ال") in ctx.lex.person_nouns
                                           or gs[i - 1].key.removeprefix("ال") in ctx.lex.org_nouns)):
            quoted = _quoted_name_end(gs, i)
            if quoted is not None:
                i, after_name = quoted, True
                continue
        if g.key == "باسم" or (g.clitic == "ب" and normalize(g.head.text) == "اسم"):
            i += 1  # المتحدث باسم الكرملين
            continue
        if i > first and g.key == "عن" and gs[i - 1].key in ISSUED and gs[first].key.removeprefix("ال") \
                in ctx.lex.document_nouns:
            i += 1  # بيان صادر عن المجلس: the document and who issued it
            continue
        if g.text in COMMAS and i > first:
            end = _apposition_end(gs, i, ctx)
            if end is None:
                break
            i = end
            continue
        if i > first and not after_name and _modifier_pp(gs, i, first, ctx):
            i += 1  # الرئيس التنفيذي لإنستغرام كيفن سيستروم, المركز الإعلامي للمقاومة, مصدرا بالشركة
            continue
        after_title = i > first and not after_name and not gs[i - 1].key.startswith("ال") \
            and gs[first].key in ctx.lex.titles
        prev_key = gs[i - 1].key if i > first else ""
        if prev_key in NAME_GLUE and not g.is_punct and not _stops(g, ctx) and g.clitic is None:
            i, after_name = i + 1, True  # عبد المجيد, أبو بكر, بن عمارة: the word after the glue is a name
            continue
        if i > first and g.key == "في" and _unnamed_in(gs, first, i, ctx):
            i += 1  # مسؤول في النيابة العامة, عضو في البرلمان: an unnamed source and where they serve
            continue
        place_end = _place_after(gs, first, i, ctx) if i > first and not after_name and g.key == "في" else None
        if place_end is not None:
            i = place_end  # مركز المصالحة الروسي في سوريا, رئيس البلدية في ويست هوليوود: the body's or office's place
            break
        if i > first and after_name and (clitic_family_name(gs, i, ctx) or _family_before_quote(gs, i, first, ctx)):
            i += 1  # المخرجة اللبنانية نادين ل+بكي, المحامي لورانس ل+استبرج "…"
            continue
        if i > first and not after_name and _title_conjunct(gs, i, first, ctx):
            i += 1  # وزير الصناعة والتجارة زياد العذاري
            continue
        if not _is_np_group(g, ctx, after_name, gs[i + 1] if i + 1 < len(gs) else None, after_title):
            break
        if after_name and g.key.startswith("ال") and g.upos == "NOUN" and not g.whole \
                and prev_key not in ctx.lex.given_names:
            break  # a name then a definite noun: the object begins (اتهمت تشوي الولايات المتحدة بـ…)
        if after_name and not g.whole and len(g.words) > 1 and g.words[-1].upos == "PRON":
            break  # أعلنت نتفليكس استبعاده: a noun with a pronoun after a name is the object
        nxt_key = gs[i + 1].key if i + 1 < len(gs) else ""
        if i > first and nxt_key in _RELATIVE_TIME:
            break  # تعهدت الحكومة العام الماضي: a time phrase, not part of the source
        if i > first and g.key in ctx.lex.content_nouns:
            break  # استبعد رئيس الكتلة تعيين نواب …: the verbal noun is the object
        if i > first and not after_name and not g.whole and g.clitic is None and g.upos == "NOUN" \
                and gs[i - 1].key.startswith("ال") and not g.key.startswith("ال") and g.head.feat("Case") == "Acc" \
                and g.key not in ctx.lex.given_names:
            break  # وأكد الوزير تكثيف الرقابة: an accusative noun after a definite subject is the object
        after_name = g.upos in NAME_UPOS and not normalize(g.head.text).startswith("ال") \
            and g.key not in ctx.lex.titles  # و+زير tagged as a verb is the title وزير, not a name
        i += 1
    return i


NAME_GLUE = {normalize(w) for w in ("عبد", "أبو", "ابن", "بن", "بنت", "أم")}
COMPOUND_NAME_END = "الدين"  # نور الدين, صلاح الدين: a given name of two words; the family name follows
ISSUED = {normalize(w) for w in ("صادر", "صادرة", "الصادر", "الصادرة")}  # بيان صادر عن …
_RELATIVE_TIME = {normalize(w) for w in ("الماضي", "الماضية", "المقبل", "المقبلة", "الحالي", "الحالية", "الجاري")}


def _place_after(gs: list[Group], first: int, i: int, ctx: DocContext) -> int | None:
    """The group index after `في PLACE` closing a source that names no person (an organisation, an
    unnamed source, a title alone): PLACE is one to three proper nouns, and the phrase ends after it."""
    opener = gs[first].key.removeprefix("ال")
    if not (opener in ctx.lex.org_nouns or opener.removesuffix("ا") in UNNAMED_HEADS or title_key(opener, ctx)):
        return None
    j = i + 1
    while j < len(gs) and j - i <= 3 and gs[j].upos in {"PROPN", "X"} and gs[j].clitic is None \
            and not gs[j].key.startswith("ال") and not _stops(gs[j], ctx):
        j += 1
    if j == i + 1:
        return None
    nxt = gs[j] if j < len(gs) else None
    ends = nxt is None or nxt.is_punct or _stops(nxt, ctx) or ctx.lex.verb(nxt.text, nxt.head.lemma) is not None
    return j if ends else None


def _unnamed_in(gs: list[Group], first: int, i: int, ctx: DocContext) -> bool:
    """في after an unnamed source's head (and its adjectives), followed by a definite noun."""
    nxt = gs[i + 1] if i + 1 < len(gs) else None
    return i - first <= 2 and gs[first].key.removesuffix("ا") in UNNAMED_HEADS and nxt is not None \
        and nxt.clitic is None and nxt.key.startswith("ال") and nxt.upos in {"NOUN", "PROPN"} \
        and not _stops(nxt, ctx)


def clitic_family_name(gs: list[Group], j: int, ctx: DocContext) -> bool:
    """نادين ل+بكي: after a given name, a family name the tokenizer split as ل + word (a phrase-final one;
    not للصحفيين, لرويترز or any known name, which are whom the words were told to)."""
    if j == 0 or j >= len(gs):
        return False
    nxt = gs[j + 1] if j + 1 < len(gs) else None
    return gs[j - 1].key in ctx.lex.given_names and gs[j - 1].text != "على" and _lam_name_piece(gs[j], ctx) \
        and (nxt is None or nxt.is_punct or _stops(nxt, ctx))


def _family_before_quote(gs: list[Group], i: int, first: int, ctx: DocContext) -> bool:
    """وقال المحامي لورانس ل+استبرج "…": after a title and one unknown first name, a ل + word right before the
    quote or colon is the family name (an addressee there would be للصحفيين or a known name)."""
    nxt = gs[i + 1] if i + 1 < len(gs) else None
    return i - first == 2 and title_key(gs[first].key, ctx) and _lam_name_piece(gs[i], ctx) \
        and not ctx.is_known_name(gs[i - 1].text) \
        and nxt is not None and (nxt.text[:1] in QUOTE_CHARS or nxt.text == ":")


def _lam_name_piece(g: Group, ctx: DocContext) -> bool:
    """ل + a word that can be a name's piece: not definite (للصحفيين), not a known name (لرويترز), not an
    addressee noun."""
    head = g.words[-1]
    key = normalize(head.text)
    return g.clitic == "ل" and len(g.words) == 2 and not key.startswith("ال") and not key.startswith("ل") \
        and key not in ctx.lex.addressee_nouns and head.upos in NAME_UPOS | {"NOUN", "ADJ"} \
        and not ctx.is_known_name(head.text)


def _title_conjunct(gs: list[Group], i: int, first: int, ctx: DocContext) -> bool:
    """و+definite noun inside a title (وزير الخارجية والتعاون الدولي), when the phrase opened with a title
    word, the word before is definite, and the phrase goes on after it."""
    g = gs[i]
    nxt = gs[i + 1] if i + 1 < len(gs) else None
    return g.clitic == "و" and len(g.words) == 2 and normalize(g.head.text).startswith("ال") \
        and g.head.upos in {"NOUN", "ADJ"} and title_key(gs[first].key, ctx) and gs[i - 1].key.startswith("ال") \
        and nxt is not None and not nxt.is_punct and not _stops(nxt, ctx) \
        and (nxt.clitic in {"ب", "ل"} or (nxt.clitic is None and (
            nxt.upos in NAME_UPOS or nxt.key.startswith("ال") or nxt.key in ctx.lex.given_names)))


def _cut_at_object(sent: Sentence, gs: list[Group], cue: Word, first: int, end: int, ctx: DocContext) -> int:
    """End the source where the tree puts the cue's object, once a subject came before it."""
    subject_seen = False
    for i in range(first, end):
        for w in gs[i].words:
            if w.head == cue.index and w.deprel.startswith("nsubj"):
                subject_seen = True
            elif w.head == cue.index and w.deprel in OBJECT_RELS and subject_seen and i > first \
                    and gs[i - 1].upos in NAME_UPOS and not gs[i - 1].key.startswith("ال") \
                    and not _name_goes_on(gs[i - 1], gs[i], ctx):
                # Only after a name: `أبلغ لافروف كيم`; a title then a name is one phrase
                # (وزير الخارجية الكوري الشمالي تشوي سون هوي) whatever the tree says.
                return i
    return end


def _name_goes_on(prev: Group, g: Group, ctx: DocContext) -> bool:
    """محمد العمرة, بن عمارة: after a given name or a glue word the next word is the family name, whatever
    the tree makes of it."""
    return prev.key in NAME_GLUE or (prev.key in ctx.lex.given_names and g.key.startswith("ال"))


def _span(gs: list[Group], first: int, end: int) -> Span | None:
    while end > first and gs[end - 1].is_punct and gs[end - 1].text not in QUOTE_CHARS:
        end -= 1
    if end <= first:
        return None
    return Span(gs[first].start, gs[end - 1].end)


def _object_first(g: Group, cue: Word, ctx: DocContext) -> bool:
    """أكد رفض …، أعلن الكشف عن …: a noun in the accusative or a verbal noun right after the cue is
    what was said, not who said it."""
    head = g.head
    if g.whole or head.upos in NAME_UPOS:
        return False
    if normalize(head.text) in ctx.lex.content_nouns:
        return True
    return head.feat("Case") == "Acc" and not (head.head == cue.index and head.deprel.startswith("nsubj"))


def _past_quoted_addressee(gs: list[Group], first: int) -> int:
    """`قال لـ"الاقتصادية" خالد الجوهر`: the paper spoken to, a ل with a quoted name, may stand between
    the cue and its subject; the group index after it (``first`` when there is none)."""
    i = first
    if i >= len(gs) or normalize(gs[i].words[0].text).rstrip("ـ") != "ل":
        return first
    if len(gs[i].words) > 1 and not gs[i].is_punct:
        # لـ"عكاظ" as one surface word: ل split off, the quoted name glued to it
        return i + 1 if gs[i].text[-1:] in QUOTE_CHARS and len(gs[i].text) > 3 else first
    i += 1
    while i < len(gs) and gs[i].text.strip("ـ") == "":
        i += 1  # the tatweel of لـ split off as a token
    if i < len(gs) and gs[i].text[:1] == "(":
        gs_end = next((j + 1 for j in range(i, min(i + 5, len(gs))) if gs[j].text[-1:] == ")"), None)
        return gs_end if gs_end is not None else first  # لـ(عكاظ)
    end = _quoted_name_end(gs, i) if i < len(gs) else None
    return end if end is not None else first


def source_after(sent: Sentence, cue_pos: int, ctx: DocContext, *, allow_quotes: bool = False) -> Span | None:
    gs = groups(sent, ctx)
    first = group_index(gs, cue_pos) + 1
    if first < len(gs) and gs[first].key in RESUMPTIVES:
        first += 1  # في الوقت الذي أعربت فيه الأمم المتحدة …
    first = _past_quoted_addressee(gs, first)
    if first < len(gs) and _object_first(gs[first], sent.words[cue_pos], ctx):
        return None
    end = np_groups(gs, first, ctx, allow_quotes=allow_quotes)
    if end == first:
        return None
    end = _cut_at_object(sent, gs, sent.words[cue_pos], first, end, ctx)
    end = _name_after_title(gs, first, end, ctx)
    return _span(gs, first, _author_end(gs, first, end, ctx))


TITLE_TAIL_GROUPS = 22  # how far a long title phrase may run before the name it gives (counted in surface words)
NAME_RUN = (2, 4)  # words in the name that closes a title phrase
_CLOSERS = {":", "“", "«", '"', "„"}


def _name_after_title(gs: list[Group], first: int, end: int, ctx: DocContext, *, to_period: bool = False) -> int:
    """`أكد المندوب الجهوي لشؤون المرأة والأسرة بالمنستير، نبيل ميلاد أنه`: a title phrase with its
    ل/ب/في phrases, second titles and a comma may run on to the person's name right before إن/أن, a
    colon or a quote. The phrase found so far holds no name; the whole run up to the name is the source."""
    if end <= first or end >= len(gs) or any(_name_word(g, ctx) for g in gs[first:end]) \
            or not title_key(gs[first].key, ctx):
        return end
    stop = end
    while stop < len(gs) and stop - first < TITLE_TAIL_GROUPS:
        g = gs[stop]
        if g.key in COMPLEMENTIZERS or normalize(g.words[0].text) in COMPLEMENTIZERS or g.text in _CLOSERS:
            break
        if to_period and g.text == ".":
            break  # …، وفق ما أكدته المندوبة الجهوية للتربية بسوسة، سميرة خضر.
        if g.text in {".", "؟", "!", "؛"} or g.key in RELATIVES or (g.head.upos == "VERB" and (
                ctx.lex.verb(g.text, g.head.lemma) is not None or g.words[-1].upos == "PRON")):
            return end  # a reporting verb, or a verb with its object (أذاعته): the subject is over
        stop += 1
    else:
        return end  # no إن/أن, colon, quote (or period) in reach: the phrase is not a subject before its content
    for run in range(end, stop):
        length = _name_run(gs, run, stop, ctx)
        if length and _only_addressee_or_time(gs[run + length:stop], ctx):
            return run + length
    return end


def _name_run(gs: list[Group], run: int, stop: int, ctx: DocContext) -> int:
    """Words in a personal name starting at group ``run`` (0 when none starts there): after a comma or a
    title, or opening with a given name or a proper noun."""
    opener = gs[run]
    if opener.text == "على" or (opener.upos == "VERB" and opener.key not in ctx.lex.given_names) \
            or not (opener.key in ctx.lex.given_names or opener.upos in NAME_UPOS or gs[run - 1].text in COMMAS
            or title_key(gs[run - 1].key, ctx)) or not _plain_name_piece(opener, ctx):
        return 0
    k = run + 1
    while k < stop and k - run < NAME_RUN[1] and (
            _plain_name_piece(gs[k], ctx) or (_family_may_follow(gs, k, run, ctx) and family_word(gs[k], ctx))):
        k += 1
    return k - run if k - run >= NAME_RUN[0] else 0


def _family_may_follow(gs: list[Group], k: int, run: int, ctx: DocContext) -> bool:
    """A family name may stand at k: right after the first name, a glue word (عبد، بن), or a two-word
    given name ending in الدين (نور الدين الطبوبي)."""
    prev = gs[k - 1].key
    return k == run + 1 or prev in NAME_GLUE or (prev == COMPOUND_NAME_END and gs[k - 2].key in ctx.lex.given_names)


def _only_addressee_or_time(rest: list[Group], ctx: DocContext) -> bool:
    """What may stand between the name and إن/أن: commas, time words, and whom it was told to (لـ(عكاظ))."""
    for k, g in enumerate(rest):
        if g.is_punct or g.key in ctx.lex.time_words:
            continue
        if g.key in _SETTING_PREPOSITIONS and k > 0 and rest[k - 1].text in COMMAS:
            # ، سعيد النويس، أمام محكمة العدل الدولية إن …: where it was said, set off by a comma
            return not any(h.head.upos == "VERB" for h in rest[k + 1:])
        return g.clitic == "ل" or g.key == "ل"  # للصحفيين, لـ(عكاظ), ل"الجوهرة أف أم" (the quote ends the run)
    return True


_SETTING_PREPOSITIONS = {normalize(w) for w in ("أمام", "خلال", "في", "عبر", "على", "لدى")}


def _name_word(g: Group, ctx: DocContext) -> bool:
    return not g.is_punct and g.clitic is None and not g.key.startswith("ال") and g.key not in ctx.lex.titles \
        and (g.upos in NAME_UPOS or g.key in ctx.lex.given_names or ctx.is_known_name(g.text))


def _plain_name_piece(g: Group, ctx: DocContext) -> bool:
    """A word that can be part of a personal name: a given name, or a word with no clitic, no article and
    no title that is not a reporting verb (a family name with the article is ``_name_run``'s to take)."""
    if g.key in ctx.lex.given_names and not g.is_punct and g.text != "على":
        return True  # ف+هد: a given name the tokenizer split like a conjunction and a word
    if g.is_punct or g.clitic is not None or g.key in ctx.lex.titles or _stops(g, ctx) or g.text[:1] in QUOTE_CHARS:
        return False
    if g.key.startswith("ال"):
        return False
    return g.upos in NP_UPOS | {"VERB"} and ctx.lex.verb(g.text, g.head.lemma) is None


def _author_end(gs: list[Group], first: int, end: int, ctx: DocContext) -> int:
    """`ذكر تقرير لموقع بلومبرغ أن`: a text (تقرير, بيان) with its author after ل is one source."""
    if end != first + 1 or gs[first].key not in ctx.lex.document_nouns or end >= len(gs):
        return end
    g = gs[end]
    if g.clitic != "ل" and not (g.key.startswith("ل") and not g.is_punct and len(g.words) == 1):
        return end
    after = np_groups(gs, end + 1, ctx, allow_quotes=True)
    return after if after > end + 1 or (g.clitic == "ل" and len(g.words) > 1) else end


def phrase_after(
    sent: Sentence, word_pos: int, ctx: DocContext, *, allow_quotes: bool = False
) -> tuple[Span, int] | None:
    """The noun phrase starting at the surface word holding ``word_pos``: (span, word index after it)."""
    gs = groups(sent, ctx)
    first = group_index(gs, word_pos)
    g = gs[first]
    if word_pos > g.first and g.clitic in {"ل", "ب"} and not g.whole and sent.words[word_pos].upos in NP_UPOS:
        # وفقا لمصادر: the phrase starts inside a surface word, after its preposition
        end = max(first + 1, np_groups(gs, first + 1, ctx, allow_quotes=allow_quotes) if first + 1 < len(gs) else 0)
        return Span(sent.words[word_pos].start, gs[end - 1].end), gs[end - 1].last + 1
    end = _author_end(gs, first, np_groups(gs, first, ctx, allow_quotes=allow_quotes), ctx)
    end = _name_after_title(gs, first, end, ctx, to_period=True)
    span = _span(gs, first, end)
    if span is None:
        return None
    return span, gs[end - 1].last + 1


def source_before(sent: Sentence, cue_pos: int, ctx: DocContext) -> Span | None:
    """SVO (`الرئيس الروسي أكد أن`, `وكان بوتين قد قال`): a noun phrase from the sentence start to the cue,
    or the antecedent of a relative pronoun right before the cue (`تشوي، الذي قال إن`)."""
    gs = groups(sent, ctx)
    cue_g = group_index(gs, cue_pos)
    start = 0
    if gs and gs[0].key in _CONJ:
        start = 1
    if start < cue_g and gs[start].key in {"كان", "كانت", "وكان", "وكانت"}:
        start += 1
    stop = cue_g
    if stop - 1 > start and gs[stop - 1].key in {"قد", "لقد"}:
        stop -= 1
    if stop > start and stop - start <= MAX_SOURCE_GROUPS and np_groups(gs, start, ctx) >= stop:
        return _span(gs, start, stop)
    return _antecedent(gs, cue_g, ctx) or _after_complementizer(gs, stop, ctx) \
        or _tree_subject_before(sent, gs, cue_pos, stop, ctx)


def _after_complementizer(gs: list[Group], stop: int, ctx: DocContext) -> Span | None:
    """يذكر أن بومبيو كان قد توعد: the subject between a complementizer and (كان قد) the cue."""
    for _ in range(3):  # بأن خبراء المعهد، قد أكدوا / أن بومبيو كان قد توعد
        if stop >= 2 and (gs[stop - 1].key in {"قد", "لقد"} | AUXILIARIES or gs[stop - 1].text in COMMAS):
            stop -= 1
    for k in range(stop - 1, max(-1, stop - 1 - MAX_SOURCE_GROUPS), -1):
        if gs[k].key in COMPLEMENTIZERS:
            start = k + 1
            end = np_groups(gs, start, ctx) if start < stop else start
            # خبراء المعهد الوطني للتراث: a definite ل/ب phrase may close the subject
            if end == stop - 1 and gs[end].clitic in {"ل", "ب"} and normalize(gs[end].words[-1].text).startswith(
                    ("ال", "ل")) and len(gs[end].words) <= 3:
                end = stop
            return _span(gs, start, stop) if start < stop and end >= stop else None
        if gs[k].is_punct:
            return None
    return None


AUXILIARIES = {normalize(w) for w in ("كان", "كانت", "ظل", "ظلت", "بات", "باتت")}
MAX_SUBJECT_WORDS = 14


def _tree_subject_before(sent: Sentence, gs: list[Group], cue_pos: int, stop: int, ctx: DocContext) -> Span | None:
    """The subject the tree gives the cue (or the كان it depends on), when it ends right before the cue:
    `حتى أن أحد المعلقين السعوديين البارزين ألمح`, `وكان وزير الإعلام في جنوب السودان مايكل ماكوي قال`.
    Only a phrase of nouns, names and prepositions: a verb or a relative pronoun inside is a clause."""
    cue = sent.words[cue_pos]
    heads = [cue.index]
    if cue.head and normalize(sent.word(cue.head).text) in AUXILIARIES | {"و" + a for a in AUXILIARIES}:
        heads.append(cue.head)
    for head in heads:
        subject = next((w for w in sent.words if w.head == head and w.deprel.startswith("nsubj")
                        and w.index < cue.index), None)
        if subject is None:
            continue
        words = sent.subtree(subject.index)
        if len(words) > MAX_SUBJECT_WORDS or words[-1].index - words[0].index + 1 != len(words):
            return None
        if any(w.upos in {"VERB", "PUNCT"} or normalize(w.text) in RELATIVES for w in words):
            return None
        first, last = group_index(gs, words[0].index - 1), group_index(gs, words[-1].index - 1)
        if last + 1 != stop or gs[first].clitic in _CONJ or gs[first].clitic in _PREP_CLITICS:
            return None
        return _span(gs, first, last + 1)
    return None


def _antecedent(gs: list[Group], cue_g: int, ctx: DocContext) -> Span | None:
    if cue_g < 1 or gs[cue_g - 1].key not in RELATIVES:
        return None
    end = cue_g - 1
    if end > 0 and gs[end - 1].text in COMMAS:
        end -= 1
    begin = end
    while begin > 0 and end - begin < MAX_SOURCE_GROUPS and \
            _is_np_group(gs[begin - 1], ctx, False, gs[begin]) and not gs[begin - 1].is_punct:
        begin -= 1
    if begin == end or (begin > 0 and ctx.lex.verb(gs[begin - 1].head.text, gs[begin - 1].head.lemma) is None \
            and not gs[begin - 1].is_punct):
        return None  # the antecedent must follow the verb whose subject it is, or a comma
    return _span(gs, begin, end)


def find_source(sent: Sentence, cue_pos: int, ctx: DocContext) -> Span | None:
    if _perfect_svo(sent, cue_pos):
        # وكانت المذبوح قد اتهمت المصريين: the subject stands before قد; what follows is the object
        found = source_before(sent, cue_pos, ctx) or source_after(sent, cue_pos, ctx)
    else:
        found = source_after(sent, cue_pos, ctx) or source_before(sent, cue_pos, ctx)
    return None if found is not None and _pronoun_only(sent, found) else found


def _pronoun_only(sent: Sentence, span: Span) -> bool:
    """لكنه قال, إنها أكدت: a particle carrying a pronoun names no one; the subject is the one before."""
    words = [w for w in sent.words if span.start <= w.start and w.end <= span.end]
    return bool(words) and words[-1].upos == "PRON" and all(w.upos in {"CCONJ", "PART", "SCONJ", "PRON"} for w in words)


def _perfect_svo(sent: Sentence, cue_pos: int) -> bool:
    """كان X قد قال: the sentence opens with كان and قد stands right before the cue."""
    words = sent.words
    if cue_pos < 3 or normalize(words[cue_pos - 1].text) not in {"قد", "لقد"}:
        return False
    first = 1 if normalize(words[0].text) in _CONJ else 0
    return normalize(words[first].text) in AUXILIARIES
