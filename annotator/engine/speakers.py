"""The speaker registry and speaker resolution (names, aliases, titles, dropped subjects).

Pure and in memory: the service layer loads it from the database and stores what it learns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from annotator.engine.coref import DocEntities, generic_org_kind, glued_keys
from annotator.engine.source import COMPOUND_NAME_END, ISSUED, NAME_GLUE, UNNAMED_HEADS
from annotator.lang.ar import PLACE_PREPOSITIONS, Lexicon, lexicon
from annotator.lang.ar.normalize import name_key, normalize, without_name_marks

MAX_NGRAM = 7
_GLUE = NAME_GLUE  # name words that take a word with the article (عبد, أبو, بن …)
_LEADING = ("و", "ف")
_PUNCT = "،,:؛;.!?\"“”«»„‹›()[]- "


@dataclass
class SpeakerEntry:
    name: str
    kind: str = "unknown"
    gender: str | None = None  # "Masc" | "Fem"
    aliases: set[str] = field(default_factory=set)
    id: int | None = None  # the database row, when it has one

    def match_keys(self) -> list[str]:
        """Keys in a fixed order: set order changes from process to process (hash randomisation), and
        the registry's answer for a key two entries share must not."""
        return sorted({name_key(a) for a in {self.name, *self.aliases} if a.strip()})


NAMED_KINDS = {"person", "organization", "media", "state"}


def _generic_key(key: str, lex: Lexicon) -> bool:
    """A key that holds a title or an organisation noun: a description, not a name."""
    return any(w in lex.titles or w.removeprefix("ال") in lex.org_nouns for w in key.split())


def clean_mention(text: str) -> str:
    """Strip a leading conjunction and surrounding punctuation: 'والرئيس الروسي،' -> 'الرئيس الروسي'."""
    text = text.strip(_PUNCT)
    for c in _LEADING:
        if text.startswith(c + " "):
            text = text[2:]
        elif text.startswith(c + "ال") or text.startswith(c + "أل"):
            text = text[1:]  # والزعيم: the conjunction glued to a definite word (but وليد is a name)
    return text.strip(_PUNCT)


def generic_name(text: str, lex: Lexicon) -> bool:
    """A definite common noun phrase with no name in it (التقرير, الشركة الكورية, المتحدث باسم): it names
    nobody outside its own article."""
    words = _mention_words(text)
    if not words or name_part(text, lex) is not None:
        return False
    first = normalize(words[0])
    return (first.startswith("ال") and len(words) <= 4) or _title_only(text, lex)  # مستشار: a title alone


def _mention_words(mention: str) -> list[str]:
    return [w for w in (w.strip(_PUNCT) for w in clean_mention(mention).split()) if w]


def name_first(mention: str, lex: Lexicon) -> str:
    """`شيموس كولمان، مدافع إيفرتون` -> `شيموس كولمان`: a bare name before a comma apposition is the
    speaker; the title after it is not part of the name."""
    head, comma, tail = mention.partition("،")
    if not comma:
        head, comma, tail = mention.partition(",")
    head = head.strip()
    if comma and head and name_part(head, lex) == clean_mention(head) and len(head.split()) >= 2 \
            and normalize(clean_mention(head)) not in lex.titles:  # رجل الدين، مقتدى الصدر: a title first
        return head
    if comma and _title_opens(tail, lex) and len((name_part(head, lex) or "").split()) >= 2:
        return head  # الأمير خالد بن سلمان، سفير السعودية في أمريكا: the title after the comma is not his name
    words = mention.split()
    for k in range(2, len(words)):  # عبد المجيد بن عمارة مدير المدرسة: the same with no comma
        key = normalize(words[k])
        if key in lex.titles and not key.startswith("ال"):
            head = " ".join(words[:k])
            if name_part(head, lex) == clean_mention(head):
                return head
            break
    return mention


def _title_opens(phrase: str, lex: Lexicon) -> bool:
    words = _mention_words(phrase)
    key = normalize(words[0]) if words else ""
    return bool(key) and (key in lex.titles or key.removeprefix("ال") in lex.titles)


