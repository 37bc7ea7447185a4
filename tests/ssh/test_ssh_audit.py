"""The audit log and the console over SSH: what an admin does there is recorded as that
admin, on the face "ssh", from the client's address; and the admin reads the log there."""

from __future__ import annotations

from ssh_support import Screen, connect

from service.audit import log as audit
from service.audit.log import AuditQuery
from service.integrations import tokens


async def test_an_admin_reads_the_audit_log_over_ssh(ssh_runtime, admin_key):
    await tokens.generate(ssh_runtime.ctx, admin_key.user, name="Shop sync")
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn, 140, 30)
        await term.shows("Requests per second")
        term.press("7")
        # the token, and before it the admin's own account and key (made by the fixture)
        await term.shows("3 entries", "token.create", "admin@example.com", "name=Shop sync")
        await term.shows("ssh_key.add", "user.create")


async def test_a_revoke_over_ssh_is_recorded_with_that_user_and_face(ssh_runtime, admin_key):
    ctx = ssh_runtime.ctx
    issued = await tokens.generate(ctx, admin_key.user, name="Shop sync")
    async with await connect(ssh_runtime, "admin@example.com", admin_key.key) as conn:
        term = await Screen.open(conn, 140, 30)
        await term.shows("Requests per second")
        term.press("2")
        await term.shows("Shop sync", "active")
        term.press("d")
        await term.shows("Revoke token")
        term.press("y")
        await term.shows("Revoked Shop sync")  # shown once the revoke has committed

    [entry] = (await audit.search(ctx, AuditQuery(action="token.revoke")))[1]
    assert entry.target_id == issued.info.id
    assert entry.actor.kind == "user"
    assert (entry.actor.user_id, entry.actor.email) == (admin_key.user.id, "admin@example.com")
    assert entry.face == "ssh"
    assert entry.address == "127.0.0.1"  # the client's IP, as on every face; no port
