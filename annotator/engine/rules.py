"""Attribution rules: pure functions ``(sentence, context) -> Iterator[Proposal]``.

Each rule recognises one way Arabic news reports speech. The runner (:mod:`annotator.engine.runner`)
runs them all, merges overlapping proposals and resolves speakers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from annotator.engine.context import DocContext
from annotator.engine.proposal import Proposal, Span
from annotator.engine.quotes import Quote, quote_words
from annotator.engine.source import (
    RELATIVES,
    UNNAMED_HEADS,
    find_source,
    group_index,
    groups,
    phrase_after,
    source_after,
    source_before,
    title_key,
)
from annotator.lang.ar import COMPLEMENTIZERS, VerbCue
from annotator.lang.ar.normalize import normalize
from annotator.lang.ar.quotes import QUOTE_CHARS
from annotator.nlp.types import Sentence, Word

Rule = Callable[[Sentence, DocContext], Iterator[Proposal]]

NEGATIONS = {"لم", "لا", "لن", "ما", "ليس", "غير"}
COMMAS = {"،", ","}
CLAUSE_WINDOW = 40  # words between a cue and its complementizer (subject, addressee, time, place)
MIN_QUOTE_WORDS = 2  # a one-word quote is a name or a scare quote («داعش»), not a statement
MIN_DIRECT_WORDS = 3  # a two-word quote mid-sentence is a nickname ("ماردونا السعودية")
MIN_COLON_WORDS = 5  # قال: <at least a clause>
SHORT_QUOTE_WORDS = 8  # a quote this short between a cue and its complementizer is a name or a title
QUOTE_REACH = 24  # words between a cue and its quote (a long title: أستاذ علوم الفلك والفضاء بجامعة …، الاسم:)
PREP_REACH = 10  # words between the subject and the governing preposition (كل منهما عن …)
ASIDE_REACH = 20  # words in a relative clause set off by commas between a source and its quote
ASIDE_WORDS = 6  # words in a comma-delimited aside between the subject and its preposition (، برونو لو مير،)
_FUSED_COMP = re.compile(r"^(ب?[أإا]نّ?)(?=\w)")
_END_PUNCT = ".،,؛;:!؟?"
HEADLINE_BLOCKLIST = {normalize(w) for w in (
    "شاهد", "اقرأ", "اقرا", "للمزيد", "كتب", "المصدر", "المصادر", "تابع", "انظر", "ملاحظة", "تحديث", "عاجل",
    "فيديو", "صور", "بالصور", "بالفيديو", "إقرأ", "ايضا", "أيضا", "المزيد", "مصدر", "تصوير", "ترجمة", "إعداد",
    "متابعة", "رابط", "هاتف", "البريد", "العنوان", "التاريخ", "الوقت", "السبت", "الأحد", "الاثنين",
)}


@dataclass(frozen=True)
class CueHit:
    pos: int  # 0-based word position in the sentence
    word: Word
    cue: VerbCue
    participle: bool = False


# --- finding cues ---------------------------------------------------------------------------------

def _negated(sent: Sentence, pos: int) -> bool:
    return any(k >= 0 and normalize(sent.words[k].text) in NEGATIONS for k in (pos - 1, pos - 2))


def _verb_cue(sent: Sentence, pos: int, ctx: DocContext) -> VerbCue | None:
    w = sent.words[pos]
    cue = ctx.lex.verb(w.text, w.lemma if w.upos in {"VERB", "X"} else "")
    if cue is None:
        # Unsplit clitic: وقالت written as one token.
        key = normalize(w.text)
        if key[:1] in {"و", "ف"} and len(key) > 3:
            cue = ctx.lex.verb(key[1:])
    if cue is None:
        return None
    if w.upos in {"ADP", "CCONJ", "SCONJ", "PRON", "DET", "PART", "PUNCT"} and not _verb_after_conjunction(sent, pos):
        return None
    if normalize(w.text) in ctx.lex.non_report:
        return None  # يذكر أن, يتوقع أن: not a report
    prev = sent.words[pos - 1] if pos > 0 else None
    if prev is not None and prev.end == w.start and normalize(prev.text) in {"ب", "ل", "ك", "ال"}:
        return None  # بوصفها, ليقول: a preposition never attaches to a reporting verb in the past
    if w.feat("Person") == "1" or w.feat("Voice") == "Pass" or _negated(sent, pos):
        return None  # first-person speech inside a quote, agentless passives, negated reports
    if cue.past_only and w.feat("Aspect") == "Imp":
        return None  # يرى, يعتبر: an opinion held, not a statement made
    return cue


def _verb_after_conjunction(sent: Sentence, pos: int) -> bool:
    """وعبر المرجع … عن: عبر opening a clause after و is the verb عبّر, whatever the tagger says (the
    preposition عبر "via" rarely follows a bare و)."""
    prev = sent.words[pos - 1] if pos > 0 else None
    key = normalize(sent.words[pos].text)
    opens = sent.words[pos].upos == "ADP" and prev is not None and prev.end == sent.words[pos].start \
        and normalize(prev.text) in {"و", "ف"} and pos <= 1
    if not opens:
        return False
    if key == "عبر":
        return True
    # وبين العمرة أن …: بيّن, when a complementizer follows its subject closely with no و in between
    # (وبين الطرفين وبين … is "between")
    return key == "بين" and _comp_soon(sent, pos + 1, 8)


def _comp_soon(sent: Sentence, start: int, reach: int) -> bool:
    for k in range(start, min(len(sent.words), start + reach)):
        w = sent.words[k]
        if _comp_start(w) is not None:
            return True  # وبين العمرة أن, وبين أن (a dropped subject): بيّن; بين "between" needs a noun
        if normalize(w.text) in {"و", "ف"} or w.text in COMMAS or w.upos == "VERB":
            return False
    return False


def verb_cues(sent: Sentence, ctx: DocContext) -> list[CueHit]:
    """Reporting verbs of the sentence (computed once per sentence: every rule asks)."""
    cached = ctx.cue_cache.get(sent.index)
    if cached is not None and cached[0] is sent:
        return list(cached[1])
    hits = _find_verb_cues(sent, ctx)
    ctx.cue_cache[sent.index] = (sent, hits)
    return list(hits)


def _find_verb_cues(sent: Sentence, ctx: DocContext) -> list[CueHit]:
    hits = []
    for pos in range(len(sent.words)):
        cue = _verb_cue(sent, pos, ctx)
        if cue is not None:
            hits.append(CueHit(pos, sent.words[pos], cue))
    return hits


def participle_cues(sent: Sentence, ctx: DocContext) -> list[CueHit]:
    """…، مضيفًا / مشيرةً إلى أن: after a comma, or opening a sentence that continues the previous one."""
    hits = []
    for pos, w in enumerate(sent.words):
        cue = ctx.lex.participle(w.text)
        if cue is None or _negated(sent, pos):
            continue
        prev = normalize(sent.words[pos - 1].text) if pos > 0 else ""
        if pos == 0 or prev in COMMAS | {"و", "ف"} or (pos > 1 and sent.words[pos - 2].text in COMMAS):
            hits.append(CueHit(pos, w, cue, participle=True))
    return hits


def _cue_span(sent: Sentence, pos: int) -> Span:
    """The cue with its clitics: و + قال -> وقال, كما + أفادت -> كما أفادت."""
    start = pos
    prev = sent.words[pos - 1] if pos > 0 else None
    if prev is not None and normalize(prev.text) in {"و", "ف"} and prev.end == sent.words[pos].start:
        start = pos - 1
    if start > 0 and normalize(sent.words[start - 1].text) in {"كما", "وكما"}:
        start -= 1
    end = pos
    if end + 1 < len(sent.words) and sent.words[end + 1].upos == "PRON" and sent.words[end + 1].start == \
            sent.words[end].end:
        end += 1  # وصفه, تتهمه: the object pronoun is written as part of the cue
    return Span(sent.words[start].start, sent.words[end].end)


def _agreement(w: Word) -> str | None:
    parts = [v for v in (w.feat("Gender"), w.feat("Number")) if v]
    return "|".join(parts) or None


# --- content boundaries ---------------------------------------------------------------------------

def _comp_start(w: Word) -> int | None:
    """Content start for a complementizer word: after إن/أن, or at the pronoun fused to it (أنها)."""
    key = normalize(w.text)
    if key in COMPLEMENTIZERS:
        return w.end
    m = _FUSED_COMP.match(w.text)
    if m and normalize(m.group(1)) in COMPLEMENTIZERS and key[len(normalize(m.group(1))):] in {
        "ه", "ها", "هم", "هما", "هن", "نا", "ني", "ك", "كم"}:
        return w.start + len(m.group(1))
    return None


def _is_tag_start(sent: Sentence, i: int, ctx: DocContext) -> bool:
    """A trailing tag after a comma: ، حسبما ذكرت …، بحسب …، مضيفا …، وقال …"""
    w = sent.words[i]
    key = normalize(w.text)
    if ctx.lex.participle(w.text) is not None:
        return True
    tag = _nominal_at(sent, i, ctx)
    if tag is not None:
        return tag[1]
    if key in {"و", "ف", "كما", "وكما"} and i + 1 < len(sent.words):
        return _verb_cue(sent, i + 1, ctx) is not None  # …، وقال / …، كما ندّدوا: a second report
    return key in {"وذلك"}


def _inside_quote(ctx: DocContext, offset: int) -> bool:
    return any(q.inner.start <= offset < q.inner.end for q in ctx.quotes)


def _second_report(sent: Sentence, i: int, ctx: DocContext) -> bool:
    """`قال إن … وتعهد بـ …`: a conjoined reporting verb ends the first content, comma or not."""
    w = sent.words[i]
    if normalize(w.text) not in {"و", "ف"} or i + 1 >= len(sent.words):
        return False
    nxt = sent.words[i + 1]
    return nxt.start == w.end and nxt.feat("Aspect") == "Perf" and _verb_cue(sent, i + 1, ctx) is not None


def _new_clause(sent: Sentence, i: int) -> bool:
    """After a comma, a finite verb in the past (، شكر بوتين …) starts a clause of its own."""
    w = sent.words[i]
    if normalize(w.text) in {"و", "ف"} and i + 1 < len(sent.words):
        w = sent.words[i + 1]
    return w.upos == "VERB" and w.feat("Aspect") == "Perf" and w.feat("Person") in {None, "3"}


def clause_end(sent: Sentence, start: int, ctx: DocContext, *, parenthetical: bool = False) -> int:
    """Offset where content starting at ``start`` ends: before a trailing tag or the final period.

    ``parenthetical``: the cue sits in a relative clause (تشوي، الذي قال إن …، لافروف أن …), whose
    content ends at the next comma outside quotes.
    """
    words = sent.words
    end = sent.end
    for i, w in enumerate(words):
        if w.start < start or i + 1 >= len(words) or _inside_quote(ctx, w.start):
            continue
        if w.start > start and _second_report(sent, i, ctx):
            end = w.start
            break
        if w.text not in COMMAS:
            continue
        if parenthetical or _is_tag_start(sent, i + 1, ctx) or _new_clause(sent, i + 1):
            end = w.start
            break
    # A quote opened inside the content runs to its closing mark, even past the sentence.
    for q in ctx.quotes_in(start, end):
        if q.outer.end > end:
            end = q.outer.end
    return trim(ctx.text, start, end)


def trim(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in _END_PUNCT):
        end -= 1
    return end


def classify(ctx: DocContext, content: Span) -> tuple[str, Span]:
    """direct when the content is one quote (then the content is inside the marks), mixed when it holds
    a quoted fragment, else indirect."""
    text = ctx.text
    start = content.start
    while start < content.end and (text[start].isspace() or text[start] == "ـ"):
        start += 1
    quotes = [q for q in ctx.quotes if q.outer.overlap(Span(start, content.end)) > 0]
    if quotes:
        q = quotes[0]
        rest = text[q.outer.end:content.end].strip(" " + _END_PUNCT)
        if q.outer.start == start and not rest:
            return "direct", Span(q.inner.start, trim(text, q.inner.start, q.inner.end))
        if any(quote_words(text, x.inner) >= 1 for x in quotes):
            return "mixed", Span(start, content.end)
    return "indirect", Span(start, content.end)


def _inside_token(sent: Sentence, i: int) -> bool:
    """A mark with letters right after it (بي.إم.آي) is part of a word, not the end of a sentence."""
    nxt = sent.words[i + 1] if i + 1 < len(sent.words) else None
    return nxt is not None and nxt.start == sent.words[i].end and nxt.upos != "PUNCT"


def _skip_relative(sent: Sentence, i: int, ctx: DocContext) -> int:
    """After `، الذي قال إن …،` (a relative clause set off by commas): the index after its closing comma."""
    for k in range(i + 1, len(sent.words)):
        if sent.words[k].text in COMMAS and not _inside_quote(ctx, sent.words[k].start):
            return k + 1
    return len(sent.words)


def _find_comp(sent: Sentence, pos: int, ctx: DocContext) -> tuple[int, int] | None:
    """(word index, content start) of the complementizer that introduces the cue's clause."""
    i = pos
    limit = min(len(sent.words), pos + 1 + CLAUSE_WINDOW)
    while i + 1 < limit:
        i += 1
        w = sent.words[i]
        if normalize(w.text) in RELATIVES and i > pos + 1 and sent.words[i - 1].text in COMMAS:
            i = _skip_relative(sent, i, ctx) - 1
            continue
        start = _comp_start(w)
        if start is not None:
            before = normalize(sent.words[i - 1].text) if i > pos + 1 else ""
            if before in ctx.lex.non_report:
                return None
            return i, start
        if w.text in {".", "؟", "!", ":", "："} and not _inside_token(sent, i):
            return None  # after a colon come the words themselves (verb_colon, verb_quote)
        quote = next((q for q in ctx.quotes if q.open == w.start), None)
        if quote is not None:
            if not quote.balanced or quote_words(ctx.text, quote.inner) > SHORT_QUOTE_WORDS:
                return None  # the cue is followed by a quotation: the quote rules have it
            i = next((k for k in range(i, len(sent.words)) if sent.words[k].start >= quote.outer.end),
                     len(sent.words)) - 1
            continue  # «فهد المفرج» أنّ …، شعار "…" أن …: a quoted name on the way to the complementizer
        if w.upos == "VERB" and _verb_cue(sent, i, ctx) is not None:
            return None
    return None


