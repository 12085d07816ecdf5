"""The `annotator review` command line: arguments, the default name, errors before any screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import build_parser, main
from annotator.commands.review import annotator_name
from annotator.errors import ExitCode, InputError


def test_review_options_parse() -> None:
    args = build_parser().parse_args([
        "review", "--annotator", "mona", "--bidi", "app", "--status", "proposed", "corrected", "--type", "direct",
        "--min-confidence", "0.2", "--max-confidence", "0.8", "--order", "document", "--doc", "a.txt",
        "--speaker", "Sergey Lavrov"])
    assert args.annotator == "mona" and args.bidi == "app" and args.status == ["proposed", "corrected"]
    assert args.type == ["direct"] and args.min_confidence == 0.2 and args.order == "document"


def test_review_rejects_unknown_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["review", "--bidi", "sometimes"])
    assert exc.value.code == ExitCode.USAGE


def test_missing_database_is_a_database_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "none.db"), "review"]) == ExitCode.DATABASE
    assert "database not found" in capsys.readouterr().err


def test_annotator_name_defaults_to_the_os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "reviewer7")
    assert annotator_name(None) == "reviewer7"
    assert annotator_name(" mona ") == "mona"
    with pytest.raises(InputError):
        annotator_name("  ")


def test_review_start_up_imports_no_nlp_library() -> None:
    """`annotator review` must open fast: the CLI and the review app never load Stanza, torch or spaCy."""
    import subprocess
    import sys

    code = ("import sys; from annotator.cli import build_parser; build_parser(); "
            "import annotator.tui.app, annotator.services.review; "
            "print(sorted(m for m in ('torch', 'stanza', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
