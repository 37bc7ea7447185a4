"""One page of results, as the service layer returns lists to the API and the console."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from service.common.errors import ServiceError
from service.common.validation import db_int

T = TypeVar("T")
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    count: int = 0
    page: int = 1
    page_size: int = 10


def check_page(page: int, page_size: int) -> tuple[int, int]:
    """Limit and offset for a page, or a 400 naming the field."""
    errors: dict[str, list[str]] = {}
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        errors["page"] = ["Ensure this value is at least 1."]
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 1 <= page_size <= MAX_PAGE_SIZE
    ):
        errors["page_size"] = [f"Ensure this value is between 1 and {MAX_PAGE_SIZE}."]
    if errors:
        raise ServiceError("invalid", "Invalid pagination parameters.", 400, fields=errors)
    return page_size, (page - 1) * page_size


def wc_page_problems(page: int, per_page: int) -> dict[str, str]:
    """WooCommerce's collection rule: ``page`` >= 1 and ``per_page`` 1-100."""
    problems = {}
    if page < 1:
        problems["page"] = "page must be greater than or equal to 1"
    if not 1 <= per_page <= MAX_PAGE_SIZE:
        problems["per_page"] = (
            f"per_page must be between 1 (inclusive) and {MAX_PAGE_SIZE} (inclusive)"
        )
    return problems


def wc_window(page: int, per_page: int, offset: int | None = None) -> tuple[int, int]:
    """``limit, offset`` of a WooCommerce page; an explicit ``offset`` wins over ``page``."""
    return per_page, db_int(offset if offset is not None else (page - 1) * per_page)
