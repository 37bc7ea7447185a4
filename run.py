"""Shopkeep's one entry point: ``python run.py [console|serve|users|routes] ...``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from service.app import loop as event_loop
from service.common.config import Settings, env_defaults

if TYPE_CHECKING:
    from service.accounts.actors import Actor
    from service.app.context import Context

COMMANDS = ("console", "serve", "users", "routes", "audit")


class OneLineParser(argparse.ArgumentParser):
    """Bad flags end with one line and exit status 2, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def common_flags(top: bool) -> argparse.ArgumentParser:
    """The flags every command takes. Defaults live on the top-level parser only, so a
    flag given before the sub-command is not reset by the sub-command's parser."""
    env = env_defaults()

    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    parent = argparse.ArgumentParser(add_help=False)
    add = parent.add_argument
    add("--host", default=default(env["host"]), help="address to listen on (SHOPKEEP_HOST)")
    add(
        "--port",
        type=int,
        default=default(env["port"]),
        help="port to listen on, 0 for a free one (SHOPKEEP_PORT)",
    )
    add(
        "--db",
        default=default(env["db"]),
        help="SQLite database file or postgresql:// URL (SHOPKEEP_DB)",
    )
    add("--log-file", default=default(None), help="log file (default: beside the database)")
    add(
        "--secret-key-file",
        default=default(None),
        metavar="FILE",
        help="the API-key sealing key (default: SHOPKEEP_SECRET_KEY, else beside a SQLite "
        "database; on PostgreSQL one of the two is required)",
    )
    add("--demo", action="store_true", default=default(False), help="seed realistic demo data")
    add(
        "--cors-origin",
        action="append",
        dest="cors_origins",
        metavar="ORIGIN",
        default=default(None),
        help="browser origin allowed on /api (repeatable)",
    )
    add(
        "--trusted-proxy",
        action="append",
        dest="trusted_proxies",
        metavar="IP",
        default=default(None),
        help="proxy whose X-Forwarded-For is believed (repeatable)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="run.py",
        parents=[common_flags(top=True)],
        description="Shopkeep: WooCommerce sync tokens and the WooNooW REST API, with an "
        "admin console. With no command: console on a terminal, else serve.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=OneLineParser)
    command = _command_adder(common_flags(top=False))
    serve = command(sub, "serve", "Run the API headless until SIGTERM or SIGINT.")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="N processes sharing the port (PostgreSQL only; default %(default)s)",
    )
    tls_flags(serve)
    ssh_flags(serve)
    retention_flag(serve)
    access_log_flag(serve)
    _add_console(sub, command)
    _add_users(sub, command)
    _add_routes(sub, command)
    _add_audit(sub, command)
    _add_db(sub, command)
    return parser


def _add_db(sub: Any, command: AddCommand) -> None:
    db = command(sub, "db", "Database tools.", flags=False)
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=OneLineParser)
    copy = command(
        db_sub,
        "copy",
        "Copy every table of SRC into the empty DST (a SQLite file or a postgresql:// URL), "
        "ids kept, verified by row counts and checksums.",
        flags=False,
    )
    copy.add_argument("source", metavar="SRC")
    copy.add_argument("target", metavar="DST")


def cmd_db_copy(args: argparse.Namespace) -> int:
    from store.copy import CopyRefused, copy_database, report
    from store.errors import StoreError

    try:
        checks = asyncio.run(copy_database(args.source, args.target))
    except CopyRefused as exc:
        return fail(f"db copy refused: {exc}", 2)
    except StoreError as exc:
        return fail(f"db copy failed: {exc}")
    print(report(checks))
    key_file = Path(args.source.removeprefix("sqlite:") + ".key")
    if key_file.exists():
        print(
            f"note: API key secrets are sealed with the key in {key_file}; give the new "
            "deployment the same key (SHOPKEEP_SECRET_KEY)",
            file=sys.stderr,
        )
    return 0


AddCommand = Callable[..., argparse.ArgumentParser]


def _command_adder(common: argparse.ArgumentParser) -> AddCommand:
    """``command(group, name, text, flags=True)`` adds a sub-command to ``group``; with
    ``flags`` it takes the common flags too."""

    def command(group: Any, name: str, text: str, *, flags: bool = True) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = group.add_parser(
            name, parents=[common] if flags else [], help=text, description=text
        )
        return parser

    return command


def _add_console(sub: Any, command: AddCommand) -> None:
    console = command(sub, "console", "Run the admin console with the API in the same process.")
    tls_flags(console)
    ssh_flags(console)
    retention_flag(console)
    access_log_flag(console)
    console.add_argument(
        "--no-api",
        action="store_true",
        help="console only, e.g. when `serve` already holds the port",
    )
    console.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="act as this account, with its role's rights (default: the local operator, "
        "OS-user@host, with an administrator's)",
    )


