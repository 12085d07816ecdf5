"""A compiled Chu-Liu-Edmonds for Stanza's dependency parser, when `ufal.chu_liu_edmonds` is installed.

Stanza decodes each sentence's tree with `chuliu_edmonds_one_root` in numpy and pure Python
(`stanza.models.common.chuliu_edmonds`): about a quarter of a parsing process's CPU on the CPU
(docs/scale.md, "Where Stanza's time goes"). `chuliu_edmonds_one_root` below does the same thing on
the same scores (Stanza's root reweighting, then an exact maximum spanning arborescence) with the
Cython implementation of the optional extra `fast` (``pip install 'annotator[fast]'``), and gives the
same trees (measured in docs/scale.md). Without the package nothing changes; ``ANNOTATOR_FAST_TREE=0``
keeps Stanza's own decoder.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from annotator.nlp.switches import switched_off

FAST_TREE_ENV = "ANNOTATOR_FAST_TREE"
# the modules of stanza that bound `chuliu_edmonds_one_root` at import time
_STANZA_USERS = ("stanza.models.depparse.model", "stanza.models.depparse.head_constraints")

_installed = False


def available() -> bool:
    try:
        import ufal.chu_liu_edmonds  # noqa: F401
    except Exception:
        return False
    return True


def chuliu_edmonds_one_root(scores: Any) -> Any:
    """Stanza's `chuliu_edmonds_one_root` (scores[d, h]: the score of h heading d; row and column 0 the
    root), compiled: the heads as an int64 array, tree[0] == 0, exactly one word on the root."""
    from stanza.models.common import chuliu_edmonds as slow
    from ufal.chu_liu_edmonds import chu_liu_edmonds

    s = np.array(scores, dtype=np.float64)  # a copy: Stanza's caller keeps its scores
    n = s.shape[0]
    finite = s[np.isfinite(s)]
    if n < 2 or finite.size == 0:
        return slow.chuliu_edmonds_one_root(scores)
    s[:, 0] += finite.min() * n  # Stanza's reweighting: a single root arc always wins over two
    np.fill_diagonal(s, np.nan)  # NaN: no such arc (no self-loops, nothing heads the root)
    s[0] = np.nan
    s[~np.isfinite(s)] = np.nan
    heads, _ = chu_liu_edmonds(s)
    tree = np.asarray(heads, dtype=np.int64)
    tree[0] = 0
    if tree.shape != (n,) or int((tree[1:] == 0).sum()) != 1 or (tree[1:] < 0).any():
        return slow.chuliu_edmonds_one_root(scores)  # never expected; Stanza's decoder decides
    return tree


def install() -> bool:
    """Make Stanza's parser decode with the compiled version; False (and nothing changed) when the
    package is missing or ``ANNOTATOR_FAST_TREE=0``. Idempotent."""
    global _installed
    if _installed:
        return True
    if switched_off(FAST_TREE_ENV) or not available():
        return False
    import importlib

    try:
        for name in _STANZA_USERS:
            module: Any = importlib.import_module(name)
            if hasattr(module, "chuliu_edmonds_one_root"):
                module.chuliu_edmonds_one_root = chuliu_edmonds_one_root
    except Exception as exc:  # a Stanza that moved things: keep its own decoder
        logging.getLogger(__name__).warning("compiled tree decoding not installed: %s", exc)
        return False
    _installed = True
    return True


def uninstall() -> None:
    """Back to Stanza's own decoder (for measuring and tests)."""
    global _installed
    import importlib

    from stanza.models.common import chuliu_edmonds as slow

    for name in _STANZA_USERS:
        module: Any = importlib.import_module(name)
        if hasattr(module, "chuliu_edmonds_one_root"):
            module.chuliu_edmonds_one_root = slow.chuliu_edmonds_one_root
    _installed = False