def _shared_subject(sent: Sentence, pos: int, ctx: DocContext) -> Span | None:
    """The subject of the sentence's main verb (…، مضيفا / …، وقال إن share it): the first verb outside
    quotes and relative clauses, when it opens the sentence (after و or a fronted phrase and a comma).
    None when unsure: the runner then takes the last compatible speaker."""
    for k in range(pos):
        w = sent.words[k]
        if w.upos != "VERB" or w.feat("Person") == "1" or _inside_quote(ctx, w.start):
            continue
        if k > 0 and normalize(sent.words[k - 1].text) in RELATIVES:
            continue
        opens = k == 0 or all(normalize(x.text) in {"و", "ف", "كما", "قد", "لقد"} for x in sent.words[:k]) \
            or sent.words[k - 1].text in COMMAS
        if not opens or not _agree(w, sent.words[pos]):
            return None
        return source_after(sent, k, ctx) or source_before(sent, k, ctx)
    return None


def _agree(a: Word, b: Word) -> bool:
    """Two verbs can share a subject only if they agree in gender and number (where both are known)."""
    for feat in ("Gender", "Number"):
        x, y = a.feat(feat), b.feat(feat)
        if x and y and x != y:
            return False
    return True


def _saying_word(sent: Sentence, start: int, end: int, ctx: DocContext) -> Span | None:
    """The surface word قوله/قولها… between ``start`` and ``end`` (نقلت الوكالة عن الوزير قوله: "…")."""
    for g in groups(sent, ctx):
        if start <= g.start and g.end <= end and g.key in SAYING_NOUNS:
            return Span(g.start, g.end)
    return None
