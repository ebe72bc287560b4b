"""Inventory pages (import, credentials)."""
