"""refuse an insert that would replace an audit row (SQLite's INSERT OR REPLACE)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

from alembic import op

from services.common.audit import drop_no_replace_statements, no_replace_statements

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in no_replace_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_no_replace_statements(op.get_bind().dialect.name):
        op.execute(statement)
