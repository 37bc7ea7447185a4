"""The store's own failure to open or use a database."""


class StoreError(Exception):
    """The database cannot be used (unwritable, locked, newer than this code)."""
