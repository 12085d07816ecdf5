"""Parse a short text with the real Stanza model and save it as a CoNLL-U test fixture.

    .venv/bin/python tools/make_conllu_fixture.py NAME "النص …"

writes tests/data/conllu/NAME.conllu (with a `# doc_text` line, so offsets survive), to be read by
`tests.conftest.load_conllu(NAME)`. Fixture texts are written for the tests, not copied from ../shared.
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.nlp.conllu import to_conllu
from annotator.nlp.models import resolve_models
from annotator.nlp.stanza_pipeline import StanzaParser

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "data" / "conllu"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    name, text = argv
    if "\n" in text:
        print("make_conllu_fixture: the text must be one line (the `# doc_text` comment holds it)", file=sys.stderr)
        return 2
    doc = StanzaParser(resolve_models(None), use_gpu=False).parse(text)
    (FIXTURES / f"{name}.conllu").write_text(f"# doc_text = {text}\n" + to_conllu(doc), encoding="utf-8")
    print(to_conllu(doc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
