"""Queries of the reminders service, one module per what they hold.

`events`, `rules`, `recipients`, the `outbox` (reminders), `deliveries` (digests and their
attempts) and `syncs` read their tables (versioned rows are written with their audit record by
`services.common.audit`); `locks` serializes the writers that must not interleave. Every
function takes the session and keyword-only arguments, and none commits: the caller's
transaction does.
"""
