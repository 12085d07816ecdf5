"""Shared fixtures: a fresh database per test, parsed documents from CoNLL-U, the real model (marked)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from annotator.db import Database, open_database
from annotator.nlp.conllu import parse_conllu
from annotator.nlp.types import ParsedDocument

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
MODELS = SHARED / "models" / "stanza"


def load_conllu(name: str) -> ParsedDocument:
    """A fixture document: the model's parse of a short text, saved as CoNLL-U in tests/data/conllu."""
    return parse_conllu((DATA / "conllu" / f"{name}.conllu").read_text(encoding="utf-8"))


class FixtureParser:
    """A parser for tests: returns prepared parses for known texts (no model load)."""

    name = "fixture"

    def __init__(self, docs: Sequence[ParsedDocument]) -> None:
        self.by_text = {d.text: d for d in docs}

    def parse_many(self, texts: Sequence[str]) -> list[ParsedDocument]:
        out = []
        for t in texts:
            if t not in self.by_text:
                raise ValueError("no fixture parse for this text")
            out.append(self.by_text[t])
        return out


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def stanza_parser():  # type: ignore[no-untyped-def]
    """The real Stanza model from ../shared (loaded once per test session)."""
    from annotator.nlp.models import resolve_models
    from annotator.nlp.stanza_pipeline import StanzaParser

    if not MODELS.exists():
        pytest.fail(f"the shared Stanza model is missing: {MODELS}")
    parser = StanzaParser(resolve_models(MODELS), use_gpu=False)
    parser.name = "stanza shared"  # type: ignore[attr-defined]
    return parser
