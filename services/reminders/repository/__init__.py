"""Queries and audited writes of the reminders service, one module per what they hold.

`events`, `rules`, `recipients`, the `outbox` (reminders), `deliveries` (digests and their
attempts) and `syncs` read their tables; `audited` writes versioned rows with their audit
record; `locks` serializes the writers that must not interleave. Every function takes the
session and keyword-only arguments, and none commits: the caller's transaction does.
"""