RELAY_REACH = 4  # words between the verb's subject and the preposition naming the relayed speaker


def _own_source(sent: Sentence, pos: int, ctx: DocContext) -> Span | None:
    """The cue's source; for a relaying verb (نقلت رويترز عن مسؤول أميركي أن …) the one it relays."""
    own = find_source(sent, pos, ctx)
    cue = _verb_cue(sent, pos, ctx)
    if cue is None or cue.relay is None:
        return own
    after = max(own.end if own is not None else 0, sent.words[pos].end)
    seen = 0
    for k, w in enumerate(sent.words):
        if w.start < after:
            continue
        if normalize(w.text) == cue.relay and k + 1 < len(sent.words):
            found = phrase_after(sent, k + 1, ctx, allow_quotes=True)
            if cue.relay_document and (found is None or not _names_document(found[0], ctx)):
                return None
            return found[0] if found is not None else own
        seen += 1
        if seen > RELAY_REACH or w.text in COMMAS:
            break
    return None if cue.relay_document else own


def _names_document(span: Span, ctx: DocContext) -> bool:
    words = ctx.text[span.start:span.end].split()
    return bool(words) and normalize(words[0]).removeprefix("ال") in ctx.lex.document_nouns


def _leading_channel(sent: Sentence, pos: int, ctx: DocContext) -> Span | None:
    """The phrase of a channel tag opening the sentence (وبحسب X، / ووفقا لـX …،), when a comma separates it
    from a cue that has no subject of its own."""
    for i in (0, 1):
        tag = _nominal_at(sent, i, ctx) if i < pos else None
        if tag is None or not tag[1]:
            continue
        found = _channel_source(sent, i + tag[0], ctx)
        if found is None or found[1].end > sent.words[pos].start:
            return None
        between = [w for w in sent.words[:pos] if w.start >= found[1].end]
        return found[1] if any(w.text in COMMAS for w in between) else None
    return None


