"""Who is who in one article: the names, titled people and organisations it mentions.

Speakers are named by their fullest form in the article (the scheme's canonical entity): a source
`مشار` is `رياك مشار` when the article names him so anywhere, `السفير الروسي` is the person an
apposition gives that title to (`السفير الروسي لدى الأمم المتحدة فاسيلي نيبنزيا`), `المحكمة` is the court
the article named (`محكمة العدل الأوروبية`), and `شركة غوغل` is `غوغل`. Found on surface words with the
tagger's PROPN/X tags, the known names and the whole-word list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.engine.context import DocContext
from annotator.engine.source import COMPOUND_NAME_END, NAME_UPOS, Group, clitic_family_name, family_word, groups
from annotator.lang.ar import PLACE_PREPOSITIONS, Lexicon
from annotator.lang.ar.normalize import name_key, normalize
from annotator.lang.ar.quotes import QUOTE_CHARS

NAME_GLUE = {"بن", "ابن", "بنت", "ابو", "عبد", "ال"}  # عبد اللطيف, أحمد بن دغر, أبو مازن
_WRITTEN_APART = {"ابو", "عبد"}  # أبو زيد / أبوزيد, عبد الله / عبدالله
TITLE_PREPOSITIONS = {"في", "لدى", "ل", "ب", "باسم", "اسم"}
MAX_NAME_WORDS = 5
MAX_TITLE_GROUPS = 8
BOUND_SHARE = 0.6  # a neighbour found next to the name at least this often is part of it


@dataclass(frozen=True)
class Name:
    text: str
    start: int
    keys: tuple[str, ...]  # name_key of each word


@dataclass(frozen=True)
class Titled:
    title: frozenset[str]  # title words without the article
    name: str
    start: int


@dataclass(frozen=True)
class Org:
    kind: str  # the organisation noun without the article: محكمه, وزاره, شركه
    text: str
    canonical: str
    start: int
    governed: bool = False  # after a preposition (لجنة المعادلات بوزارة التعليم): named in passing


@dataclass
class DocEntities:
    names: list[Name] = field(default_factory=list)
    titled: list[Titled] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)
    # The article as surface words (None at punctuation), for growing a short name to its full form.
    words: list[Group | None] = field(default_factory=list)
    lex: Lexicon | None = None

    def expand(self, name: str) -> str:
        """Grow a name with the words bound to it in this article: a word that only ever occurs right
        before (or after) the name is part of it (مشار -> رياك مشار, كير -> سلفا كير, العماري -> لطفي العماري).
        The tagger cannot tell foreign names from nouns; the article's own usage can."""
        keys = [name_key(w) for w in name.split()]
        if not keys or self.lex is None:
            return name
        occurrences = self._occurrences(keys)
        if not occurrences:
            return name
        # a name that opens with a given name or أبو/عبد has nothing bound before it (ولاية بورنو أبو بكر غامندي)
        opens = keys[0] in self.lex.given_names or keys[0] in NAME_GLUE
        left = None if opens else self._bound(occurrences, -1, len(keys))
        right = self._bound(occurrences, +1, len(keys))
        parts = name.split()
        if left is not None:
            parts.insert(0, left)
        if right is not None and len(parts) < MAX_NAME_WORDS:
            parts.append(right)
        return " ".join(parts)

    def _occurrences(self, keys: list[str]) -> list[int]:
        n = len(keys)
        return [i for i in range(len(self.words) - n + 1)
                if all(self.words[i + k] is not None and name_key(self.words[i + k].text) == keys[k]  # type: ignore[union-attr]
                       for k in range(n))]

    def _bound(self, occurrences: list[int], side: int, length: int) -> str | None:
        """A name-like neighbour (on one side) that never occurs anywhere in the article except next to
        the name: سلفا before كير, رياك before مشار. The most frequent such neighbour wins."""
        candidates: dict[str, tuple[int, str]] = {}
        for i in occurrences:
            j = i - 1 if side < 0 else i + length
            g = self.words[j] if 0 <= j < len(self.words) else None
            if g is not None and (self._name_like(g) or (side > 0 and g.clitic == "ب" and len(g.words) == 2)):
                count, text = candidates.get(name_key(g.text), (0, g.text))
                candidates[name_key(g.text)] = (count + 1, text)
        best: tuple[int, str] | None = None
        for key, (count, text) in candidates.items():
            total = sum(1 for g in self.words if g is not None and name_key(g.text) == key)
            tagged_name = any(g is not None and name_key(g.text) == key and (g.upos in NAME_UPOS or g.whole)
                              for g in self.words)
            # Seen once, a plain noun is weak evidence (فرار مشار); a tagged name or a repeated pair is not.
            # a given name before a family name with the article (فرحات الحرشاني) is good evidence too
            family = side < 0 and self._family(occurrences)
            strong = count >= 2 or ((tagged_name or family) and side < 0)
            if strong and count >= BOUND_SHARE * total and (best is None or count > best[0]):
                best = (count, text)
        return best[1] if best else None

    def _family(self, occurrences: list[int]) -> bool:
        first = self.words[occurrences[0]] if occurrences else None
        return first is not None and first.key.startswith("ال") and len(first.words) == 1

    def _name_like(self, g: Group) -> bool:
        assert self.lex is not None
        key = g.key
        if (len(g.words) > 1 and not g.whole) or key.startswith("ال") or len(key) < 2:
            return False
        if key[:1] == "و" and key not in self.lex.whole_words:
            return False  # ومشار: a conjunction left attached
        if key in self.lex.titles or "ال" + key in self.lex.titles or key in self.lex.np_stoppers \
                or key in self.lex.org_nouns \
                or key in self.lex.content_nouns or key in NAME_GLUE or self.lex.verb(g.text) is not None:
            return False
        return g.upos in NAME_UPOS | {"NOUN"} and not any(ch.isdigit() for ch in key)

    def full_name(self, name: str) -> str | None:
        """The longest name in the article that holds this one as a run of words: مشار -> رياك مشار."""
        keys = tuple(name_key(w) for w in name.split())
        best: Name | None = None
        for n in self.names:
            found = glued_keys(keys) if not _holds(n.keys, keys) else keys  # أبو زيد in أحمد أبوزيد
            if len(n.keys) > len(found) and _holds(n.keys, found) \
                    and (best is None or len(n.keys) > len(best.keys)) and not self._clitic_before(n.keys, found):
                best = n
        return best.text if best else None

    def _clitic_before(self, full: tuple[str, ...], keys: tuple[str, ...]) -> bool:
        """بغزو روسيا: one word more, before the name, that is a preposition glued to a noun."""
        first = full[0]
        return self.lex is not None and full[1:] == keys and first[:1] in {"ب", "ل", "ك"} \
            and first not in self.lex.whole_words and first not in self.lex.given_names

    def name_in(self, mention: str, lex: Lexicon) -> str | None:
        """The longest article name inside a mention (الناشطة أميرة عبد اللطيف -> أميرة عبد اللطيف), unless
        a title or organisation noun governs it (رئيس كتلة نداء تونس names a party, not a person)."""
        words = mention.split()
        keys = tuple(name_key(w) for w in words)
        best: Name | None = None
        for n in self.names:
            at = _index(keys, n.keys)
            if at is None or (best is not None and len(n.keys) <= len(best.keys)):
                continue
            before = normalize(words[at - 1]) if at > 0 else ""
            if before and not before.startswith("ال") and (before in lex.titles or before in lex.org_nouns):
                continue
            if before in PLACE_PREPOSITIONS:
                continue  # رئيس البلدية في ويست هوليوود: a place, not the mayor's name
            best = n
        return best.text if best else None

    def person_with_title(self, title: frozenset[str], at: int) -> str | None:
        """The person the article gives this title to: the closest before ``at``, else the first after."""
        found = [t for t in self.titled if title and title <= t.title]
        before = [t for t in found if t.start <= at]
        if before:
            return before[-1].name
        return found[0].name if found else None

    def person_with_head(self, head: str, at: int) -> str | None:
        """The person last given a title with this head noun before ``at`` (الرئيس التنفيذي -> the one the
        article called رئيس نوكيا), for a title phrase no one holds exactly."""
        before = [t for t in self.titled if head in t.title and t.start <= at]
        full = [t for t in before if len(t.name.split()) >= 2]  # a full name over رئيس نوكيا's نوكيا
        return (full or before)[-1].name if before else None

    def fullest_org(self, mention: str) -> str | None:
        """صندوق الاستثمارات العامة -> صندوق الاستثمارات العامة السعودي, when the article says so."""
        keys = tuple(name_key(w) for w in mention.split())
        if len(keys) > 2 and keys[-1] in _OFFICIAL_KEYS:
            keys = keys[:-1]  # وكالة الأنباء الإماراتية الرسمية is the agency the article names without it
        best = None
        for o in self.orgs:
            okeys = tuple(name_key(w) for w in o.text.split())
            if okeys[:len(keys)] == keys and (best is None or len(o.text) > len(best.text)):
                best = o
        return best.canonical if best else None

    def person_before(self, at: int) -> str | None:
        """The last titled person named before an offset (a candidate for a first dropped subject)."""
        before = [t for t in self.titled if t.start < at]
        return before[-1].name if before else None

    def org_named(self, word: str) -> str | None:
        """بوليساريو -> جبهة بوليساريو: the organisation whose name holds this word."""
        key = name_key(word)
        for o in self.orgs:
            okeys = [name_key(w.strip("".join(QUOTE_CHARS))) for w in o.text.split()[1:]]
            if key in okeys:
                return o.canonical
        return None

    def org_of_kind(self, kind: str, at: int) -> Org | None:
        found = [o for o in self.orgs if o.kind == kind]
        before = [o for o in found if o.start <= at]
        if before:
            # the closest one named as a subject or object; one after a preposition only when there is no other
            return next((o for o in reversed(before) if not o.governed), before[-1])
        return found[0] if found else None


