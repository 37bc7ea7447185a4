"""One error type for every rule the service layer enforces.

Each HTTP surface renders it in its own shape: WordPress as
``{code, message, data: {status, ...}}``, the platform API as
``{detail, code, errors?}``. The TUI shows ``message``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ServiceError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        fields: dict[str, list[str]] | None = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields or {}
        self.data = data or {}
        self.headers = headers or {}


def not_found(code: str = "not_found", message: str = "Not found.") -> ServiceError:
    return ServiceError(code, message, 404)


def invalid(fields: Mapping[str, list[str] | str], message: str = "Invalid input.") -> ServiceError:
    normalised = {k: v if isinstance(v, list) else [v] for k, v in fields.items()}
    return ServiceError("invalid", message, 400, fields=normalised)
