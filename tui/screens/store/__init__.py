"""The Store screen's tabs; each is a widget that loads its own data."""