def glued_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    """(ابو, زيد) -> (ابوزيد,): أبو, عبد and ابن are written apart and together in one article."""
    for i in range(len(keys) - 1):
        if keys[i] in _WRITTEN_APART:
            return (*keys[:i], keys[i] + keys[i + 1], *keys[i + 2:])
    return keys


def _holds(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    return _index(outer, inner) is not None


def _index(outer: tuple[str, ...], inner: tuple[str, ...]) -> int | None:
    n = len(inner)
    return next((i for i in range(len(outer) - n + 1) if n and outer[i:i + n] == inner), None)


def _line_break(a: Group, b: Group, ctx: DocContext) -> bool:
    return "\n" in ctx.text[a.end:b.start]


def _glue(g: Group) -> bool:
    return g.key in NAME_GLUE and not g.is_punct


def _is_name(g: Group, ctx: DocContext) -> bool:
    if g.is_punct or g.clitic is not None or g.text[:1] in QUOTE_CHARS or g.text[-1:] in QUOTE_CHARS:
        return False
    if g.whole and ctx.is_known_name(g.text):
        return True
    key = g.key
    if key in ctx.lex.np_stoppers or key in ctx.lex.titles or ctx.lex.verb(g.text) is not None:
        return False
    if key[:1] == "و" and len(g.words) == 1 and key not in ctx.lex.whole_words:
        return False  # ومشار: a conjunction the tokenizer left attached
    return g.upos in NAME_UPOS


def _last_name(gs: list[Group], j: int, ctx: DocContext) -> bool:
    """An untagged family name closing a name (هندي tagged as an adjective): a bare word, then the end."""
    g, nxt = gs[j], gs[j + 1] if j + 1 < len(gs) else None
    return not g.is_punct and g.clitic is None and not g.key.startswith("ال") and not is_title(g.key, ctx.lex) \
        and g.key not in ctx.lex.np_stoppers and ctx.lex.verb(g.text) is None \
        and g.upos in {"NOUN", "ADJ", "PROPN", "X"} and (nxt is None or nxt.is_punct)


def _given_then_family(gs: list[Group], j: int, ctx: DocContext) -> bool:
    """منى المذبوح: a listed given name (whatever its tag) right before a family name with the article."""
    return gs[j].key in ctx.lex.given_names and gs[j].text != "على" and gs[j].clitic is None and j + 1 < len(gs) \
        and not _line_break(gs[j], gs[j + 1], ctx) \
        and (family_word(gs[j + 1], ctx) or clitic_family_name(gs, j + 1, ctx))


def _before_ibn(gs: list[Group], j: int) -> bool:
    """ملهم بن محمد: the word before بن/بنت is a given name, whatever its tag (or its split: مل+هم)."""
    g = gs[j]
    return j + 1 < len(gs) and gs[j + 1].key in {"بن", "بنت"} and not g.is_punct and g.clitic is None \
        and not g.key.startswith("ال") and g.text[:1] not in QUOTE_CHARS


def _name_runs(gs: list[Group], ctx: DocContext) -> list[tuple[int, int]]:
    """[start, end) group ranges of names: PROPN/X runs, with glue words (عبد, بن) joining the next word."""
    runs = []
    i = 0
    while i < len(gs):
        j = i
        while j < len(gs) and j - i < MAX_NAME_WORDS:
            if j > i and _line_break(gs[j - 1], gs[j], ctx):
                break  # a caption line and the next line are not one name (رويترز / كيم جونغ أون)
            if _is_name(gs[j], ctx) or _before_ibn(gs, j) or _given_then_family(gs, j, ctx):
                j += 1
            elif _glue(gs[j]) and j + 1 < len(gs) and not gs[j + 1].is_punct:
                j += 2  # عبد + اللطيف: the word after the glue is part of the name, whatever its tag
            else:
                break
        if j - i >= 2 and j < len(gs) and _glue(gs[j - 2]) and (family_word(gs[j], ctx) or _last_name(gs, j, ctx)):
            j += 1  # عبد اللطيف الخراط, ملهم بن محمد هندي: the family name after a glued name
        elif j > i and j < len(gs) and gs[j - 1].key in ctx.lex.given_names and not _line_break(gs[j - 1], gs[j], ctx) \
                and (family_word(gs[j], ctx) or clitic_family_name(gs, j, ctx)):
            j += 1  # عبدالعزيز زايد الرويلي, محمد العمرة, نادين ل+بكي: a family name after a given name
        if j - i >= 2 and j < len(gs) and gs[j - 1].key == COMPOUND_NAME_END and gs[j - 2].key in ctx.lex.given_names \
                and family_word(gs[j], ctx):
            j += 1  # نور الدين الطبوبي: the family name after a two-word given name
        if j > i:
            runs.append((i, min(j, len(gs))))
            i = j
        else:
            i += 1
    return runs


def _apposition_end(gs: list[Group], start: int, end: int, ctx: DocContext) -> int:
    """`، محمّد الأنور معروف،`: a name set off by commas runs to the closing comma, definite words and all."""
    if start == 0 or gs[start - 1].text not in {"،", ","}:
        return end
    j = end
    while j < len(gs) and j - start < MAX_NAME_WORDS and not gs[j].is_punct and gs[j].clitic is None \
            and gs[j].key not in ctx.lex.np_stoppers and gs[j].head.upos != "VERB":
        j += 1
    return j if j < len(gs) and gs[j].text in {"،", ","} else end


def _text(gs: list[Group], start: int, end: int, ctx: DocContext) -> str:
    return ctx.text[gs[start].start:gs[end - 1].end]


def _title_before(gs: list[Group], start: int, ctx: DocContext) -> frozenset[str] | None:
    """Title words right before a name (through one comma and short prepositional phrases), if any
    of them is a title word: `وزير تكنولوجيات الاتصال والاقتصاد الرقمي، محمّد الأنور معروف`."""
    k = start - 1
    if k >= 0 and gs[k].text in {"،", ","}:
        k -= 1
    words: list[str] = []
    titled = False
    while k >= 0 and len(words) < MAX_TITLE_GROUPS:
        g = gs[k]
        head = normalize(g.head.text)
        if g.is_punct or (g.head.upos == "VERB" and not g.whole) or ctx.lex.verb(g.text) is not None:
            break
        if g.key in TITLE_PREPOSITIONS or g.clitic in {"و", "ب", "ل"} or g.upos in {"NOUN", "ADJ", "PROPN", "X"}:
            titled = titled or is_title(head, ctx.lex) or is_title(g.key, ctx.lex)
            if g.key not in TITLE_PREPOSITIONS:
                words.append(_bare(name_key(g.head.text)))
            k -= 1
            continue
        break
    return frozenset(words) if titled and words else None


def _title_after(gs: list[Group], end: int, ctx: DocContext) -> frozenset[str] | None:
    """Title words right after a name (`راجيف سوري رئيس نوكيا`, `شيموس كولمان، مدافع إيفرتون`): an
    indefinite title word and the words it governs, up to punctuation or a stop word."""
    k = end + 1 if end < len(gs) and gs[end].text in {"،", ","} else end
    if k >= len(gs) or gs[k].key.startswith("ال") or not (is_title(gs[k].key, ctx.lex)
                                                           or is_title("ال" + gs[k].key, ctx.lex)):
        return None
    words: list[str] = []
    while k < len(gs) and len(words) < 4 and not gs[k].is_punct and gs[k].key not in ctx.lex.np_stoppers \
            and gs[k].clitic is None and gs[k].upos in {"NOUN", "ADJ", "PROPN", "X"}:
        words.append(_bare(name_key(gs[k].text)))
        k += 1
    return frozenset(words) if words else None


def is_title(key: str, lex: Lexicon) -> bool:
    """A title word, feminine forms included (مسؤولة, الناطقة)."""
    return key in lex.titles or (key.endswith("ه") and key[:-1] in lex.titles)


def _bare(key: str) -> str:
    return key[2:] if key.startswith("ال") and len(key) > 3 else key


_OFFICIAL = {normalize(w) for w in ("الرسمية", "الرسمي")}
_OFFICIAL_KEYS = {name_key(w) for w in _OFFICIAL}


def _org_at(gs: list[Group], i: int, ctx: DocContext) -> Org | None:
    """An organisation named with an indefinite head noun: محكمة العدل الأوروبية, شركة "غوغل"."""
    g = gs[i]
    # و+كالة: a word the tokenizer split wrongly is the organisation noun as a whole; بيان لوزارة الدفاع
    # names the ministry after its preposition
    clitic_ok = g.clitic is None or (g.clitic in {"ل", "ب", "و"} and len(g.words) == 2)
    kind = g.key if g.whole else normalize(g.head.text) if clitic_ok else ""
    if kind.startswith("ال") and g.clitic is None:
        return _definite_org_at(gs, i, ctx)
    if kind not in ctx.lex.org_nouns or kind.startswith("ال"):
        return None
    begin = g.start if g.whole or g.clitic is None else g.head.start
    j = i + 1
    while j < len(gs) and j - i <= 6:
        nxt = gs[j]
        if nxt.text in QUOTE_CHARS or nxt.text[:1] in QUOTE_CHARS:
            j += 1
            continue
        if nxt.is_punct or nxt.clitic is not None or nxt.key in ctx.lex.np_stoppers \
                or nxt.upos not in {"NOUN", "ADJ", "PROPN", "X"} or ctx.lex.verb(nxt.text) is not None:
            break
        if gs[j - 1].key.startswith("ال") and nxt.upos in {"NOUN", "ADJ"} and not nxt.key.startswith("ال"):
            break  # وزارة الخدمة المدنية | أسماء …: a definite word ends the name, a bare noun starts the object
        j += 1
    if j == i + 1:
        return None
    if j - i > 2 and gs[j - 1].key in _OFFICIAL:
        j -= 1  # وكالة الأنباء الإماراتية الرسمية: "official" describes the agency, it is not its name
    text = ctx.text[begin:gs[j - 1].end].strip("".join(QUOTE_CHARS) + " ")
    canonical = text
    if kind in ctx.lex.generic_org_nouns:
        canonical = _name_after_generic(gs, i + 1, j, ctx) or text
    return Org(_bare(kind), text, canonical, begin, governed=not g.whole and g.clitic in {"ل", "ب"})


def _definite_org_at(gs: list[Group], i: int, ctx: DocContext) -> Org | None:
    """الشرطة الإندونيسية, الحكومة السورية: a definite organisation noun and its nationality, which a later
    bare الشرطة means."""
    kind = gs[i].key[2:]
    if kind not in ctx.lex.org_nouns or gs[i].key in ctx.lex.generic_org_nouns or kind in ctx.lex.generic_org_nouns:
        return None  # الشركة الكورية الجنوبية describes a company the article names (سامسونج)
    j = i + 1
    while j < len(gs) and j - i <= 2 and gs[j].clitic is None and gs[j].upos == "ADJ" \
            and gs[j].key.startswith("ال") and gs[j].key.endswith(("ي", "يه")):
        j += 1
    if j == i + 1:
        return None
    text = ctx.text[gs[i].start:gs[j - 1].end]
    return Org(_bare(gs[i].key), text, text, gs[i].start)


def _name_after_generic(gs: list[Group], start: int, end: int, ctx: DocContext) -> str | None:
    """شركة غوغل -> غوغل, شركة "سامسونج" الكورية -> سامسونج; شركة النفط الوطنية has no name of its own."""
    first = gs[start]
    if first.text[:1] in QUOTE_CHARS:
        close = next((k for k in range(start + 1, end + 1) if k < len(gs) and gs[k].text[-1:] in QUOTE_CHARS), None)
        if close is None:
            return None
        return _text(gs, start, close + 1, ctx).strip("".join(QUOTE_CHARS) + " ")
    if first.key.startswith("ال"):
        return None
    k = start + 1
    while k < end and gs[k].upos in NAME_UPOS and first.upos in NAME_UPOS and not gs[k].key.startswith("ال"):
        k += 1
    return _text(gs, start, k, ctx)


def build_entities(ctx: DocContext) -> DocEntities:
    entities = DocEntities(lex=ctx.lex)
    for sent in ctx.doc.sentences:
        gs = groups(sent, ctx)
        for k, g in enumerate(gs):
            if k > 0 and _line_break(gs[k - 1], g, ctx):
                entities.words.append(None)
            entities.words.append(None if g.is_punct else g)
        entities.words.append(None)
        for start, end in _name_runs(gs, ctx):
            end = _apposition_end(gs, start, end, ctx)
            text = _text(gs, start, end, ctx)
            keys = tuple(name_key(w) for w in text.split())
            if len(keys) >= 2:
                entities.names.append(Name(text, gs[start].start, keys))
            governed = end - start == 1 and start > 0 and not gs[start - 1].key.startswith("ال") \
                and is_title(gs[start - 1].key, ctx.lex)  # رئيس نوكيا: Nokia is what the title governs
            place = end - start == 1 and _after_place_preposition(gs, start)
            title = None if governed or place else _title_before(gs, start, ctx) or _title_after(gs, end, ctx)
            if title:
                entities.titled.append(Titled(title, text, gs[start].start))
        for i in range(len(gs)):
            org = _org_at(gs, i, ctx)
            if org is not None:
                entities.orgs.append(org)
        _titled_names(gs, ctx, entities)
    return entities


def _titled_names(gs: list[Group], ctx: DocContext, entities: DocEntities) -> None:
    """Names the tagger missed, found by position: after a title phrase (وزير الخارجية الروسي سيرغي لافروف,
    رئيس جنوب السودان سلفا كير, الممثل ياسر مدخلي) or in a comma apposition after one
    (مسؤولة العلاقات العامة في المكتب، ميشيل لي،)."""
    i = 0
    while i < len(gs):
        g = gs[i]
        if g.text in {"،", ","} and _title_before(gs, i + 1, ctx) is not None:
            _record_apposition(gs, i, ctx, entities)
            i += 1
            continue
        if not is_title(g.key, ctx.lex) or (g.clitic is not None and not g.whole):
            i += 1
            continue
        name_start = _after_title_phrase(gs, i + 1, ctx)
        end = _name_end(gs, name_start, ctx)
        if end > name_start:
            _record(gs, i, name_start, end, ctx, entities)
        i = max(i + 1, end)


def _after_title_phrase(gs: list[Group], k: int, ctx: DocContext) -> int:
    """Skip what a title governs: definite words, باسم X, and construct chains (جنوب السودان)."""
    steps = 0
    while k < len(gs) and steps < MAX_TITLE_GROUPS:
        g = gs[k]
        steps += 1
        if g.is_punct or (g.clitic in {"و", "ل"} and not g.whole):
            break
        if g.key == "باسم" or (g.clitic == "ب" and normalize(g.head.text) == "اسم") or g.key.startswith("ال") \
                or is_title(g.key, ctx.lex):
            k += 1
        elif k + 1 < len(gs) and gs[k + 1].key.startswith("ال") and not gs[k + 1].is_punct \
                and gs[k].upos not in NAME_UPOS:
            k += 2  # جنوب السودان, وزارة الخارجية
        else:
            break
    return k


def _name_like_group(g: Group, ctx: DocContext) -> bool:
    if g.head.upos == "NOUN" and g.head.feat("Case") == "Acc" and not g.whole and g.key not in ctx.lex.given_names:
        return False  # وأكد الوزير تكثيف الرقابة: an accusative noun after a title is the object, not a name
    if g.key.startswith("ال") and g.key in ctx.lex.given_names and g.clitic is None:
        return True  # الباجي, الحبيب: a given name with the article
    return not (g.is_punct or (g.clitic is not None and not g.whole) or g.key.startswith("ال")
                or is_title(g.key, ctx.lex) or g.key in ctx.lex.np_stoppers or g.key in ctx.lex.org_nouns
                or g.key in ctx.lex.content_nouns or ctx.lex.verb(g.text) is not None
                or g.head.upos not in NAME_UPOS | {"NOUN", "ADJ"} or any(ch.isdigit() for ch in g.key))


def _name_end(gs: list[Group], start: int, ctx: DocContext) -> int:
    """Up to three name-like words; the third only when tagged a name (سلفا كير | جولة جديدة)."""
    k = start
    while k < len(gs) and k - start < 3 and (
            _name_like_group(gs[k], ctx) or (k > start and clitic_family_name(gs, k, ctx))):
        if k - start == 2 and gs[k].upos not in NAME_UPOS:
            break
        k += 1
    for _ in range(2):  # نور الدين الطبوبي: after a two-word given name ending in الدين, one more
        nxt = gs[k] if start < k < len(gs) else None
        if nxt is not None and nxt.key.startswith("ال") and nxt.clitic is None and not is_title(nxt.key, ctx.lex) \
                and nxt.key not in ctx.lex.np_stoppers and nxt.key[2:] not in ctx.lex.org_nouns:
            k += 1  # فرحات الحرشاني: a family name with the article
        if gs[k - 1].key != COMPOUND_NAME_END or k - 2 < start or gs[k - 2].key not in ctx.lex.given_names:
            break
    return k


def _after_place_preposition(gs: list[Group], start: int) -> bool:
    """مستشار في إدارة الحكم الذاتي للأكراد في شمال سوريا: one word after في (شمال) is a place, not the
    name of whoever holds the title."""
    return any(gs[k].key in PLACE_PREPOSITIONS for k in range(max(0, start - 2), start))


def _record(gs: list[Group], title_at: int, start: int, end: int, ctx: DocContext, entities: DocEntities) -> None:
    text = _text(gs, start, end, ctx)
    keys = tuple(name_key(w) for w in text.split())
    one_word_name = len(keys) == 1 and (gs[start].upos in NAME_UPOS or gs[start].whole)
    if len(keys) < 2 and not one_word_name:
        return
    if one_word_name and _after_place_preposition(gs, start):
        return
    if len(keys) >= 2 and not any(n.keys == keys for n in entities.names):
        entities.names.append(Name(text, gs[start].start, keys))
    title = frozenset(_bare(name_key(gs[k].head.text)) for k in range(title_at, start)
                      if gs[k].key not in TITLE_PREPOSITIONS and gs[k].key != "باسم")
    if title:
        entities.titled.append(Titled(title, text, gs[start].start))


def _record_apposition(gs: list[Group], comma: int, ctx: DocContext, entities: DocEntities) -> None:
    k = comma + 1
    while k < len(gs) and k - comma <= 3 and (_name_like_group(gs[k], ctx) or (
            k > comma + 1 and gs[k - 1].key in ctx.lex.given_names and not gs[k].is_punct and gs[k].clitic is None)):
        k += 1  # ، الباجي قايد السبسي،: after a given name, قايد is a name, not the title قائد
    if k == comma + 1 or k >= len(gs) or gs[k].text not in {"،", ","}:
        return
    end = _apposition_end(gs, comma + 1, k, ctx)
    text = _text(gs, comma + 1, end, ctx)
    keys = tuple(name_key(w) for w in text.split())
    if len(keys) >= 2 and not any(n.keys == keys for n in entities.names):
        entities.names.append(Name(text, gs[comma + 1].start, keys))
    title = _title_before(gs, comma + 1, ctx)
    if title:
        entities.titled.append(Titled(title, text, gs[comma + 1].start))


def generic_org_kind(mention: str, lex: Lexicon) -> str | None:
    """المحكمة, الوزارة, الشركة الكورية الجنوبية: a definite organisation noun with no name."""
    words = mention.split()
    if not words:
        return None
    first = normalize(words[0])
    if first.startswith("ال") and first[2:] in lex.org_nouns and len(words) <= 3:
        return _bare(first)
    return None
