"""Savepoints: a part of a transaction that can fail alone."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from store.db import Tx

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@asynccontextmanager
async def savepoint(tx: Tx, name: str) -> AsyncIterator[None]:
    """Undo only this block's writes when it raises; the transaction goes on."""
    if not _NAME.match(name):
        raise ValueError(f"bad savepoint name {name!r}")
    await tx.execute(f"SAVEPOINT {name}")
    try:
        yield
    except Exception:
        await tx.execute(f"ROLLBACK TO {name}")
        await tx.execute(f"RELEASE {name}")
        raise
    await tx.execute(f"RELEASE {name}")
