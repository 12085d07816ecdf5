"""Arabic spelling normalisation for matching (never for stored text or offsets)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, tatweel
_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ئ": "ي", "ؤ": "و",
    "ة": "ه",
    "گ": "ك", "ک": "ك", "ی": "ي", "ڤ": "ف", "پ": "ب", "چ": "ج",
    "‐": "-", "‑": "-", "–": "-", "—": "-", "ـ": "",
})
_SPACE = re.compile(r"[\s\-]+")
# Letters some outlets use interchangeably in transliterated names (جونغ / جونج, غ for g).
_NAME_FOLD = str.maketrans({"غ": "ج", "ق": "ك", "ث": "ت", "ذ": "د", "ظ": "ض"})
# Quotation marks inside a name (شركة "غوغل", باحثو مؤسسة "إف-سيكيور") do not make another name.
_NAME_QUOTES = re.compile(r"\s*[\"“”«»„‹›#]+\s*")  # and the mark of a hashtag


def strip_diacritics(text: str) -> str:
    return _DIACRITICS.sub("", text)


@lru_cache(maxsize=200_000)
def normalize(text: str) -> str:
    """Fold hamza/alef/ya/ta-marbuta variants, strip diacritics and tatweel, squeeze spaces and hyphens."""
    text = unicodedata.normalize("NFC", text)
    text = strip_diacritics(text).translate(_FOLD)
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """A looser key for proper names: also folds letters that transliterations confuse."""
    return _SPACE.sub(" ", without_name_marks(normalize(text)).translate(_NAME_FOLD)).strip()


def without_name_marks(text: str) -> str:
    """A name as shown: quotation marks and the # of a hashtag dropped, spaces squeezed
    (باحثو مؤسسة "إف-سيكيور" -> باحثو مؤسسة إف-سيكيور)."""
    return " ".join(_NAME_QUOTES.sub(" ", text).split())


_PREFIX_CLITICS = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك")


def strip_clitics(word: str) -> str:
    """Drop a leading conjunction/preposition and the article: وللافروف -> لافروف (heuristic)."""
    w = normalize(word)
    for p in _PREFIX_CLITICS:
        if w.startswith(p) and len(w) - len(p) >= 3:
            w = w[len(p):]
            break
    if w.startswith("ال") and len(w) > 4:
        w = w[2:]
    elif w.startswith("ل") and len(w) > 4 and w[1] == "ل":  # للافروف after ل was removed once
        w = w[1:]
    return w
