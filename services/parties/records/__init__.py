"""The records as the service reads them: now (in memory) or replayed to the end of a past day."""