def _add_users(sub: Any, command: AddCommand) -> None:
    users = command(sub, "users", "Manage accounts.", flags=False)
    users_sub = users.add_subparsers(
        dest="users_command", required=True, parser_class=OneLineParser
    )
    create = command(users_sub, "create", "Create a user.")
    create.add_argument("email")
    create.add_argument("--password", required=True)
    create.add_argument(
        "--role", required=True, choices=("administrator", "shop_manager", "customer")
    )
    create.add_argument("--name")
    command(users_sub, "list", "List users.")
    set_pw = command(
        users_sub,
        "set-password",
        "Set a password (prompted unless --password); the user's sessions are signed out.",
    )
    set_pw.add_argument("email")
    set_pw.add_argument("--password")
    app_pw = command(
        users_sub,
        "app-password",
        "Create a WordPress application password for Basic auth (printed once).",
    )
    app_pw.add_argument("email")
    app_pw.add_argument("label")
    api_key_commands(users_sub, command)
    ssh_key_commands(users_sub, command)


def _add_routes(sub: Any, command: AddCommand) -> None:
    routes = command(
        sub,
        "routes",
        "Inspect routes: list them, check them for conflicts, print their OpenAPI document.",
        flags=False,
    )
    routes_sub = routes.add_subparsers(
        dest="routes_command", required=True, parser_class=OneLineParser
    )
    check = command(
        routes_sub,
        "check",
        "Check routes for conflicts. SOURCE: 'live' (default), a /wp-json index "
        "JSON file, a site URL ending in /wp-json/, or a routes document in the "
        "WooNooW format.",
    )
    check.add_argument("sources", nargs="*", metavar="SOURCE")
    check.add_argument("--format", choices=("table", "json"), default="table")
    check.add_argument("--fail-on", choices=("error", "warning"), default="error")
    check.add_argument(
        "--params",
        choices=("typed", "any"),
        default="typed",
        help="how {placeholders} in a routes document are read",
    )
    lst = command(routes_sub, "list", "Print routes in dispatch order.")
    lst.add_argument("sources", nargs="*", metavar="SOURCE")
    lst.add_argument("--format", choices=("table", "json"), default="table")
    diff = command(
        routes_sub, "diff", "Routes documented but not served, and served but not documented."
    )
    diff.add_argument("documented")
    diff.add_argument("served", nargs="?", default="live")
    diff.add_argument("--format", choices=("table", "json"), default="table")
    spec = command(routes_sub, "openapi", "Print the OpenAPI 3.1 document of every route.")
    spec.add_argument("--format", choices=("json", "yaml"), default="json")


def _add_audit(sub: Any, command: AddCommand) -> None:
    audit = command(sub, "audit", "Read the audit log, newest first.")
    audit.add_argument("--since", help="from: 2026-12-01, 2026-12-01T09:30Z, 24h, 7d")
    audit.add_argument("--until", help="before (a bare date: to the end of that day)")
    audit.add_argument("--actor", help="a user id, or part of an email or token name")
    audit.add_argument("--action", help="an action, or a prefix ending in '.' (order.)")
    audit.add_argument("--target", metavar="TYPE[:ID]", help="e.g. order:12 or token")
    audit.add_argument("--face", help="api, wp, token, console, ssh, cli or system")
    audit.add_argument("--limit", type=int, default=50, metavar="N", help="default %(default)s")
    audit.add_argument("--json", action="store_true", help="one JSON object per line")


def access_log_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        default=None,
        help="no line per request in the log file (SHOPKEEP_ACCESS_LOG=0); the Dashboard "
        "still counts them",
    )


def retention_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--audit-retention-days",
        type=_days,
        metavar="DAYS",
        help="keep audit entries this many days, 0 for ever "
        f"(default {Settings().audit_retention_days}; SHOPKEEP_AUDIT_RETENTION_DAYS)",
    )


