"""The one exception type of the pricing engine."""

from __future__ import annotations


class PricingError(ValueError):
    """Bad input to the pricing engine: a machine code, a human message, the field at fault."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"PricingError({self.code!r}, {self.message!r}, field={self.field!r})"
