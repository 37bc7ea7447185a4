"""Order statuses that more than one domain reads (customers' spend, analytics, licenses)."""

from __future__ import annotations

PAID_STATUSES = frozenset({"processing", "completed"})
REVERSED_STATUSES = frozenset({"cancelled", "refunded", "failed"})
