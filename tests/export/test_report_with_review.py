"""The report reads decisions exactly as the review service writes them (two reviewers, one database)."""

from __future__ import annotations

import pytest

from annotator.db import Database
from annotator.report.compute import compute_report
from tests.export.builders import build

review = pytest.importorskip("annotator.services.review")


def test_agreement_and_quality_from_review_decisions(db: Database) -> None:
    built = build(db, decisions=False)
    first, second, third, _, _ = built.attribution_ids
    alice = review.ReviewService(db, "alice")
    bob = review.ReviewService(db, "bob")
    alice.accept(third, None)
    bob.reject(third, None)
    bob.accept(third, None)  # bob changed his mind: his last decision counts
    alice.accept(first, None)
    bob.reject(first, None)
    alice.set_type(second, None, "mixed")  # a correction: the engine said indirect
    bob.accept(second, None)
    with db.sessions() as session:
        report = compute_report(session)
    (pair,) = report["agreement"]["pairs"]
    assert pair["annotators"] == ["alice", "bob"] and pair["shared"] == 3
    assert pair["table"] == {"accept/accept": 2, "accept/reject": 1, "reject/accept": 0, "reject/reject": 0}
    assert pair["kappa"] == 0.0  # alice accepted everything: no agreement beyond chance
    # the second attribution now has a type correction, counted under the type the engine proposed
    by_type = {r["type"]: r for r in report["quality"]["by_type"]}
    assert by_type["indirect"]["type_errors"] == 1
