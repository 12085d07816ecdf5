"""`annotator report`: coverage, quality and agreement numbers on a small hand-checked database."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.db import Database
from annotator.report import html
from annotator.report.compute import cohen_kappa, compute_report, matched_spans, parse_date
from tests.export.builders import build


@pytest.fixture
def report(db: Database) -> dict:
    build(db)
    with db.sessions() as session:
        return compute_report(session)


def by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


def test_coverage_per_document_and_totals(report: dict) -> None:
    cov = report["coverage"]
    docs = by(cov["documents"], "name")
    assert {k: docs["a.txt"][k] for k in ("found", "quotes", "reported", "named", "unresolved", "reviewed",
                                          "rejected")} == {"found": 3, "quotes": 2, "reported": 1, "named": 2,
                                                           "unresolved": 1, "reviewed": 2, "rejected": 0}
    assert {k: docs["b.txt"][k] for k in ("found", "quotes", "reported", "named", "unresolved", "reviewed",
                                          "rejected")} == {"found": 1, "quotes": 0, "reported": 1, "named": 0,
                                                           "unresolved": 1, "reviewed": 2, "rejected": 1}
    assert docs["c.txt"]["found"] == 0
    assert cov["totals"] == {"documents": 3, "documents_with_attributions": 2, "found": 4, "quotes": 2,
                             "reported": 2, "named": 2, "unresolved": 2, "reviewed": 4, "rejected": 1}


def test_coverage_by_speaker_cue_type_outlet_and_time(report: dict) -> None:
    cov = report["coverage"]
    speakers = by(cov["by_speaker"], "speaker")
    assert {name: r["found"] for name, r in speakers.items()} == {
        "كيم جونغ أون": 1, "وزارة الخارجية": 1, "مسؤول": 1, "(no speaker)": 1}  # the rejected one is not found
    assert speakers["مسؤول"]["kind"] == "unnamed" and speakers["مسؤول"]["unresolved"] == 1
    assert {c: r["found"] for c, r in by(cov["by_cue"], "cue").items()} == {"قال": 1, "أكد": 1, "أضاف": 1, "حسب": 1}
    types = by(cov["by_type"], "type")
    assert (types["direct"]["found"], types["indirect"]["found"], types["indirect"]["rejected"]) == (2, 2, 1)
    outlets = by(cov["by_outlet"], "outlet")
    assert (outlets["BBC Arabic"]["documents"], outlets["BBC Arabic"]["found"]) == (1, 3)
    assert (outlets["Sky News Arabia"]["found"], outlets["(unknown outlet)"]["documents"]) == (1, 1)
    now = datetime.now(UTC)
    periods = {r["period"]: r["found"] for r in cov["over_time"]}
    assert periods == {"2018-02": 3, "2018-03": 1, f"{now.year:04d}-{now.month:02d}": 0}
    assert cov["dated_by"] == {"published": 2, "ingested": 1}


def test_quality_by_rule_family_and_type(report: dict) -> None:
    q = report["quality"]
    rules = by(q["by_rule"], "rule")
    assert rules["verb_comp.direct"]["precision"] == 1.0
    assert rules["verb_comp.indirect"]["correction_rate"] == 1.0 and rules["verb_comp.indirect"]["span_errors"] == 1
    assert rules["verb_comp.indirect"]["speaker_errors"] == 0
    assert rules["nominal.indirect"]["precision"] == 0.0
    assert rules["colon_quote.direct"]["precision"] is None and rules["colon_quote.direct"]["pending"] == 1
    assert "human" not in rules  # a reviewer's own attribution is no engine proposal
    family = by(q["by_rule_family"], "family")["verb_comp"]
    assert (family["reviewed"], family["precision"], family["acceptance_rate"], family["correction_rate"]) == (
        2, 1.0, 0.5, 0.5)
    types = by(q["by_type"], "type")
    assert (types["direct"]["precision"], types["indirect"]["precision"]) == (1.0, 0.5)
    assert q["overall"]["precision"] == pytest.approx(0.6667)
    assert q["added_by_reviewers"] == {"indirect": 1}


def test_agreement_kappa_and_span_f1(report: dict) -> None:
    agr = report["agreement"]
    assert [a["annotator"] for a in agr["annotators"]] == ["alice", "bob"]  # carol only merged a speaker
    (pair,) = agr["pairs"]
    # alice/bob: accept/accept, accept/reject, reject/reject -> po 2/3, pe 4/9, kappa 0.4
    assert pair["shared"] == 3 and pair["kappa"] == pytest.approx(0.4)
    assert pair["table"] == {"accept/accept": 1, "accept/reject": 1, "reject/accept": 0, "reject/reject": 1}
    # alice kept two content spans in a.txt, bob one (the same): F1 = 2*1 / (2+1)
    assert pair["span_f1"] == pytest.approx(0.6667)


def test_cohen_kappa_known_values() -> None:
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    kappa, observed = cohen_kappa(pairs)
    assert observed == pytest.approx(0.7) and kappa == pytest.approx(0.4)
    assert cohen_kappa([("yes", "yes")] * 3) == (None, 1.0)  # one label only: kappa undefined
    assert cohen_kappa([]) == (None, None)


def test_span_matching_uses_half_of_the_shorter() -> None:
    assert matched_spans([(0, 10)], [(5, 30)]) == 1  # 5 of the shorter 10
    assert matched_spans([(0, 10)], [(6, 30)]) == 0
    assert matched_spans([(0, 10), (0, 9)], [(0, 10)]) == 1  # one to one


@pytest.mark.parametrize(("value", "month"), [
    ("2017-01-20T21:43:00+01:00", (2017, 1)), ("Sun, 18 Feb 2018 21:35:43 +0400", (2018, 2)),
    ("2015-07-21 02:51:32", (2015, 7)), ("2018/03/05", (2018, 3)), ("05-03-2018", (2018, 3)),
    ("نشر في 2016/12/10", (2016, 12)),
])
def test_parse_date(value: str, month: tuple[int, int]) -> None:
    d = parse_date(value)
    assert d is not None and (d.year, d.month) == month


def test_parse_date_rejects_nonsense() -> None:
    assert parse_date("yesterday") is None and parse_date("") is None and parse_date(None) is None


def test_cli_formats(db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(db)
    url = f"sqlite:///{tmp_path / 'test.db'}"
    assert main(["--db", url, "report", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["coverage"]["totals"]["found"] == 4
    out = tmp_path / "report.txt"
    assert main(["--db", url, "report", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for title in ("Coverage", "By outlet", "Speakers", "Cues", "Quality by rule", "Agreement between reviewers"):
        assert title in text
    assert "verb_comp.indirect" in text and "alice / bob" in text
    page = tmp_path / "report.html"
    assert main(["--db", url, "report", "--format", "html", "--out", str(page)]) == 0
    assert not (tmp_path / "report.html.part").exists()


def test_html_is_self_contained(report: dict) -> None:
    page = html.render(report)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(", page, re.IGNORECASE)
    # the only URL is the SVG namespace, which is an identifier, not a fetch
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}
    for chart in ("speakers", "cues", "time", "precision"):
        assert f'data-chart="{chart}"' in page
    assert "كيم جونغ أون" in page


def test_html_escapes_names() -> None:
    report = {"generated_at": "now", "database": "<db>",
              "coverage": {"totals": {"documents": 1, "documents_with_attributions": 1, "found": 1, "quotes": 1,
                                      "reported": 0, "named": 1, "unresolved": 0, "reviewed": 0, "rejected": 0},
                           "documents": [], "by_type": [], "by_outlet": [], "over_time": [], "dated_by": {},
                           "by_speaker": [{"speaker": "<b>x</b>", "kind": "person", "found": 1, "quotes": 1,
                                           "reported": 0, "reviewed": 0}], "by_cue": []},
              "quality": {"overall": {"precision": None}, "by_rule": [], "by_rule_family": [], "by_type": [],
                          "added_by_reviewers": {}},
              "agreement": {"annotators": [], "pairs": []}}
    page = html.render(report)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page and "&lt;db&gt;" in page


def test_empty_database(db: Database) -> None:
    with db.sessions() as session:
        report = compute_report(session)
    assert report["coverage"]["totals"]["found"] == 0 and report["quality"]["overall"]["precision"] is None
    assert report["agreement"] == {"annotators": [], "pairs": []}
    page = html.render(report)
    assert 'data-chart="speakers"' in page and 'id="agreement-note"' in page