def name_part(mention: str, lex: Lexicon) -> str | None:
    """The personal name inside a source phrase: the trailing words that are neither titles nor
    definite nouns/adjectives ('زعيم كوريا الشمالية كيم جونغ أون' -> 'كيم جونغ أون').

    One word right after an indefinite title is what the title governs, not a name:
    'مدرب ليفربول' is Liverpool's coach, and has no name.
    """
    words = _mention_words(mention)
    if words and normalize(words[0]).removesuffix("ا") in UNNAMED_HEADS and not any(
            normalize(w) in lex.given_names for w in words):
        return None  # مسؤول أميركي كبير, مصدر مطلع: an unnamed source has no name to find
    opened = _opened_by_given_name(words, lex)
    if opened is not None:
        return opened
    name: list[str] = []
    comma_after = _comma_after(mention)
    for n, w in enumerate(reversed(words)):
        key = normalize(w)
        if name and w in comma_after:
            break  # محامي عائلة كولفن، سكوت غيلمور: the name is the apposition after the comma
        if key.startswith("وال"):
            break  # والتجارة: the rest of a title (وزير الصناعة والتجارة)
        if n == 0 and _family_name(words, lex):
            name.insert(0, w)  # فرحات الحرشاني: a family name with the article
            continue
        glued = n + 1 < len(words) and normalize(words[-n - 2]) in _GLUE  # عبد اللطيف, أبو الغيط
        if key == COMPOUND_NAME_END and name and n + 1 < len(words) and normalize(words[-n - 2]) in lex.given_names:
            name.insert(0, w)  # نور الدين الطبوبي: الدين ends a two-word given name
            continue
        definite = key.startswith("ال") and not w.startswith(("أل", "إل", "آل"))  # ألفة, إلهام: names, not ال
        if key in lex.titles or key in lex.org_nouns or (definite and not glued) or key.startswith("لل"):
            break
        if key[:1] in {"ك", "ب", "ل"} and len(key) > 4 and key not in lex.whole_words:
            break  # رانيا كواحدة: "as one of", not a name
        if any(ch.isdigit() for ch in key) or key in lex.time_words:
            break  # المخرجة البالغة 44 عاما: an age, not a name
        name.insert(0, w)
    starts = [j for j in range(1, len(name)) if _name_start(name[j], lex) and not _name_start(name[j - 1], lex)
              and normalize(name[j - 1]) not in _GLUE
              and (j + 1 < len(name) or normalize(name[j]) not in _OPENING_GLUE)]  # جوهرة أف أم: FM, not أم
    if starts:
        name = name[starts[0]:]  # محافظ عدن نايف البكري: the name starts at the given name, not at عدن
    if not name or (len(name) == len(words) and len(words) > 4):
        return None
    before = normalize(words[len(words) - len(name) - 1]) if len(name) < len(words) else ""
    if any(ch.isdigit() for ch in before):
        return None  # البالغة 44 عاما: what follows a number is a unit
    if before in PLACE_PREPOSITIONS or (name and normalize(name[0]) in PLACE_PREPOSITIONS):
        return None  # مستشار في إدارة الحكم الذاتي في شمال سوريا: a place, not a name
    governed = (before in lex.titles or before in lex.org_nouns) and not before.startswith("ال")
    if governed and (len(name) == 1 or normalize(name[-1]).startswith("ال")):
        return None  # رئيس جنوب السودان, مدرب ليفربول: what the title governs, not a name
    return " ".join(name)


def _opened_by_given_name(words: list[str], lex: Lexicon) -> str | None:
    """`رئيس الجمهورية، الباجي قايد السبسي` -> `الباجي قايد السبسي`: a given name with the article (الباجي،
    الحبيب) followed by one to three words opens the name, whatever the words after it look like (قايد)."""
    for i, w in enumerate(words[:-1]):
        key = normalize(w)
        if key.startswith("ال") and key in lex.given_names and len(words) - i - 1 <= MAX_AFTER_GIVEN \
                and not any(ch.isdigit() for v in words[i:] for ch in v):
            return " ".join(words[i:])
    return None


