"""covering indexes for the report's counts with a million attributions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 01:50:00

The single-column indexes on speaker_id and cue_lemma (and document_id, content_start) made SQLite
walk the index and read every table row for a count by speaker, cue or outlet and status; with the
status in the index the count reads the index only. (status, type) does the same for the status and
type counts. Measured in docs/scale.md.
"""

from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

WIDER = {
    "ix_attributions_document": (["document_id", "content_start"], ["document_id", "content_start", "status"]),
    "ix_attributions_speaker_id": (["speaker_id"], ["speaker_id", "status"]),
    "ix_attributions_cue_lemma": (["cue_lemma"], ["cue_lemma", "status"]),
}


def upgrade() -> None:
    with op.batch_alter_table('attributions', schema=None) as batch_op:
        for name, (_old, new) in WIDER.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, new, unique=False)
        batch_op.create_index('ix_attributions_report', ['status', 'type'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attributions', schema=None) as batch_op:
        batch_op.drop_index('ix_attributions_report')
        for name, (old, _new) in WIDER.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, old, unique=False)
