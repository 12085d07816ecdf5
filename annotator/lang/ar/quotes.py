"""Quotation marks used in Arabic news.

Each pair is (opening, closing). The ASCII double quote opens and closes. Some outlets write the
English pair reversed (”…“) because it looks right in right-to-left text, so both orders are listed.
"""

from __future__ import annotations

QUOTE_PAIRS: tuple[tuple[str, str], ...] = (
    ("«", "»"),
    ("“", "”"),
    ("”", "“"),
    ("„", "“"),
    ('"', '"'),
    ("‹", "›"),
)

OPENERS = {o for o, _ in QUOTE_PAIRS}
CLOSERS = {c for _, c in QUOTE_PAIRS}
QUOTE_CHARS = OPENERS | CLOSERS
