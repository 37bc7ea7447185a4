"""WooCommerce REST v3's errors, raised by the service layer (the console sees them too)."""

from __future__ import annotations

from service.common.errors import ServiceError


def invalid_id(
    code: str = "woocommerce_rest_invalid_id", message: str = "Invalid ID."
) -> ServiceError:
    """404 for an id that names nothing: products ``woocommerce_rest_product_invalid_id``,
    orders ``woocommerce_rest_shop_order_invalid_id``, customers ``woocommerce_rest_invalid_id``."""
    return ServiceError(code, message, 404)


def already_trashed(resource: str) -> ServiceError:
    return ServiceError(
        "woocommerce_rest_already_trashed", f"The {resource} has already been deleted.", 410
    )


def trash_not_supported(message: str) -> ServiceError:
    """Deleting without ``force=true`` something that has no trash (customers, terms)."""
    return ServiceError("woocommerce_rest_trash_not_supported", message, 501)


def cannot_delete(message: str = "The resource cannot be deleted.") -> ServiceError:
    """Something else still refers to it (a foreign key of another capability)."""
    return ServiceError("woocommerce_rest_cannot_delete", message, 409)


def term_invalid(message: str = "Resource does not exist.", status: int = 404) -> ServiceError:
    return ServiceError("woocommerce_rest_term_invalid", message, status)


def term_exists(term_id: int) -> ServiceError:
    return ServiceError(
        "term_exists",
        "A term with the name provided already exists with this parent.",
        400,
        data={"resource_id": term_id, "term_id": term_id},
    )