def _days(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError("a whole number of days, 0 for ever")
    return int(text)


def tls_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate")
    parser.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")


def ssh_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ssh-port",
        type=int,
        metavar="PORT",
        help="serve the console over SSH on this port (off unless given; 0 for a free one)",
    )
    parser.add_argument("--ssh-host", metavar="HOST", help="address for SSH (default: --host)")
    parser.add_argument(
        "--ssh-host-key",
        metavar="FILE",
        help="the SSH host key, made on first run (default: beside a SQLite database; "
        "./shopkeep.ssh_host_ed25519_key on PostgreSQL)",
    )
    parser.add_argument(
        "--ssh-max-sessions",
        type=int,
        default=Settings.ssh_max_sessions,
        metavar="N",
        help="consoles open over SSH at once (default %(default)s)",
    )
    parser.add_argument(
        "--ssh-idle-timeout",
        type=float,
        default=Settings.ssh_idle_timeout_s,
        metavar="SECONDS",
        help="close an SSH console after this long without a key press, 0 never "
        "(default %(default)g)",
    )


def ssh_key_commands(users_sub: Any, command: AddCommand) -> None:
    keys = command(
        users_sub, "ssh-key", "SSH public keys that open the console over SSH.", flags=False
    )
    keys_sub = keys.add_subparsers(
        dest="ssh_key_command", required=True, parser_class=OneLineParser
    )
    add = command(keys_sub, "add", "Register a public key (a .pub file, or - for stdin).")
    add.add_argument("email")
    add.add_argument("file", metavar="FILE|-")
    lst = command(keys_sub, "list", "List a user's SSH keys.")
    lst.add_argument("email")
    remove = command(keys_sub, "remove", "Remove a user's SSH key by its SHA256 fingerprint.")
    remove.add_argument("email")
    remove.add_argument("fingerprint")


def api_key_commands(users_sub: Any, command: AddCommand) -> None:
    key = command(
        users_sub,
        "api-key",
        "Create a WooCommerce REST API key (ck_/cs_) for a user; printed once.",
    )
    key.add_argument("email")
    key.add_argument("--description", required=True)
    key.add_argument("--permission", required=True, choices=("read", "write", "read_write"))
    keys = command(users_sub, "api-keys", "List a user's WooCommerce REST API keys.")
    keys.add_argument("email")
    revoke = command(users_sub, "revoke-api-key", "Revoke (delete) a WooCommerce REST API key.")
    revoke.add_argument("key_id", type=int)


def settings_from(args: argparse.Namespace) -> Settings:
    settings = Settings(
        host=args.host, port=args.port, db=args.db, log_file=args.log_file, demo=args.demo
    )
    if args.cors_origins:
        settings.cors_origins = tuple(args.cors_origins)
    if args.trusted_proxies:
        settings.trusted_proxies = tuple(args.trusted_proxies)
    settings.secret_key_path = args.secret_key_file
    settings.tls_cert = getattr(args, "tls_cert", None)
    settings.tls_key = getattr(args, "tls_key", None)
    settings.ssh_port = getattr(args, "ssh_port", None)
    settings.ssh_host = getattr(args, "ssh_host", None)
    settings.ssh_host_key_path = getattr(args, "ssh_host_key", None)
    settings.ssh_max_sessions = getattr(args, "ssh_max_sessions", settings.ssh_max_sessions)
    settings.ssh_idle_timeout_s = getattr(args, "ssh_idle_timeout", settings.ssh_idle_timeout_s)
    if getattr(args, "audit_retention_days", None) is not None:
        settings.audit_retention_days = args.audit_retention_days
    if getattr(args, "access_log", None) is False:
        settings.access_log = False
    return settings


def fail(message: str, code: int = 1) -> int:
    print(f"shopkeep: {message}", file=sys.stderr)
    return code


def cmd_serve_workers(settings: Settings, workers: int) -> int:
    from service.app import workers as pool

    refusal = pool.refusal(settings, workers)
    if refusal:
        return fail(refusal, 2)
    if workers == 1:
        return event_loop.run(cmd_serve(settings))
    return pool.serve(settings, workers, lambda line: print(line, file=sys.stderr, flush=True))


async def cmd_serve(settings: Settings) -> int:
    from service.app.runtime import Runtime

    runtime = Runtime(settings)
    try:
        await runtime.open()
        for line in runtime.notices:
            print(line, file=sys.stderr)
        url = await runtime.start_api()
        if settings.ssh_port is not None:
            from tui.ssh import console_factory

            print(await runtime.start_ssh(console_factory(runtime)), file=sys.stderr)
        runtime.install_signal_handlers()
        event_loop.settle_heap()
        print(f"listening on {url}", file=sys.stderr, flush=True)
        await runtime.wait_for_stop()
    finally:
        await runtime.close()
    return 0


