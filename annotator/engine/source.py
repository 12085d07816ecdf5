"""Find the source noun phrase of a cue: after it (VSO, the usual news order) or before it (SVO).

The Stanza parse is right most of the time, not always, so the phrase is found lexically (words that
can be part of a name or title, up to a boundary) and the tree is used where it is reliable: a word
the tree makes the cue's object starts the addressee, not the source (أبلغ لافروف كيم أن …).
"""

from __future__ import annotations

from annotator.engine.proposal import Span
from annotator.lang.ar import COMPLEMENTIZERS, Lexicon
from annotator.lang.ar.normalize import normalize
from annotator.lang.ar.quotes import QUOTE_CHARS
from annotator.nlp.types import Sentence, Word

NP_UPOS = {"NOUN", "PROPN", "ADJ", "X", "NUM"}
MAX_SOURCE_WORDS = 12
OBJECT_RELS = {"obj", "iobj", "obl", "obl:arg"}
_CONJ = {"و", "ف"}


def _is_np_word(w: Word, lex: Lexicon) -> bool:
    key = normalize(w.text)
    if key in lex.np_stoppers or key in COMPLEMENTIZERS:
        return False
    if lex.verb(w.text, w.lemma) is not None and w.upos == "VERB":
        return False
    return w.upos in NP_UPOS or key in lex.titles


def _is_bi_ism(sent: Sentence, i: int) -> bool:
    """ب + اسم (المتحدث باسم الكرملين) joins a title to its organisation."""
    w = sent.words[i]
    if normalize(w.text) == "باسم":
        return True
    return normalize(w.text) in {"ب"} and i + 1 < len(sent.words) and normalize(sent.words[i + 1].text) == "اسم"


def _quoted_name_end(sent: Sentence, i: int) -> int | None:
    """Index after a short quoted name ("تاس", «إنترفاكس») starting at word i, if there is one."""
    if sent.words[i].text not in QUOTE_CHARS:
        return None
    for j in range(i + 1, min(i + 5, len(sent.words))):
        if sent.words[j].text in QUOTE_CHARS:
            return j + 1 if j > i + 1 else None
    return None


def _apposition_end(sent: Sentence, comma: int, lex: Lexicon) -> int | None:
    """After `وزير الخارجية الأمريكي،` a short name then a comma/complementizer continues the source."""
    j = comma + 1
    while j < len(sent.words) and j - comma <= 4 and sent.words[j].upos in {"PROPN", "X", "NOUN"} \
            and _is_np_word(sent.words[j], lex):
        j += 1
    if j == comma + 1 or j >= len(sent.words):
        return None
    nxt = sent.words[j]
    if nxt.text in {"،", ","} or normalize(nxt.text) in COMPLEMENTIZERS or nxt.text in QUOTE_CHARS or nxt.text == ":":
        return j
    return None


def noun_phrase_after(sent: Sentence, first: int, lex: Lexicon, *, allow_quotes: bool = False) -> tuple[int, int] | None:
    """Word index range [first, end) of the noun phrase starting at word index ``first`` (0-based)."""
    words = sent.words
    i = first
    while i < len(words) and i - first < MAX_SOURCE_WORDS:
        w = words[i]
        if allow_quotes:
            quoted = _quoted_name_end(sent, i)
            if quoted is not None:
                i = quoted
                continue
        if _is_bi_ism(sent, i):
            i += 2 if normalize(w.text) == "ب" else 1
            continue
        if w.text in {"،", ","} and i > first:
            end = _apposition_end(sent, i, lex)
            if end is None:
                break
            i = end
            continue
        if not _is_np_word(w, lex):
            break
        i += 1
    return (first, i) if i > first else None


def _cut_at_object(sent: Sentence, cue: Word, start: int, end: int) -> int:
    """End the source where the tree puts the cue's object (أبلغ لافروف كيم أن → لافروف)."""
    for i in range(start + 1, end):
        w = sent.words[i]
        if w.head == cue.index and w.deprel in OBJECT_RELS:
            has_subject_before = any(
                sent.words[k].head == cue.index and sent.words[k].deprel.startswith("nsubj") for k in range(start, i)
            )
            if has_subject_before:
                return i
    return end


def source_after(sent: Sentence, cue_pos: int, lex: Lexicon, *, allow_quotes: bool = False) -> Span | None:
    first = cue_pos + 1
    if first >= len(sent.words):
        return None
    np = noun_phrase_after(sent, first, lex, allow_quotes=allow_quotes)
    if np is None:
        return None
    start, end = np
    end = _cut_at_object(sent, sent.words[cue_pos], start, end)
    return _span(sent, start, end)


def source_before(sent: Sentence, cue_pos: int, lex: Lexicon) -> Span | None:
    """SVO: the whole stretch from the sentence start (after و) to the cue must be a noun phrase."""
    start = 0
    while start < cue_pos and normalize(sent.words[start].text) in _CONJ:
        start += 1
    if start >= cue_pos or cue_pos - start > MAX_SOURCE_WORDS:
        return None
    np = noun_phrase_after(sent, start, lex)
    if np is None or np[1] != cue_pos:
        return None
    return _span(sent, start, cue_pos)


def _span(sent: Sentence, start: int, end: int) -> Span | None:
    words = sent.words[start:end]
    while words and (words[-1].text in {"،", ",", ":"} or words[-1].upos == "PUNCT" and words[-1].text not in QUOTE_CHARS):
        words = words[:-1]
    if not words:
        return None
    return Span(words[0].start, words[-1].end)


def find_source(sent: Sentence, cue_pos: int, lex: Lexicon) -> Span | None:
    return source_after(sent, cue_pos, lex) or source_before(sent, cue_pos, lex)
