"""Storage: SQLAlchemy 2.0 models and Alembic migrations (installed as ``annotator.db``)."""

from annotator.db.models import (
    Attribution,
    Base,
    Decision,
    Document,
    SentenceRow,
    Speaker,
    SpeakerAlias,
)
from annotator.db.session import Database, open_database

__all__ = [
    "Attribution",
    "Base",
    "Database",
    "Decision",
    "Document",
    "SentenceRow",
    "Speaker",
    "SpeakerAlias",
    "open_database",
]