async def cmd_console(settings: Settings, with_api: bool, as_email: str | None = None) -> int:
    from service.accounts import ssh_keys
    from service.accounts import users as accounts
    from service.app.runtime import Runtime, StartupError
    from tui.app import ConsoleApp
    from tui.failures import summary

    runtime = Runtime(settings)
    try:
        ctx = await runtime.open()
        user = await accounts.find_user(ctx, as_email) if as_email else None
        if as_email and (user is None or not ssh_keys.may_open_console(user)):
            raise StartupError(
                f"--as {as_email}: no active administrator or shop manager has that email"
            )
        if with_api:
            try:
                await runtime.start_api()
            except StartupError as exc:
                raise StartupError(
                    f"{exc}; if `run.py serve` holds it, open the console on the same "
                    f"database with `python run.py console --no-api --db {settings.db}`"
                ) from None
        if settings.ssh_port is not None:
            from tui.ssh import console_factory

            await runtime.start_ssh(console_factory(runtime))
        app = ConsoleApp(runtime, actor=user)
        event_loop.settle_heap()
        code = await runtime.run_console(app)
    finally:
        await runtime.close()
    if app.signed_out:  # `--as` an account that lost the right to a console meanwhile
        print(app.signed_out, file=sys.stderr)
        return 1
    if code:
        cause = f" ({summary(app.fatal_error)})" if app.fatal_error else ""
        return fail(
            f"the console stopped on an unexpected error{cause}; the API was shut down; "
            f"the traceback is in {settings.log_path}",
            code,
        )
    return 0


async def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    from service.accounts.actors import local_operator
    from service.app.context import Context
    from service.audit.origin import Origin, acting

    operator = local_operator("cli")
    ctx = await Context.open(settings)
    try:
        with acting(Origin("cli", None, operator.audit_identity())):
            return await _users_command(ctx, args, operator)
    finally:
        await ctx.close()


async def _users_command(ctx: Context, args: argparse.Namespace, operator: Actor) -> int:
    from service.accounts import users as accounts

    if args.users_command == "create":
        user = await accounts.create_user(
            ctx, args.email, args.password, args.role, args.name, actor=operator
        )
        print(f"created user {user.id} {user.email} ({user.role})")
    elif args.users_command == "list":
        for user in await accounts.list_users(ctx):
            state = "active" if user.is_active else "inactive"
            print(f"{user.id:>5}  {user.email:<32} {user.role:<14} {state:<9} {user.display_name}")
    elif args.users_command == "set-password":
        found = await accounts.find_user(ctx, args.email)
        if found is None:
            return fail(f"no user with email {args.email}")
        password = args.password or getpass.getpass("New password: ")
        await accounts.set_password(ctx, found.id, password, actor=operator)
        print(f"password changed for {found.email}; existing sessions were signed out")
    elif args.users_command == "app-password":
        found = await accounts.find_user(ctx, args.email)
        if found is None:
            return fail(f"no user with email {args.email}")
        _, password = await accounts.create_app_password(ctx, found.id, args.label, actor=operator)
        print(f"application password for {found.email} ({args.label}), shown once:")
        print(password)
    elif args.users_command == "ssh-key":
        return await cmd_ssh_keys(ctx, args, operator)
    else:
        return await cmd_api_keys(ctx, args, operator)
    return 0


async def cmd_api_keys(ctx: Context, args: argparse.Namespace, operator: Actor) -> int:
    from service.accounts import api_keys
    from service.accounts import users as accounts

    if args.users_command == "revoke-api-key":
        info = await api_keys.revoke(ctx, operator, args.key_id)
        print(f"revoked API key {info.id} (...{info.truncated_key}) of {info.user_email}")
        return 0
    user = await accounts.find_user(ctx, args.email)
    if user is None:
        return fail(f"no user with email {args.email}")
    if args.users_command == "api-keys":
        for k in await api_keys.list_for_user(ctx, operator, user.id):
            last = k.last_access or "never"
            print(
                f"{k.id:>5}  ...{k.truncated_key}  {k.permissions:<10} {last:<20}  {k.description}"
            )
        return 0
    new = await api_keys.create(ctx, operator, user.id, args.description, args.permission)
    print(f"API key {new.info.id} for {user.email} ({new.info.permissions}), shown once:")
    print(f"consumer key:    {new.consumer_key}")
    print(f"consumer secret: {new.consumer_secret}")
    return 0


