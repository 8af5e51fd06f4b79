"""make the audit log append-only in the database itself

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:20:00
"""

from collections.abc import Sequence

from alembic import op

from services.common.audit import append_only_statements, drop_append_only_statements

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in append_only_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_append_only_statements(op.get_bind().dialect.name):
        op.execute(statement)
