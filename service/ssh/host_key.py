"""The SSH server's ed25519 host key: generated on first run into a file beside the
database (mode 0600, like ``ssh-keygen``), then loaded; refused, as ``sshd`` does, when
other users may read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh


class HostKeyError(Exception):
    """The host key file cannot be used; the message says why and what to do."""


def load_or_create(path: str | None) -> tuple[asyncssh.SSHKey, bool]:
    """The host key and whether it was created now; none is kept for ``path`` None."""
    if path is None:
        return asyncssh.generate_private_key("ssh-ed25519"), True
    file = Path(path)
    try:
        return _load(file), False
    except FileNotFoundError:
        pass
    key = asyncssh.generate_private_key("ssh-ed25519", comment="shopkeep host key")
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _load(file), False
    except OSError as exc:
        raise HostKeyError(f"cannot create the SSH host key {file}: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    return key, True


def _load(file: Path) -> asyncssh.SSHKey:
    mode = stat.S_IMODE(file.stat().st_mode)
    if mode & 0o077:
        raise HostKeyError(
            f"the SSH host key {file} may be read by other users (mode {mode:04o}); "
            f"run: chmod 600 {file}"
        )
    try:
        return asyncssh.read_private_key(str(file))
    except (OSError, asyncssh.KeyImportError, ValueError) as exc:
        raise HostKeyError(f"cannot read the SSH host key {file}: {exc}") from None


def fingerprint(key: asyncssh.SSHKey) -> str:
    """``SHA256:...`` as ``ssh-keygen -lf`` and OpenSSH's first-connection prompt show it."""
    return key.get_fingerprint("sha256")
