"""Shared infrastructure of the Cartagena Monitor services: nothing domain-specific lives here."""
