"""API keys shared by all services: a store, and the `python -m services.common.keys` CLI."""

from services.common.keys.store import KeyRecord, KeyStore, KeyStoreError, api_keys, metadata

__all__ = ["KeyRecord", "KeyStore", "KeyStoreError", "api_keys", "metadata"]