MAX_AFTER_GIVEN = 3


def _comma_after(mention: str) -> set[str]:
    """The words of a mention written with a comma right after them."""
    return {w.strip(_PUNCT) for w in clean_mention(mention).split() if w.rstrip().endswith(("،", ","))}


_OPENING_GLUE = {"عبد", "ابو", "ام"}  # بن and بنت follow a given name, they never open a name


def _bare_definite(mention: str) -> bool:
    words = mention.split()
    return len(words) == 1 and normalize(words[0]).startswith("ال")


def _name_start(word: str, lex: Lexicon) -> bool:
    key = normalize(word)
    return (key in lex.given_names and word != "على") or key in _OPENING_GLUE


def _family_name(words: list[str], lex: Lexicon) -> bool:
    """The last word is a family name with the article (الحرشاني) after a given name (فرحات): not a
    nationality (الشمالية, الروسي) and not a noun of the title (الخارجية)."""
    if len(words) < 2:
        return False
    last, given = normalize(words[-1]), normalize(words[-2])
    if given[:1] in {"ل", "ب", "ك"} and given not in lex.whole_words:
        return False  # لكرة القدم: a preposition and a noun
    if given.startswith("ال") and len(words) >= 3 and (normalize(words[-3]) in _GLUE or given == COMPOUND_NAME_END):
        given = normalize(words[-3])  # عبد اللطيف الخراط, نور الدين الطبوبي: the given name is two words
    return (last.startswith("ال") and not _titleish(last, lex) and last not in lex.np_stoppers
            and last[2:] not in lex.org_nouns and not given.startswith("ال") and not given.startswith("وال")
            and not _titleish(given, lex)
            and given not in lex.org_nouns and (given not in lex.np_stoppers or given in lex.given_names)
            and lex.verb(words[-2]) is None)


def _titleish(key: str, lex: Lexicon) -> bool:
    return key in lex.titles or (key.endswith("ه") and key[:-1] in lex.titles)


def title_words(mention: str, name: str | None) -> frozenset[str]:
    """The title part of a mention as a set of keys without the article: {'رئيس', 'حكومه', 'يمنيه'}."""
    words = _mention_words(mention)
    if name:
        words = words[: len(words) - len(name.split())]
    keys = (k[2:] if k.startswith("ال") and len(k) > 3 else k for k in (name_key(w) for w in words))
    return frozenset(k for k in keys if k not in _NEWLY)  # وزير المالية الصيني الجديد is وزير المالية الصيني


_NEWLY = {"جديد", "جديده"}  # "new" in a title does not make another office (السابق does)
# Bodies whose name follows the noun and is used alone too (حزب نداء تونس -> نداء تونس).
_NAMED_BODIES = {normalize(w) for w in ("حزب", "حركة", "جبهة", "تيار", "جماعة", "تنظيم", "ائتلاف")}