def _source_for(sent: Sentence, hit: CueHit, ctx: DocContext) -> tuple[Span | None, str | None]:
    """The cue's own source, or a subject it shares with an earlier verb, or none (dropped subject)."""
    own = _own_source(sent, hit.pos, ctx)
    if own is not None:
        return own, None
    leading = _leading_channel(sent, hit.pos, ctx)
    if leading is not None:
        return leading, None  # ووفقا لمصادر تحدثت لـ…، فقد أكدت أن …: the channel's phrase is the subject
    prev = sent.words[hit.pos - 1] if hit.pos > 0 else None
    after_comma = prev is not None and (prev.text in COMMAS or (normalize(prev.text) in {"و", "ف"} and hit.pos > 1
                                        and sent.words[hit.pos - 2].text in COMMAS))
    if after_comma:
        shared = _shared_subject(sent, hit.pos, ctx)
        if shared is not None:
            return shared, "sentence"
    return None, None


def _make(sent: Sentence, ctx: DocContext, hit: CueHit, content: Span, rule: str, confidence: float,
          source: Span | None, follows: str | None, min_words: int = MIN_QUOTE_WORDS,
          cue: Span | None = None) -> Proposal | None:
    kind, content = classify(ctx, content)
    if len(ctx.text[content.start:content.end].strip("ـ").split()) < min_words:
        return None
    if source is not None and source.overlap(content):
        source = None
    return Proposal(kind, content, cue or _cue_span(sent, hit.pos), source, f"{rule}.{kind}", round(confidence, 3),
                    sent.index, cue_lemma=hit.cue.lemma, agreement=_agreement(hit.word), follows=follows)


# --- rules ----------------------------------------------------------------------------------------

def verb_complement(sent: Sentence, ctx: DocContext) -> Iterator[Proposal]:
    """قال/أكد/أضاف … إن/أن/بأن <clause>: indirect, or mixed/direct when the clause is quoted."""
    for hit in verb_cues(sent, ctx) + participle_cues(sent, ctx):
        if not hit.cue.takes_comp:
            continue
        comp = _find_comp(sent, hit.pos, ctx)
        if comp is None:
            continue
        i, start = comp
        relative = hit.pos > 0 and normalize(sent.words[hit.pos - 1].text) in RELATIVES
        content = Span(start, clause_end(sent, start, ctx, parenthetical=relative))
        source, follows = _speaker_of(sent, hit, i, ctx)
        if hit.cue.relay_document and (source is None or follows is not None):
            continue  # جاء ذلك خلال …: جاء reports only through a document (جاء في بيان …)
        conf = hit.cue.confidence * (1.0 if source else 0.9)
        p = _make(sent, ctx, hit, content, "participle" if hit.participle else "verb_comp", conf, source, follows)
        if p:
            yield p


def _speaker_of(sent: Sentence, hit: CueHit, content_at: int, ctx: DocContext) -> tuple[Span | None, str | None]:
    """(source, follows) for a cue whose content starts at word ``content_at``: a participle shares the
    sentence's subject; a verb has its own source, unless it relays someone else's words (عن X قوله)."""
    if hit.participle:
        return _shared_subject(sent, hit.pos, ctx), "sentence"
    relayed = _relayed_source(sent, hit.pos, content_at, ctx)
    if relayed is not None:
        return relayed, None
    return _source_for(sent, hit, ctx)


# قوله / تأكيده after عن X: the words are X's (relayed), and with a quote they are the cue (قوله: "…")
SAYING_NOUNS = {normalize(w) for w in ("قول", "قوله", "قولها", "قولهم", "قولهما", "تأكيده", "تأكيدها", "تصريحه")}


def _relayed_source(sent: Sentence, pos: int, comp: int, ctx: DocContext) -> Span | None:
    """نقلت الوكالة عن الوزير قوله إن …: the words are the minister's, not the agency's."""
    for i in range(pos + 1, comp):
        if normalize(sent.words[i].text) == "عن" and any(
                normalize(w.text) in SAYING_NOUNS for w in sent.words[i + 1:comp + 1]):
            found = phrase_after(sent, i + 1, ctx) if i + 1 < comp else None
            return found[0] if found else None
    return None