async def cmd_ssh_keys(ctx: Context, args: argparse.Namespace, operator: Actor) -> int:
    from service.accounts import ssh_keys
    from service.accounts import users as accounts
    from service.accounts.ssh_keys import MAX_KEY_TEXT

    user = await accounts.find_user(ctx, args.email)
    if user is None:
        return fail(f"no user with email {args.email}")
    if args.ssh_key_command == "add":
        text = sys.stdin.read(MAX_KEY_TEXT + 1) if args.file == "-" else _read_text(args.file)
        if text is None:
            return fail(f"cannot read {args.file}")
        key = await ssh_keys.add(ctx, user.id, text, actor=operator)
        print(f"added {key.fingerprint} ({key.key_type}) for {user.email}")
        if not ssh_keys.may_open_console(user):
            print(
                f"note: {user.email} is {user.role}, {'active' if user.is_active else 'inactive'}; "
                "only active administrators and shop managers may open the console",
                file=sys.stderr,
            )
    elif args.ssh_key_command == "list":
        for k in await ssh_keys.list_for_user(ctx, user.id, actor=operator):
            used = k.last_used_at or "never used"
            print(f"{k.fingerprint}  {k.key_type:<20} {k.created_at}  {used:<20}  {k.comment}")
    else:
        await ssh_keys.remove(ctx, user.id, args.fingerprint, actor=operator)
        print(f"removed {args.fingerprint} from {user.email}")
    return 0


async def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from service.app.context import Context
    from service.audit import log as audit_log
    from service.audit import read as audit
    from tui.format import moment
    from tui.text import visible

    if not 1 <= args.limit <= 10_000:
        return fail("--limit: choose 1 to 10000", 2)
    target_type, target_id = audit.split_target(args.target)
    ctx = await Context.open(settings)
    try:
        filters = {
            "since": args.since,
            "until": args.until,
            "actor": args.actor,
            "action": args.action,
            "face": args.face,
            "target_type": target_type,
            "target_id": target_id,
        }
        query = audit.query_from(filters, ctx.clock.now())
        total, entries = await audit_log.search(ctx, query, limit=args.limit)
    finally:
        await ctx.close()
    if args.json:
        for entry in entries:
            print(json.dumps(entry.public()))  # ASCII: control characters escaped
        return 0
    columns = ("time", "actor", "face", "address", "action", "target", "outcome", "summary")
    widths = (20, 28, 7, 15, 20, 16, 7, 0)
    rows = [
        (
            moment(e.at),
            e.actor.name,
            e.face,
            e.address or "",
            e.action,
            f"{e.target_type}:{e.target_id}" if e.target_id else e.target_type,
            e.outcome,
            audit.brief(e.summary),
        )
        for e in entries
    ]
    for row in [columns, *rows]:
        cells = [
            visible(value, limit=width or 80).ljust(width)
            for value, width in zip(row, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())
    more = f"; the newest {len(entries)} shown (--limit)" if total > len(entries) else ""
    print(f"{total} entr{'y' if total == 1 else 'ies'}{more}", file=sys.stderr)
    return 0


def _read_text(path: str) -> str | None:
    from service.accounts.ssh_keys import MAX_KEY_TEXT

    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return file.read(MAX_KEY_TEXT + 1)  # more is refused as too long
    except OSError:
        return None


def cmd_routes(args: argparse.Namespace) -> int:
    from service.app.assembly import build_registry
    from service.routes import inspection as route_inspection
    from service.routes import openapi

    if args.routes_command == "openapi":
        sys.stdout.write(openapi.dumps(openapi.build_document(build_registry()), args.format))
        return 0
    text, code = route_inspection.run_cli(
        args, live=lambda: route_inspection.live_specs(build_registry())
    )
    if text:
        print(text, file=sys.stderr if code == 2 else sys.stdout)
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or ("console" if sys.stdin.isatty() and sys.stdout.isatty() else "serve")
    settings = settings_from(args)
    if command == "routes":
        return cmd_routes(args)
    if command == "db":
        return cmd_db_copy(args)
    if command in ("serve", "console") and (problem := event_loop.problem()):
        return fail(problem, 2)

    from service.app.runtime import StartupError
    from service.common.errors import ServiceError
    from service.common.logs import setup_logging
    from store.db import StoreError

    try:
        setup_logging(
            settings.log_path, stderr_level=logging.WARNING if command == "serve" else None
        )
    except OSError as exc:
        return fail(f"cannot write log file {settings.log_path}: {exc.strerror or exc}")
    try:
        if command == "serve":
            return cmd_serve_workers(settings, getattr(args, "workers", 1))
        if command == "console":
            return event_loop.run(
                cmd_console(
                    settings,
                    with_api=not getattr(args, "no_api", False),
                    as_email=getattr(args, "as_email", None),
                )
            )
        if command == "audit":
            return asyncio.run(cmd_audit(settings, args))
        return asyncio.run(cmd_users(settings, args))
    except (StartupError, StoreError) as exc:
        return fail(str(exc))
    except ServiceError as exc:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
        return fail(f"{exc.message} {detail}".strip())
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