class SpeakerRegistry:
    def __init__(self, entries: Iterable[SpeakerEntry] = ()) -> None:
        self.entries: list[SpeakerEntry] = []
        self._by_key: dict[str, list[SpeakerEntry]] = {}
        self._known: set[str] = set()  # see known_words; grown as names are added, never rebuilt
        self._known_frozen: frozenset[str] | None = None
        for e in entries:
            self.add(e)

    def add(self, entry: SpeakerEntry, *, index: bool = True) -> SpeakerEntry:
        """Register an entry; ``index=False`` keeps it out of matching (a generic mention such as
        الشركة الكورية means a different company in every article)."""
        self.entries.append(entry)
        if index:
            for key in entry.match_keys():
                self._by_key.setdefault(key, []).append(entry)
                self._learn_words(entry, key)
        return entry

    def add_alias(self, entry: SpeakerEntry, alias: str) -> None:
        if alias and alias not in entry.aliases and alias != entry.name:
            entry.aliases.add(alias)
            self._by_key.setdefault(name_key(alias), []).append(entry)
            self._learn_words(entry, name_key(alias))

    def _learn_words(self, entry: SpeakerEntry, key: str) -> None:
        if entry.kind not in NAMED_KINDS:
            return
        lex = lexicon()
        if _generic_key(key, lex):
            return
        common = lex.titles | lex.org_nouns | lex.np_stoppers
        new = {w for w in key.split() if len(w) >= 3 and not w.startswith("ال") and w not in common}
        if not new <= self._known:
            self._known |= new
            self._known_frozen = None

    def known_words(self) -> frozenset[str]:
        """The words of people's and organisations' names and aliases (name_key), for telling names from
        clitic + word. Not the words of generic mentions and titles (رئيس نادي كرة القدم): known as names,
        common nouns would become names in every later article. Kept up to date as entries are added, so
        asking once per document costs nothing however large the registry grows."""
        if self._known_frozen is None:
            self._known_frozen = frozenset(self._known)
        return self._known_frozen

    def by_key(self, text: str) -> SpeakerEntry | None:
        found = self._by_key.get(name_key(clean_mention(text)))
        return found[0] if found else None

    def lookup(self, mention: str, prefer: Iterable[SpeakerEntry] = ()) -> SpeakerEntry | None:
        """The entry for a mention: the whole phrase, else the longest alias inside it.

        Among several candidates, the ones in ``prefer`` (speakers already seen in this document)
        win: كيم in an article about Kim Jong Un is him, whoever else is called Kim.
        """
        words = clean_mention(mention).split()
        preferred = {id(e) for e in prefer}
        best: tuple[int, int, int, SpeakerEntry] | None = None
        for n in range(min(len(words), MAX_NGRAM), 0, -1):
            for i in range(len(words) - n + 1):
                found = self._by_key.get(name_key(" ".join(words[i:i + n])))
                if not found:
                    continue
                entry = next((e for e in found if id(e) in preferred), found[0])
                score = (n, int(id(entry) in preferred), i)  # longer, then seen here, then later words
                if best is None or score > best[:3]:
                    best = (*score, entry)
            if best is not None:
                return best[3]
        return None