def _skip_to_quote(sent: Sentence, pos: int, ctx: DocContext) -> tuple[Quote, Span | None] | None:
    """After a cue: [source] [ل + addressee] [time words] [short quoted names] [،/:] then a quote."""
    i = pos + 1
    source: Span | None = None
    if i < len(sent.words):
        found = phrase_after(sent, i, ctx)
        if found is not None:
            source = _own_source(sent, pos, ctx)
            i = found[1]
    steps = 0
    while i < len(sent.words) and steps < QUOTE_REACH:
        steps += 1
        w = sent.words[i]
        q = next((q for q in ctx.quotes if w.start <= q.open < w.end), None)  # also وموسيفيني"جئت
        if q is not None:
            words = quote_words(ctx.text, q.inner)
            ends_sentence = not ctx.text[q.outer.end:sent.end].strip(" .،,")
            if words >= MIN_DIRECT_WORDS or not q.balanced or (words >= MIN_QUOTE_WORDS and ends_sentence):
                return q, source
            i = next((k for k, x in enumerate(sent.words) if x.start >= q.outer.end), len(sent.words))
            continue  # لـ"عكاظ": a quoted name, the statement comes after
        skippable = w.upos in {"ADP", "NOUN", "PROPN", "X", "ADV", "ADJ", "PRON", "DET", "NUM"} \
            and w.text not in QUOTE_CHARS and _verb_cue(sent, i, ctx) is None
        if w.upos == "CCONJ" and i + 1 < len(sent.words):
            nxt = sent.words[i + 1]
            skippable = nxt.start == w.end and nxt.upos in {"NOUN", "ADJ", "PROPN"}  # علوم الفلك والفضاء
        aside = _relative_aside_end(sent, i, ctx) if w.text in COMMAS else None
        if aside is not None:
            i = aside  # وقالت مارين لوبان، والتي خسرت في الدورة الثانية …، "…": a relative clause set off by commas
            continue
        if w.text in {":", "،", ","} or skippable:
            i += 1
            continue
        return None
    return None


def _relative_aside_end(sent: Sentence, comma: int, ctx: DocContext) -> int | None:
    """Index after the comma closing `، (و)التي/الذي …،` opened at ``comma``, when no quote opens inside."""
    k = comma + 1
    if k < len(sent.words) and normalize(sent.words[k].text) in {"و", "ف"}:
        k += 1
    if k >= len(sent.words) or normalize(sent.words[k].text) not in RELATIVES:
        return None
    for j in range(k + 1, min(len(sent.words), k + 1 + ASIDE_REACH)):
        w = sent.words[j]
        if any(w.start <= q.open < w.end for q in ctx.quotes):
            return None
        if w.text in COMMAS:
            return j + 1
    return None


def verb_quote(sent: Sentence, ctx: DocContext) -> Iterator[Proposal]:
    """وقال لافروف: “…” / وأضافت “…” / مضيفًا: "…": the quote is the content (direct)."""
    for hit in verb_cues(sent, ctx) + participle_cues(sent, ctx):
        if not hit.cue.takes_quote and not hit.participle:
            continue
        found = _skip_to_quote(sent, hit.pos, ctx)
        if found is None:
            continue
        quote, source = found
        if quote_words(ctx.text, quote.inner) < MIN_QUOTE_WORDS:
            continue
        saying = _saying_word(sent, hit.word.end, quote.open, ctx) if hit.cue.relay else None
        if hit.cue.relay and saying is None:
            continue  # نقلت صحيفة "…" عن شبكة "…": quoted names; the words come after قوله
        follows = None
        if hit.participle:
            source, follows = _shared_subject(sent, hit.pos, ctx), "sentence"
        elif source is None:
            source, follows = _source_for(sent, hit, ctx)
        conf = hit.cue.confidence * (1.0 if quote.balanced else 0.85)
        p = _make(sent, ctx, hit, quote.outer, "participle_quote" if hit.participle else "verb_quote", conf,
                  source, follows, cue=saying)  # نقلت الوكالة عن الوزير قوله: "…": the cue is قوله
        if p:
            yield p


def _colon_after(sent: Sentence, pos: int, ctx: DocContext) -> int | None:
    """The colon that introduces the cue's words, within its clause (subject, relative clause, place)."""
    for i in range(pos + 1, min(len(sent.words), pos + 1 + CLAUSE_WINDOW)):
        w = sent.words[i]
        if w.text in {":", "："}:
            return i if not _inside_quote(ctx, w.start) else None
        if w.text in {".", "؟", "!"} or _comp_start(w) is not None or (ctx.quote_at(w.start) is not None \
                and any(q.open == w.start for q in ctx.quotes)):
            return None
        if w.upos == "VERB" and _verb_cue(sent, i, ctx) is not None:
            return None
    return None


def verb_colon(sent: Sentence, ctx: DocContext) -> Iterator[Proposal]:
    """وأكد موفاز: أعرف جون بولتون …: a colon after the cue (and its source) with no quotation mark:
    the rest of the clause is what was said (indirect, formally: no quotation marks)."""
    for hit in verb_cues(sent, ctx) + participle_cues(sent, ctx):
        if not (hit.cue.takes_quote or hit.cue.takes_comp):
            continue
        i = _colon_after(sent, hit.pos, ctx)
        if i is None or ctx.quote_at(sent.words[i].end) is not None or i + 1 >= len(sent.words):
            continue  # no colon, or وقال: “…” which is the quote rule's
        start = sent.words[i + 1].start
        comp = _comp_start(sent.words[i + 1])
        if comp is not None:
            start = comp  # قال: إن …
        content = Span(start, clause_end(sent, start, ctx))
        if len(ctx.text[content.start:content.end].split()) < MIN_COLON_WORDS:
            continue  # كتب: هاني كمال الدين is a byline
        source, follows = _speaker_of(sent, hit, i, ctx)
        p = _make(sent, ctx, hit, content, "verb_colon", hit.cue.confidence * 0.9, source, follows)
        if p:
            yield p


def _opening_quote(sent: Sentence, ctx: DocContext, min_words: int) -> Quote | None:
    """The quote the sentence opens with (after a leading و/ف), if it has at least ``min_words`` words."""
    words = sent.words
    first = 1 if words and normalize(words[0].text) in {"و", "ف"} else 0
    if first >= len(words):
        return None
    quote = next((q for q in ctx.quotes if q.open == words[first].start), None)
    if quote is None or quote_words(ctx.text, quote.inner) < min_words:
        return None
    return quote


