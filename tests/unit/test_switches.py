"""Environment switches (ANNOTATOR_FAST_TREE, ANNOTATOR_FAST_STANZA, ANNOTATOR_GPU) read one way."""

from __future__ import annotations

import pytest

from annotator.nlp.switches import switched_off


@pytest.mark.parametrize(("value", "off"), [("0", True), (" Off ", True), ("no", True), ("false", True),
                                            ("1", False), ("", False), ("auto", False)])
def test_switched_off(monkeypatch: pytest.MonkeyPatch, value: str, off: bool) -> None:
    monkeypatch.setenv("ANNOTATOR_SOMETHING", value)
    assert switched_off("ANNOTATOR_SOMETHING") is off


def test_unset_is_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANNOTATOR_SOMETHING", raising=False)
    assert not switched_off("ANNOTATOR_SOMETHING")
