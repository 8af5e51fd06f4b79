"""The API key store: keys are shown once, kept as SHA-256 hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pycountry
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    RowMapping,
    String,
    Table,
    insert,
    select,
    update,
)

from services.common.auth import Principal, Role
from services.common.clock import Clock
from services.common.db import NAMING_CONVENTION, writer

MIGRATIONS = Path(__file__).with_name("migrations")
KEY_PREFIX = "cm"
_KEY_SHAPE = re.compile(r"^cm_([0-9a-f]{12})_[A-Za-z0-9_\-]{43}$")
# Compared against when the key id is unknown, so a miss costs what a hit costs.
_DUMMY_HASH = hashlib.sha256(b"no such key").hexdigest()

metadata = MetaData(naming_convention=NAMING_CONVENTION)
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key_id", String(12), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("state", String(3), nullable=True),
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)


class KeyStoreError(ValueError):
    """A key cannot be created or revoked as asked."""


@dataclass(frozen=True)
class KeyRecord:
    """What the store tells about a key; never its secret or hash."""

    key_id: str
    role: Role
    state: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


def hash_key(plaintext: str) -> str:
    """Return the SHA-256 hex digest a key is stored as."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def validate_state(code: str) -> str:
    """Return the upper-case ISO 3166 alpha-3 code, or raise when it is not one."""
    normalized = code.strip().upper()
    if (
        not re.fullmatch(r"[A-Z]{3}", normalized)
        or pycountry.countries.get(alpha_3=normalized) is None
    ):
        raise KeyStoreError(f"{code!r} is not an ISO 3166 alpha-3 country code.")
    return normalized


class KeyStore:
    """API keys in their own database, shared by every service."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or Clock()

    def create(
        self, *, role: Role, state: str | None = None, label: str = ""
    ) -> tuple[KeyRecord, str]:
        """Create a key; return its record and its plaintext (never stored, never shown again)."""
        state = self._state_for(role, state)
        key_id = secrets.token_hex(6)
        plaintext = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        created_at = self.clock.now()
        with writer(self.engine).begin() as connection:
            connection.execute(
                insert(api_keys).values(
                    key_id=key_id,
                    secret_hash=hash_key(plaintext),
                    role=role.value,
                    state=state,
                    label=label,
                    created_at=created_at,
                )
            )
        record = KeyRecord(key_id, role, state, label, created_at, None)
        return record, plaintext

    def list_keys(self) -> list[KeyRecord]:
        """Return every key, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(api_keys).order_by(api_keys.c.id)).mappings()
            return [_record(row) for row in rows]

    def revoke(self, key_id: str) -> KeyRecord:
        """Revoke a key at once; revoking twice keeps the first revocation time."""
        with writer(self.engine).begin() as connection:
            row = (
                connection.execute(select(api_keys).where(api_keys.c.key_id == key_id))
                .mappings()
                .first()
            )
            if row is None:
                raise KeyStoreError(f"There is no key with id {key_id!r}.")
            if row["revoked_at"] is None:
                connection.execute(
                    update(api_keys)
                    .where(api_keys.c.key_id == key_id)
                    .values(revoked_at=self.clock.now())
                )
        return next(record for record in self.list_keys() if record.key_id == key_id)

    def authenticate(self, token: str) -> Principal | None:
        """Return the principal of a valid, unrevoked key, or None."""
        match = _KEY_SHAPE.fullmatch(token)
        key_id = match.group(1) if match else ""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(
                    api_keys.c.secret_hash, api_keys.c.role, api_keys.c.state, api_keys.c.revoked_at
                ).where(api_keys.c.key_id == key_id)
            ).first()
        stored = row.secret_hash if row is not None else _DUMMY_HASH
        if not hmac.compare_digest(stored, hash_key(token)) or row is None:
            return None
        if row.revoked_at is not None:
            return None
        return Principal(key_id=key_id, role=Role(row.role), state=row.state)

    @staticmethod
    def _state_for(role: Role, state: str | None) -> str | None:
        if role is Role.STATE:
            if not state:
                raise KeyStoreError("A state key needs --state with the state's ISO-3 code.")
            return validate_state(state)
        if state:
            raise KeyStoreError(f"A {role.value} key is not bound to a state; drop --state.")
        return None


def _record(row: RowMapping) -> KeyRecord:
    return KeyRecord(
        key_id=row["key_id"],
        role=Role(row["role"]),
        state=row["state"],
        label=row["label"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