def quote_then_verb(sent: Sentence, ctx: DocContext) -> Iterator[Proposal]:
    """“…”، قال فلان: the sentence opens with the quote and the cue follows it."""
    quote = _opening_quote(sent, ctx, MIN_QUOTE_WORDS)
    if quote is None:
        return
    for hit in verb_cues(sent, ctx):
        w = hit.word
        if w.start < quote.outer.end or not hit.cue.takes_quote:
            continue
        between = ctx.text[quote.outer.end:w.start].strip(" ،,.")
        if len(between.split()) > 1:
            return
        source = source_after(sent, hit.pos, ctx)
        p = _make(sent, ctx, hit, quote.outer, "quote_verb", hit.cue.confidence, source, None)
        if p:
            yield p
        return


def _prep_start(sent: Sentence, i: int, prep: str) -> int | None:
    """Content start if word i is the preposition (عن) or starts with it (بمدينة)."""
    w = sent.words[i]
    key = normalize(w.text)
    if key == prep:
        return w.end
    if len(prep) == 1 and key.startswith(prep) and (len(key) > 3 or key == prep + "ما"):
        return w.start + 1  # بالتعامل, بما سماه
    return None


def verb_preposition(sent: Sentence, ctx: DocContext) -> Iterator[Proposal]:
    """أعرب عن …، أشاد بـ …، حذر من …، اتهم X بـ Y: a nominal complement is the content."""
    for hit in verb_cues(sent, ctx) + participle_cues(sent, ctx):
        for prep, with_object in hit.cue.preps():
            if hit.cue.takes_comp and _find_comp(sent, hit.pos, ctx) is not None:
                break  # أشار إلى أن: the clause rule has it
            p = _prep_proposal(sent, ctx, hit, prep, with_object)
            if p:
                yield p
                break


def _prep_proposal(sent: Sentence, ctx: DocContext, hit: CueHit, prep: str, with_object: bool) -> Proposal | None:
    follows: str | None
    cue_end = _cue_group_end(sent, hit.pos, ctx)  # تتهمه: the object pronoun is part of the cue's word
    fused_object = cue_end > hit.pos + 1 and sent.words[cue_end - 1].upos == "PRON"
    if hit.participle:
        source, follows = _shared_subject(sent, hit.pos, ctx), "sentence"
        after = cue_end
    else:
        found = phrase_after(sent, cue_end, ctx) if cue_end < len(sent.words) else None
        source, follows = _source_for(sent, hit, ctx)
        after = found[1] if found else cue_end
        if source is not None and source.end <= hit.word.start:
            after = cue_end  # SVO (كانت X قد اتهمت المنتج بـ…): what follows the verb is its object
    if with_object and fused_object:
        # الذي تتهمه أنقرة بأنه وراء …: X is the pronoun on the cue, the content is Y alone
        limit = min(len(sent.words), after + PREP_REACH)
        at = next((i for i in range(after, limit) if _prep_start(sent, i, prep) is not None), None)
        if at is None:
            return None
        start = _after_prep(sent, at, prep)
    elif with_object:
        # اتهم X بـ Y: content is X and Y, after the source and any comma-parenthetical.
        limit = min(len(sent.words), after + 25)
        at = next((i for i in range(after, limit) if _prep_start(sent, i, prep) is not None and i > after), None)
        if at is None:
            return None
        begin = after
        for i in range(after, at):
            if sent.words[i].text in COMMAS:
                begin = i + 1
        start = sent.words[begin].start
    else:
        while after < len(sent.words) and (sent.words[after].text in COMMAS or normalize(sent.words[after].text) in {
                "ايضا", "كذلك", "بدوره", "بدورها"} or normalize(sent.words[after].text) in ctx.lex.time_words):
            after += 1
        start_or_none = None
        k = after
        while k < min(len(sent.words), after + PREP_REACH):
            if sent.words[k].text in COMMAS:
                skipped = _time_aside(sent, k, ctx) or _aside_before_prep(sent, k, prep)
                if skipped is None:
                    break
                k = skipped  # أعلنت قيادة التحالف، أمس، عن …: a time aside between the source and عن
                continue
            if sent.words[k].upos == "VERB":
                break
            start_or_none = _prep_start(sent, k, prep)
            if start_or_none is not None:
                break
            k += 1
        if start_or_none is None:
            return None
        start = start_or_none
    content = Span(start, clause_end(sent, start, ctx))
    if hit.cue.lemma == "تحدث" and not ctx.quotes_in(content.start, content.end):
        return None  # تحدث عن without a quoted fragment is topic-only speech
    rule = "participle_prep" if hit.participle else "verb_prep"
    # وصفه البيت الأبيض بـ"السيء": a one-word Y is the whole description when X is the cue's pronoun
    return _make(sent, ctx, hit, content, rule, hit.cue.confidence * (0.95 if source else 0.85), source, follows,
                 min_words=1 if with_object and fused_object else MIN_QUOTE_WORDS)


def _cue_group_end(sent: Sentence, pos: int, ctx: DocContext) -> int:
    """Word index after the surface word holding the cue (وصف+ه, تتهم+ه)."""
    gs = groups(sent, ctx)
    return gs[group_index(gs, pos)].last + 1


def _after_prep(sent: Sentence, at: int, prep: str) -> int:
    """Content start after the preposition at word ``at``: بـ"السيء" -> السيء, بأنه -> ه (the pronoun fused
    to the complementizer belongs to the content)."""
    start = _prep_start(sent, at, prep)
    assert start is not None
    nxt = next((w for w in sent.words[at:at + 3] if w.start >= start), None)
    comp = _comp_start(nxt) if nxt is not None else None
    return comp if comp is not None else start