@dataclass
class DocSpeakers:
    """Speakers seen so far in one document, most recent last, with surname aliases that hold only here."""

    registry: SpeakerRegistry
    lex: Lexicon
    seen: list[SpeakerEntry] = field(default_factory=list)
    local: dict[str, SpeakerEntry] = field(default_factory=dict)  # surname key -> entry
    created: list[SpeakerEntry] = field(default_factory=list)
    titles: list[tuple[frozenset[str], SpeakerEntry]] = field(default_factory=list)  # title words -> person
    entities: DocEntities | None = None  # who is who in this article (annotator.engine.coref)
    generic: dict[str, SpeakerEntry] = field(default_factory=dict)  # generic mentions, this article only
    antecedents: dict[str, SpeakerEntry] = field(default_factory=dict)  # head noun -> whom a later ال+noun means

    def resolve_mention(self, mention: str, agreement: str | None, at: int = 0) -> SpeakerEntry:
        mention = name_first(_author_of(clean_mention(mention), self.lex), self.lex)
        entry = self._antecedent(mention)
        if entry is None:
            entry, canonical = self._match(mention, at)
            if entry is None:
                entry = self._create(canonical or mention)
                if canonical and canonical != mention and not _bare_definite(mention) \
                        and not _title_only(mention, self.lex):
                    # الوزارة, الشركة mean another body in the next article: never an alias; الرئيس الأمريكي
                    # does name one person across a corpus of the same years, and stays one
                    self.registry.add_alias(entry, mention)
        self._remember_head(mention, entry)
        self._learn_gender(entry, agreement)
        self._note(entry)
        return entry

    def note_document(self, between: str, entry: SpeakerEntry) -> None:
        """`قال مؤتمر الإيغور العالمي في تقرير إن …`: a later `التقرير` is the congress."""
        words = [normalize(w.strip(_PUNCT)) for w in between.split()]  # وكشف أبو زيد، في بيان، أن
        for before, word in pairwise(words):
            if before == "في" and word in self.lex.document_nouns:
                self.antecedents[word] = entry

    def _antecedent(self, mention: str) -> SpeakerEntry | None:
        """المسؤول, نفس المصدر, التقرير: a definite noun with no name that takes up an earlier indefinite
        mention with the same noun (مسؤول تنفيذي بغوغل) or the text someone issued (في تقرير)."""
        words = [normalize(w) for w in mention.split()]
        same = bool(words) and (words[0] in self.lex.anaphoric_determiners or words[-1] in self.lex.anaphoric_suffixes)
        if words and words[0] in self.lex.anaphoric_determiners:
            words = words[1:]
        elif words and words[-1] in self.lex.anaphoric_suffixes:
            words = words[:-1]  # المصدر الرسمي ذاته
        if not words or len(words) > 3 or not all(w.startswith("ال") for w in words):
            return None
        found = self.antecedents.get(words[0][2:]) if len(words) <= 2 else None
        found = found or self._fuller_speaker(words)
        if found is None and len(words) <= 2 and words[0][2:] in self.lex.document_nouns:
            found = self._last_institution()  # وأضاف البيان: the statement of the body quoted so far
        if found is None and same and self.seen and self._unnamed(" ".join(words)) is None:
            return self.seen[-1]  # المصدر الرسمي ذاته, ذات المسؤول: the one just quoted
        return found

    def _fuller_speaker(self, words: list[str]) -> SpeakerEntry | None:
        """السلطات after السلطات العراقية, الاتحاد المصري after الاتحاد المصري لكرة القدم: a definite phrase
        that begins a longer name this article's speakers already have."""
        keys = [name_key(w) for w in words]
        for entry in reversed(self.seen):
            name = [name_key(w) for w in _mention_words(entry.name)]
            if len(name) > len(keys) and name[:len(keys)] == keys:
                return entry
        return None

    def _remember_head(self, mention: str, entry: SpeakerEntry) -> None:
        words = mention.split()
        if not words or entry.kind == "person" or name_part(mention, self.lex) is not None:
            return
        head = normalize(words[0])
        if not head.startswith("ال") and head not in self.lex.anaphoric_determiners:
            self.antecedents[head] = entry

    def prime(self, mentions: Iterable[str]) -> None:
        """Learn from every 'title + name' mention of the document first, so that a title alone
        (الرئيس التركي, المدرب الألماني) finds its person even when the name comes later."""
        for mention in mentions:
            mention = clean_mention(mention)
            if self._named_org(mention) is not None or _partitive(mention):
                continue  # شرطة مدينة شيرتز, أحد محامي شركة …: not a title before a name
            name = name_part(mention, self.lex)
            title = title_words(mention, name)
            if name and len(title) >= 1:
                entry, canonical = self._match(name)
                self.titles.append((title, entry or self._create(canonical or name)))

    def _match(self, mention: str, at: int = 0) -> tuple[SpeakerEntry | None, str | None]:
        """(known entry, canonical name) for a mention; the entry is None when it must be created.

        A mention with a personal name matches on the whole name, expanded to the fullest form in the
        article (مشار -> رياك مشار; كيم سي يون is not كيم جونغ أون); a generic organisation mention takes
        the organisation the article named (المحكمة -> محكمة العدل الأوروبية); a title takes the person
        the article gives it to; otherwise aliases inside the mention (المتحدث باسم الكرملين).
        """
        if _partitive(mention):
            return self.registry.by_key(mention), mention  # أحد محامي شركة كولومبوس نوفا: not the company
        whole = self.generic.get(name_key(mention)) or self.registry.by_key(mention) \
            or self._known_full_name(mention) or self._unnamed(mention) or self._local_lookup(mention) \
            or self._described_person(mention)
        if whole is not None:
            return whole, None
        ents = self.entities
        if ents is not None and len(mention.split()) <= 2 and generic_org_kind(mention, self.lex) is None \
                and not title_words(mention, None) & self.lex.titles:
            full = ents.full_name(mention) or ents.expand(mention)  # البشير -> عمر البشير
            if full == mention and len(mention.split()) == 1:
                full = ents.org_named(mention) or mention  # بوليساريو -> جبهة بوليساريو
            if full != mention:
                return self._local_lookup(mention) or self.registry.by_key(full), full
        org = self._named_org(mention)
        if org is not None:
            return self.registry.by_key(org), org  # شرطة مدينة شيرتز is the police, not the city
        if self._org_opener(mention):
            return self.registry.by_key(mention), mention  # مركز المصالحة الروسي في سوريا: not سوريا
        name = (ents.name_in(mention, self.lex) if ents else None) or name_part(mention, self.lex)
        if name:
            canonical = (ents.full_name(name) or ents.expand(name) if ents else None) or name
            entry = self._local_lookup(name) or self.registry.by_key(canonical) or self.registry.by_key(name)
            return entry, canonical
        if ents is not None:
            org = self._org(mention, at, ents)
            if org is not None:
                return self.registry.by_key(org), org
            generic_org = generic_org_kind(mention, self.lex) is not None  # المجلس is a body, never a person
            person = None if generic_org else \
                ents.person_with_title(title_words(mention, None), at) or self._title_head(mention, at, ents)
            if person is not None:
                canonical = ents.full_name(person) or ents.expand(person)
                return self.registry.by_key(canonical) or self.registry.by_key(person), canonical
        title = title_words(mention, None)
        for words, entry in reversed(self.titles):
            if len(title) >= 2 and title <= words:
                return entry, None
        return self.registry.lookup(mention, prefer=self.seen), None

    def _described_person(self, mention: str) -> SpeakerEntry | None:
        """وأوضح الشاب, وأكد المواطن: a private person described, not named, is the last person quoted
        here whose gender does not clash with the noun's."""
        words = [normalize(w) for w in _mention_words(mention)]
        if len(words) != 1 or not words[0].startswith("ال") or words[0][2:] not in self.lex.person_nouns:
            return None
        clash = "Masc" if words[0].endswith("ه") else "Fem"
        return next((e for e in reversed(self.seen) if e.kind == "person" and e.gender != clash), None)

    def _org_opener(self, mention: str) -> bool:
        """An indefinite organisation noun opens the mention (مركز …, شرطة …): it names the body itself."""
        words = mention.split()
        return bool(words) and not normalize(words[0]).startswith("ال") \
            and normalize(words[0]) in self.lex.org_nouns and generic_org_kind(mention, self.lex) is None

    def _named_org(self, mention: str) -> str | None:
        """The organisation the article names with this phrase, when the phrase opens with an organisation
        noun and names one (not a generic المحكمة)."""
        words = mention.split()
        if self.entities is None or not words or normalize(words[0]).removeprefix("ال") not in self.lex.org_nouns \
                or generic_org_kind(mention, self.lex) is not None:
            return None
        return self.entities.fullest_org(mention)

    def _title_head(self, mention: str, at: int, ents: DocEntities) -> str | None:
        """المدافع الأيرلندي, الرئيس التنفيذي: a definite title phrase of at most three words, by its head."""
        words = [normalize(w) for w in _mention_words(mention)]
        if not words or not words[0].startswith("ال") or not _titleish(words[0], self.lex):
            return None
        if len(words) > 3 and not any(ch.isdigit() for w in words for ch in w):
            return None  # المخرجة البالغة 44 عاما: a title and an age still mean the person titled so
        return ents.person_with_head(name_key(words[0])[2:], at)

    def _org(self, mention: str, at: int, ents: DocEntities) -> str | None:
        kind = generic_org_kind(mention, self.lex)
        if kind is not None:
            for entry in reversed(self.seen):  # الوزارة: the ministry already quoted, over one named in passing
                words = _mention_words(entry.name)
                if entry.kind == "organization" and words and name_key(words[0]).removeprefix("ال") == kind:
                    return entry.name
            org = ents.org_of_kind(kind, at)
            if org is not None:
                return org.canonical
            if len(mention.split()) > 1:
                return None  # الشرطة الألمانية names itself
            last = self._last_institution()  # الشركة after الخطوط الجوية الإثيوبية (no شركة in its name)
            return last.name if last else None
        return ents.fullest_org(mention)

    def _last_institution(self) -> SpeakerEntry | None:
        """The most recent speaker that is an organisation or a named non-person (a state, a company)."""
        for entry in reversed(self.seen):
            if entry.kind in {"organization", "media", "state"} or (
                    entry.kind == "unknown" and not _bare_definite(entry.name) and not _partitive(entry.name)):
                return entry  # الخطوط الجوية الإثيوبية, not الشركة itself
        return None

    def _unnamed(self, mention: str) -> SpeakerEntry | None:
        """مصدر مطلع مختص, مصادر طبية: an unnamed source is the registry's unnamed speaker of that word."""
        words = mention.split()
        if len(words) > 1 and normalize(words[0]) in self.lex.anaphoric_determiners:
            words = words[1:]  # نفس المصدر
        if not words:
            return None
        for key in (words[0], words[0].removesuffix("اً").removesuffix("ا")):  # مصدرا: the accusative
            entry = self.registry.by_key(key)
            if entry is not None and entry.kind == "unnamed":
                return entry
        return None

    def _known_full_name(self, mention: str) -> SpeakerEntry | None:
        """A registry name of two words or more inside the mention (زعيم كوريا الشمالية كيم جونغ أون)."""
        words = mention.split()
        for n in range(min(len(words), MAX_NGRAM), 1, -1):
            for i in range(len(words) - n + 1):
                found = self.registry.by_key(" ".join(words[i:i + n]))
                if found is not None:
                    return found
        return None

    def _local_lookup(self, name: str) -> SpeakerEntry | None:
        """A one-word name that is the first or last name of someone named fully in this document
        (الحمادي after فهد الحمادي; أبو زيد after أحمد أبوزيد, the glue word written apart)."""
        keys = list(glued_keys(tuple(name_key(w) for w in name.split())))
        if len(keys) == 1:
            key = keys[0]  # الشليوي after عادل شليوي: the family name given the article
            return self.local.get(key) or (self.local.get(key[2:]) if key.startswith("ال") and len(key) > 4 else None)
        for entry in reversed(self.seen):  # قايد السبسي after الباجي قايد السبسي: the end of a full name
            full = [name_key(w) for w in entry.name.split()]
            if entry.kind == "person" and len(full) > len(keys) and full[-len(keys):] == keys:
                return entry
        return None

    def _create(self, mention: str) -> SpeakerEntry:
        if generic_name(mention, self.lex):
            key = name_key(mention)
            entry = self.generic.get(key)
            if entry is None:
                entry = self.generic[key] = SpeakerEntry(mention, kind="unknown")
                self.registry.add(entry, index=False)
                self.created.append(entry)
            return entry
        return self._create_named(mention)

    def _create_named(self, mention: str) -> SpeakerEntry:
        mention = without_name_marks(mention)
        words = mention.split()
        org = bool(words) and normalize(words[0]).removeprefix("ال") in self.lex.org_nouns
        whole = org or _partitive(mention)  # شرطة مدينة شيرتز names the police, أحد محامي … a lawyer
        name = None if whole else name_part(mention, self.lex)
        canonical = name if name and name != mention and _looks_like_name(name) else mention
        existing = self.registry.by_key(canonical)
        if existing is not None:
            self.registry.add_alias(existing, mention)
            return existing
        aliases = {mention} - {canonical}
        if org and len(words) >= 2 and normalize(words[0]) in _NAMED_BODIES and words[1][:1] not in {"ل", "ب"}:
            aliases.add(" ".join(words[1:]))  # حزب نداء تونس is also نداء تونس, جبهة بوليساريو بوليساريو
        entry = SpeakerEntry(canonical, kind=self._kind(canonical, mention), aliases=aliases)
        self.registry.add(entry)
        self.created.append(entry)
        return entry

    def _kind(self, canonical: str, mention: str) -> str:
        """organization for an organisation noun (وزارة الخارجية), person for a name of two to four words
        or a titled name (وزير الخارجية سيرغي لافروف), unknown for the rest (روسيا, تقارير …)."""
        words = [normalize(w) for w in _mention_words(canonical)]
        if not words:
            return "unknown"
        if words[0].removeprefix("ال") in self.lex.org_nouns:
            return "organization"
        if words[0] in self.lex.given_names and 2 <= len(words) <= 4:
            return "person"  # الباجي قايد السبسي: a given name first, whatever the words after it look like
        titled = any(normalize(w) in self.lex.titles for w in _mention_words(mention))
        plain = all(w not in self.lex.titles and w not in self.lex.org_nouns and w[:1] not in {"ل", "ب"}
                    for w in words) and not words[0].startswith("ال")
        if plain and (2 <= len(words) <= 4 or (titled and len(words) == 1)):
            return "person"
        return "unknown"

    def _learn_gender(self, entry: SpeakerEntry, agreement: str | None) -> None:
        # Only people: organisations and plural sources agree in the feminine (وقالت المصادر).
        if entry.gender is None and entry.kind == "person" and agreement:
            gender = _gender(agreement)
            if gender and "Plur" not in agreement:
                entry.gender = gender

    def _note(self, entry: SpeakerEntry) -> None:
        if entry in self.seen:
            self.seen.remove(entry)
        self.seen.append(entry)
        words = entry.name.split()
        if len(words) >= 2 and entry.kind == "person":
            for w in (words[-1], words[0]):
                self.local.setdefault(name_key(w), entry)

    def most_recent(self, agreement: str | None) -> tuple[SpeakerEntry | None, bool]:
        """The last speaker compatible with the verb's gender; (entry, agreed) where agreed is False
        when no speaker agrees and the last one is returned anyway."""
        gender = _gender(agreement)
        if not self.seen:
            return None, False
        if gender == "Masc":
            # The masculine is the unmarked agreement: the last speaker not known to be a woman.
            for entry in reversed(self.seen):
                if entry.gender != "Fem":
                    return entry, True
        elif gender == "Fem":
            for entry in reversed(self.seen):
                if entry.gender == "Fem":
                    return entry, True
            for entry in reversed(self.seen):
                if entry.gender is None and entry.kind != "person":
                    return entry, True  # وقالت الوزارة: organisations agree in the feminine
        return self.seen[-1], gender is None

    def note(self, entry: SpeakerEntry) -> None:
        self._note(entry)


