"""fence the scheduler's writes with the lease's token

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('scheduler_lease', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_token', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.drop_column('lease_token')
    with op.batch_alter_table('scheduler_lease', schema=None) as batch_op:
        batch_op.drop_column('token')