def _aside_before_prep(sent: Sentence, comma: int, prep: str) -> int | None:
    """Index after `، برونو لو مير،` when the preposition follows the second comma: a short aside with no
    verb (a name in apposition, خلال اجتماع) between the source and its complement (وحذر الوزير، …، من);
    also the aside's closing comma itself, when the first comma was passed already."""
    if comma + 1 < len(sent.words) and _prep_start(sent, comma + 1, prep) is not None:
        return comma + 1
    for j in range(comma + 2, min(len(sent.words) - 1, comma + 2 + ASIDE_WORDS)):
        w = sent.words[j]
        if w.upos == "VERB":
            return None
        if w.text in COMMAS:
            return j + 1 if _prep_start(sent, j + 1, prep) is not None else None
    return None


def _time_aside(sent: Sentence, comma: int, ctx: DocContext) -> int | None:
    """Index after `، أمس،` / `، الخميس،` (time words set off by commas), or None."""
    k = comma + 1
    while k < len(sent.words) and normalize(sent.words[k].text) in ctx.lex.time_words:
        k += 1
    if k == comma + 1 or k >= len(sent.words) or sent.words[k].text not in COMMAS:
        return None
    return k + 1


def _nominal_at(sent: Sentence, i: int, ctx: DocContext) -> tuple[int, bool] | None:
    """(words in the tag, channel?) when a nominal cue (بحسب, وفقا لـ, نقلا عن …) starts at word i.

    Matched on surface words: the tokenizer splits بحسب into ب + حسب and وبحسب into و + ب + حسب.
    """
    gs = groups(sent, ctx)
    try:
        g0 = next(k for k, g in enumerate(gs) if g.first == i)
    except StopIteration:
        return None
    for nominal in ctx.lex.nominal:
        window = gs[g0:g0 + len(nominal.tokens)]
        keys = [g.key for g in window]
        if keys and keys[0].startswith("و") and keys[0][1:] == nominal.tokens[0]:
            keys[0] = keys[0][1:]
        if keys == list(nominal.tokens):
            return window[-1].last + 1 - i, nominal.channel
    return None


def _channel_source(sent: Sentence, after: int, ctx: DocContext) -> tuple[int, Span] | None:
    """The noun phrase after a tag (بحسب وكالة "تاس" الروسية); حسبما/كما أفادت: the verb is part of the cue."""
    words = sent.words
    if after < len(words) and words[after].upos == "VERB":
        after += 1
    while after < len(words) and normalize(words[after].text) in {"ما", "ل", "لما"}:
        after += 1
    if after < len(words) and (words[after].upos == "VERB" or ctx.lex.verb(words[after].text)):  # بحسب ما ذكرت
        after += 1
    while after < len(words) and (words[after].upos == "PRON" or normalize(words[after].text) in {"في", "عن"}):
        after += 1  # وفقا لما ذكره X / بحسب ما ورد في X
    if after >= len(words):
        return None
    found = phrase_after(sent, after, ctx, allow_quotes=True)
    return (after, found[0]) if found else None


def verb_noun(sent: Sentence, ctx: DocContext) -> Iterator[Proposal]:
    """أكد ضرورة …، أعلنت الوزارة بدء …، أبدى استعداده …، (…،) مؤكداً استمرار …: a verbal noun after
    the verb (and its subject), or right after the participle, is the content."""
    for hit in verb_cues(sent, ctx) + participle_cues(sent, ctx):
        if not hit.cue.takes_noun or _find_comp(sent, hit.pos, ctx) is not None:
            continue
        after = hit.pos + 1
        if hit.participle:
            source, follows = _speaker_of(sent, hit, after, ctx)
        else:
            found = phrase_after(sent, after, ctx) if after < len(sent.words) else None
            source, follows = _source_for(sent, hit, ctx)
            if found is not None and source is not None:
                after = found[1]
        while after < len(sent.words) and (normalize(sent.words[after].text) in ctx.lex.time_words
                                            or sent.words[after].text in COMMAS):
            after += 1  # أكد كيم اليوم الأربعاء، دعم بلاده …
        if after >= len(sent.words):
            continue
        w = sent.words[after]
        key = normalize(w.text)
        any_np = hit.cue.takes_any_np and w.upos in {"NOUN", "PROPN", "X", "DET"}
        if not any_np and key not in ctx.lex.content_nouns and not (w.upos == "NOUN" and w.feat("Case") == "Acc"):
            continue
        if ctx.lex.participle(w.text) is not None:
            continue
        content = Span(w.start, clause_end(sent, w.start, ctx))
        rule = "participle_noun" if hit.participle else "verb_noun"
        p = _make(sent, ctx, hit, content, rule, hit.cue.confidence * 0.8, source, follows)
        if p:
            yield p


def channel_tag(sent: Sentence, ctx: DocContext) -> Iterator[Proposal]:
    """<statement>، بحسب X / وبحسب X، فإن <statement>: X is the source when no verb claims the statement."""
    words = sent.words
    lead = 1 if words and normalize(words[0].text) in {"و", "ف"} and _nominal_at(sent, 0, ctx) is None else 0
    for i in range(len(words)):
        at_start = i == lead or i == 0
        after_comma = at_start or words[i - 1].text in COMMAS
        if not after_comma and i < 3:
            continue
        tag = _nominal_at(sent, i, ctx)
        if tag is None or not tag[1]:
            continue
        found = _channel_source(sent, i + tag[0], ctx)
        if found is None:
            continue
        if not after_comma and not _closing_speaker_tag(sent, found[1], ctx):
            continue  # تم ذلك وفق القانون: only a speaker closing the sentence (… وفق مصدر أمني.) is a tag
        cue_end_word, source = found
        cue = Span(words[i].start, words[max(i, cue_end_word - 1)].end)
        if at_start:
            if any(_verb_cue(sent, k, ctx) for k in range(cue_end_word + 1, len(words))):
                return  # وبحسب رويترز، فقد ذكرت الوزارة أن …: the verb rule has the statement
            content = _content_after_tag(sent, source, ctx)
        else:
            if any(_verb_cue(sent, k, ctx) for k in range(i)):
                return  # قال كيم …، حسبما ذكرت مصادر: the statement is Kim's, the verb rule has it
            first = lead if lead < i else 0
            start = words[first].start
            content = Span(start, trim(ctx.text, start, words[i - 1].start))
        if content is None or len(ctx.text[content.start:content.end].split()) < 3:
            continue
        kind, content = classify(ctx, content)
        yield Proposal(kind, content, cue, source, f"channel.{kind}", 0.6, sent.index,
                       cue_lemma=normalize(words[i].text).removeprefix("و"))
        return


