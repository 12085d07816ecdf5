"""Bad input through the CLI: one line on stderr, a documented exit code, no traceback, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, check=False)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert "Traceback" not in result.stderr
    assert lines and lines[-1].startswith("annotator: error: "), result.stderr
    return lines[-1]


def test_missing_path_exits_3_and_creates_no_database(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    result = run_cli("--db", str(db), "ingest", str(tmp_path / "missing.txt"))
    assert result.returncode == 3
    assert "no such file" in one_line_error(result)
    assert not db.exists()


def test_not_a_database_exits_4(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not sqlite", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("قال الوزير إن", encoding="utf-8")
    result = run_cli("--db", str(bad), "ingest", str(article))
    assert result.returncode == 4
    assert "not a SQLite database" in one_line_error(result)
    assert bad.read_text(encoding="utf-8") == "not sqlite"


def test_status_on_missing_database_exits_4(tmp_path: Path) -> None:
    result = run_cli("--db", str(tmp_path / "none.db"), "status")
    assert result.returncode == 4
    one_line_error(result)


def test_missing_models_directory_exits_5(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("قال الوزير إن الوضع مستقر", encoding="utf-8")
    result = run_cli("--db", str(tmp_path / "m.db"), "run", str(article), "--models", str(tmp_path / "nomodels"))
    assert result.returncode == 5
    assert "models directory not found" in one_line_error(result)
    assert not (tmp_path / "m.db").exists()  # nothing ingested that could not be parsed


def test_skipped_items_exit_3_but_good_ones_are_stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.txt").write_text("قال الوزير إن الوضع مستقر", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    code = main(["--db", str(tmp_path / "s.db"), "ingest", str(tmp_path), "--json"])
    assert code == 3
    out = capsys.readouterr()
    assert '"added": 1' in out.out
    assert "empty.txt: empty" in out.err and "latin1.txt: not UTF-8" in out.err


def test_every_command_has_help_with_examples() -> None:
    from annotator.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():  # type: ignore[attr-defined]
        assert "examples:" in command.format_help(), name