def _gender(agreement: str | None) -> str | None:
    if not agreement:
        return None
    if "Fem" in agreement:
        return "Fem"
    if "Masc" in agreement:
        return "Masc"
    return None


_PARTITIVES = {"احد", "احدي", "بعض", "عدد"}


def _title_only(mention: str, lex: Lexicon) -> bool:
    """مستشار, وزير: one title word names someone in this article only, never across the corpus."""
    words = _mention_words(mention)
    return len(words) == 1 and _titleish(normalize(words[0]).removeprefix("ال"), lex)


def _partitive(mention: str) -> bool:
    words = mention.split()
    return len(words) >= 2 and normalize(words[0]) in _PARTITIVES


def _author_of(mention: str, lex: Lexicon) -> str:
    """`تقرير لموقع بلومبرغ` -> `موقع بلومبرغ`: a text of someone's speaks for its author."""
    words = mention.split()
    if len(words) >= 4 and normalize(words[0]).removeprefix("ال") in lex.document_nouns \
            and normalize(words[1]) in ISSUED and normalize(words[2]) == "عن":
        return " ".join(words[3:])  # بيان صادر عن المجلس -> المجلس
    if len(words) >= 2 and normalize(words[0]) in lex.document_nouns and words[1].startswith("ل") \
            and len(words[1]) > 3:
        rest = words[1][1:]
        if rest.startswith("ل"):
            rest = "ا" + rest  # للبحوث -> البحوث
        return " ".join([rest, *words[2:]])
    return mention


def _looks_like_name(text: str) -> bool:
    return not normalize(text).startswith("ال") and len(text.split()) <= 5
