"""License actions the list and the detail share. Each runs in a worker of its
caller (they wait for modals) and returns whether something changed."""

from __future__ import annotations

from typing import Any

from textual.app import App

from service.common.errors import ServiceError
from service.licensing import admin as licenses
from tui.format import moment
from tui.host import actor_of, context_of
from tui.modals.confirm import ConfirmModal
from tui.modals.license_activate import (
    ACTIVATION_STEPS,
    ACTIVATION_WARNING,
    ACTIVATION_WARNING_FA,
    ActivateDomainModal,
)
from tui.modals.license_form import ExtendLicenseModal
from tui.modals.reveal import RevealSecretModal
from tui.text import markup


async def reveal_activation_token(app: App, title: str, token: str) -> None:
    await app.push_screen_wait(
        RevealSecretModal(
            title,
            token,
            steps=ACTIVATION_STEPS,
            warning=ACTIVATION_WARNING,
            warning_fa=ACTIVATION_WARNING_FA,
        )
    )


async def activate_on_domain(app: App, lic: dict[str, Any]) -> bool:
    result = await app.push_screen_wait(ActivateDomainModal(lic))
    if result is None:
        return False
    domain = result.activation["domain"]
    if result.token is None:
        app.notify(
            f"Already active on {domain}; its token was shown when it was activated. "
            "Deactivate and activate again for a new one.",
            severity="warning",
        )
        return False
    await reveal_activation_token(app, f"Activated on {domain}", result.token)
    return True


async def toggle_enabled(app: App, lic: dict[str, Any]) -> bool:
    blocked = lic["status"] in ("disabled", "revoked")
    if blocked:
        question = markup(
            "Re-enable license [b]$key[/b]?\nIts sites work again at once.",
            key=lic["license_key"],
        )
        yes, danger = "Re-enable", False
    else:
        question = markup(
            "Disable license [b]$key[/b]?\nValidation and activation fail until it "
            "is re-enabled; its activations are kept.",
            key=lic["license_key"],
        )
        yes, danger = "Disable", True
    if not await app.push_screen_wait(ConfirmModal(question, yes=yes, danger=danger)):
        return False
    ctx = context_of(app)
    try:
        await licenses.set_enabled(ctx, actor_of(app), lic["id"], blocked)
    except ServiceError as err:
        app.notify(err.message, severity="error")
        return False
    app.notify(f"{'Re-enabled' if blocked else 'Disabled'} {lic['license_key']}.")
    return True


async def extend(app: App, lic: dict[str, Any]) -> bool:
    if lic["expires_at"] is None:
        app.notify("This license never expires.", severity="warning")
        return False
    extended = await app.push_screen_wait(ExtendLicenseModal(lic))
    if extended is None:
        return False
    app.notify(f"{lic['license_key']} now expires {moment(extended['expires_at'])}.")
    return True
