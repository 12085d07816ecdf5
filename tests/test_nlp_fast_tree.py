"""Compiled Chu-Liu-Edmonds (annotator/nlp/fast_tree.py): the same trees as Stanza's decoder, optional."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from annotator.nlp import fast_tree

slow_module = pytest.importorskip("stanza.models.common.chuliu_edmonds")
dep_model = pytest.importorskip("stanza.models.depparse.model")


@pytest.fixture
def restore() -> Iterator[None]:
    was = fast_tree._installed
    yield
    fast_tree.uninstall()
    if was:
        fast_tree.install()


def _scores(rng: np.random.Generator, n: int) -> np.ndarray:
    # log-probabilities of each word's head, as Stanza's parser gives them (some -inf)
    return np.log(rng.dirichlet(np.ones(n) * 0.3, size=n)).astype(np.float32)


def test_same_trees_as_stanza() -> None:
    pytest.importorskip("ufal.chu_liu_edmonds")
    rng = np.random.default_rng(7)
    for _ in range(400):
        scores = _scores(rng, int(rng.integers(2, 60)))
        before = scores.copy()
        fast = fast_tree.chuliu_edmonds_one_root(scores)
        np.testing.assert_array_equal(scores, before)  # the caller's scores are left alone
        slow = slow_module.chuliu_edmonds_one_root(scores)
        assert fast.dtype == np.int64 and fast[0] == 0 and (fast[1:] == 0).sum() == 1
        np.testing.assert_array_equal(fast, slow)


def test_a_sentence_of_one_word() -> None:
    pytest.importorskip("ufal.chu_liu_edmonds")
    scores = np.array([[0.0, -1.0], [-0.5, -2.0]], dtype=np.float32)
    np.testing.assert_array_equal(fast_tree.chuliu_edmonds_one_root(scores), [0, 0])


@pytest.mark.usefixtures("restore")
def test_install_replaces_stanzas_decoder_and_uninstall_puts_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ufal.chu_liu_edmonds")
    monkeypatch.delenv(fast_tree.FAST_TREE_ENV, raising=False)
    fast_tree.uninstall()
    assert dep_model.chuliu_edmonds_one_root is slow_module.chuliu_edmonds_one_root
    assert fast_tree.install() and fast_tree.install()
    assert dep_model.chuliu_edmonds_one_root is fast_tree.chuliu_edmonds_one_root
    fast_tree.uninstall()
    assert dep_model.chuliu_edmonds_one_root is slow_module.chuliu_edmonds_one_root


@pytest.mark.usefixtures("restore")
def test_nothing_changes_without_the_package_or_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_tree.uninstall()
    monkeypatch.setattr(fast_tree, "available", lambda: False)
    assert fast_tree.install() is False
    assert dep_model.chuliu_edmonds_one_root is slow_module.chuliu_edmonds_one_root
    monkeypatch.undo()
    monkeypatch.setenv(fast_tree.FAST_TREE_ENV, "0")
    assert fast_tree.install() is False
    assert dep_model.chuliu_edmonds_one_root is slow_module.chuliu_edmonds_one_root
