"""tell a state that one of its contact points unsubscribed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('about_id', sa.Integer(), nullable=False),
    sa.Column('about_name', sa.String(length=200), nullable=False),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('delivery_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['about_id'], ['recipients.id'], name=op.f('fk_notices_about_id_recipients')),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_notices_delivery_id_deliveries')),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_notices_recipient_id_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('kind', 'about_id', 'happened_at', 'recipient_id', 'channel', name=op.f('uq_notices_kind_about_id_happened_at_recipient_id_channel'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_about_id'), ['about_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_notices_status_due_at', ['status', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_status_due_at')
        batch_op.drop_index(batch_op.f('ix_notices_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_notices_delivery_id'))
        batch_op.drop_index(batch_op.f('ix_notices_about_id'))
    op.drop_table('notices')