def _closing_speaker_tag(sent: Sentence, source: Span, ctx: DocContext) -> bool:
    """A tag with no comma before it (… وفق مصدر أمني.): its phrase ends the sentence and names a speaker
    (an unnamed source, a title, an organisation or media noun, or a name), not a rule or a plan."""
    if ctx.text[source.end:sent.end].strip(" .،,") or "\n" in ctx.text[sent.start:sent.end]:
        return False
    words = ctx.text[source.start:source.end].split()
    head = normalize(words[0].strip("\"«“")) if words else ""
    bare = head.removeprefix("ال")
    if bare.removesuffix("ا") in UNNAMED_HEADS or bare in ctx.lex.org_nouns or bare in ctx.lex.generic_org_nouns \
            or title_key(head, ctx):
        return True
    first = next((w for w in sent.words if w.start >= source.start), None)
    return first is not None and first.upos == "PROPN" and not head.startswith("ال")


def _content_after_tag(sent: Sentence, source: Span, ctx: DocContext) -> Span | None:
    """وبحسب المصدر، فإن <content>: the content starts after the comma (and after فإن/إن)."""
    words = sent.words
    k = next((n for n, w in enumerate(words) if w.start >= source.end), len(words))
    while k < len(words) and (words[k].text in COMMAS or normalize(words[k].text) in {"ف", "و"}):
        k += 1
    if k >= len(words):
        return None
    start = _comp_start(words[k])
    if start is None and k + 1 < len(words) and normalize(words[k].text) in {"فان", "فإن"}:
        start = words[k].end
    if start is None:
        start = words[k].start
    return Span(start, clause_end(sent, start, ctx))


def headline_colon(sent: Sentence, ctx: DocContext) -> Iterator[Proposal]:
    """وزير الخارجية الكوري الشمالي: كوريا الشمالية ستدعم …: a line of the form speaker: statement."""
    text = ctx.text
    line_start = text.rfind("\n", 0, sent.start) + 1
    line_end = text.find("\n", sent.start)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    colon = line.find(":")
    if colon < 0 or sent.start > line_start + colon or sent.end < line_start + colon:
        return
    head, tail = line[:colon].strip(), line[colon + 1:].strip()
    head_words = head.split()
    if not 1 <= len(head_words) <= 6 or len(tail.split()) < 4 or any(ch.isdigit() for ch in head):
        return
    if any(normalize(w).strip("\"“”«»") in HEADLINE_BLOCKLIST for w in head_words):
        return
    colon_at = line_start + colon
    before = [g for g in groups(sent, ctx) if g.end <= colon_at]
    if not before or any(not g.whole and (g.head.upos == "VERB" or ctx.lex.verb(g.head.text, g.head.lemma))
                         for g in before):
        return  # قال: “…” belongs to the verb rules
    if not any(g.upos in {"NOUN", "PROPN", "X"} for g in before):
        return
    src_start = line_start + (len(line[:colon]) - len(line[:colon].lstrip()))
    source = Span(src_start, line_start + len(line[:colon].rstrip()))
    c_start = colon_at + 1
    while c_start < line_end and text[c_start].isspace():
        c_start += 1
    kind, content = classify(ctx, Span(c_start, trim(text, c_start, line_end)))
    titled = any(normalize(w) in ctx.lex.titles for w in head_words)
    yield Proposal(kind, content, None, source, f"headline.{kind}", 0.75 if titled else 0.55, sent.index)


def bare_quote(sent: Sentence, ctx: DocContext) -> Iterator[Proposal]:
    """A sentence that is only a quote, right after an attribution, continues the same speaker."""
    quote = _opening_quote(sent, ctx, 4)
    if quote is None:
        return
    rest = ctx.text[quote.outer.end:sent.end].strip(" .،,")
    if rest or verb_cues(sent, ctx):
        return
    content = Span(quote.inner.start, trim(ctx.text, quote.inner.start, quote.inner.end))
    yield Proposal("direct", content, None, None, "bare_quote.direct", 0.6, sent.index, follows="previous")


RULES: tuple[Rule, ...] = (
    verb_complement,
    verb_quote,
    verb_colon,
    quote_then_verb,
    verb_preposition,
    verb_noun,
    channel_tag,
    headline_colon,
    bare_quote,
)
# When two proposals claim the same content, the rule earlier here wins.
RULE_PRIORITY = {r.__name__: i for i, r in enumerate(RULES)}
RULE_OF_PREFIX = {
    "verb_comp": "verb_complement", "participle": "verb_complement", "verb_quote": "verb_quote",
    "participle_quote": "verb_quote", "quote_verb": "quote_then_verb", "verb_prep": "verb_preposition",
    "participle_prep": "verb_preposition", "verb_noun": "verb_noun", "participle_noun": "verb_noun",
    "channel": "channel_tag",
    "headline": "headline_colon", "bare_quote": "bare_quote", "verb_colon": "verb_colon",
}
