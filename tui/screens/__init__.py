"""The console's screens. Adding one is one line in SCREENS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from tui.screens.audit import AuditScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.licenses import LicensesScreen
from tui.screens.routes import RoutesScreen
from tui.screens.store.screen import StoreScreen
from tui.screens.tokens import TokensScreen
from tui.screens.users import UsersScreen


@dataclass(frozen=True)
class ScreenSpec:
    id: str
    title: str
    key: str
    description: str
    factory: Callable[[], Screen]


SCREENS: list[ScreenSpec] = [
    ScreenSpec("dashboard", "Dashboard", "1", "Requests, rate and uptime", DashboardScreen),
    ScreenSpec(
        "tokens", "Tokens", "2", "Integration tokens: generate, rotate, revoke", TokensScreen
    ),
    ScreenSpec("users", "Users", "3", "Accounts, roles, tokens for a user", UsersScreen),
    ScreenSpec("routes", "Routes", "4", "Route registry and conflict checks", RoutesScreen),
    ScreenSpec("store", "Store", "5", "Products, categories, customers", StoreScreen),
    ScreenSpec("licenses", "Licenses", "6", "Licenses, activations, OAuth", LicensesScreen),
    ScreenSpec("audit", "Audit", "7", "Who changed what, on which face (live)", AuditScreen),
]
