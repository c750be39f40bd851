"""Proof that a request comes from the person who started the engine (the "owner").

The engine runs as the person, on a machine that may be shared: any local account can reach its
loopback port, so "loopback peer" is not "the same person". Powers that reach beyond the caller's
own account — copying `file://` paths, fetching loopback URLs, switching faults — need the per-run
owner secret, sent as the `X-Nemo-Engine-Secret` header.

The secret is random per run. The engine keeps it in memory (the embedded engine hands it to the app
in-process) and writes it to `<secret dir>/engine-<port>.secret`, mode 0600, in a folder of mode
0700 that the person owns, so their own tools (curl, scripts) can read it and other accounts cannot.
The folder is `NEMO_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/nemo-tui`, else `<config dir>/run`
(`NEMO_CONFIG_DIR` or the user config folder). The file is removed when the engine stops.
"""

from __future__ import annotations

import hmac
import os
import secrets
import stat
from pathlib import Path

from .. import env_vars
from ..dirs import user_config_dir

OWNER_HEADER = "X-Nemo-Engine-Secret"
TEST_FAULTS_ENV = "NEMO_ENGINE_TEST_FAULTS"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def secret_dir() -> Path:
    explicit = os.environ.get(env_vars.RUNTIME_DIR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    if runtime:
        return Path(runtime) / "nemo-tui"
    config = os.environ.get(env_vars.CONFIG_DIR, "").strip()
    if config:
        return Path(config).expanduser() / "run"
    return user_config_dir() / "run"


def secret_path(port: int, folder: Path | None = None) -> Path:
    return (folder or secret_dir()) / f"engine-{port}.secret"


def _private_dir(folder: Path) -> Path:
    """`folder`, created 0700; refused when another account owns it (it could read or swap the file)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = folder.lstat()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise RuntimeError(f"{folder} is not a plain folder: the engine will not keep its secret there.")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise RuntimeError(f"{folder} belongs to another account: the engine will not keep its secret there.")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(folder, 0o700)
    return folder


def write_secret(port: int, secret: str, folder: Path | None = None) -> Path:
    """Write the secret to its 0600 file (replacing one a killed run left behind); returns the path."""
    directory = _private_dir(folder or secret_dir())
    path = secret_path(port, directory)
    tmp = directory / f".{path.name}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secret + "\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def remove_secret(path: Path | None, secret: str) -> None:
    """Remove the file, but only while it still holds this run's secret (another run may own the port now)."""
    if path is None:
        return
    try:
        if hmac.compare_digest(path.read_text(encoding="ascii").strip(), secret):
            path.unlink()
    except (OSError, UnicodeDecodeError):
        pass


def read_secret(port: int, folder: Path | None = None) -> str:
    """The secret of the engine on `port` (for the person's own tools); "" when there is none."""
    try:
        return secret_path(port, folder).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def is_owner(headers, secret: str) -> bool:
    """Does the request carry this run's secret? (Constant-time; an empty secret proves nothing.)"""
    sent = headers.get(OWNER_HEADER.lower(), "")
    return bool(secret) and hmac.compare_digest(sent.encode("utf-8", "replace"), secret.encode("ascii"))


def test_faults_from_env() -> bool:
    return os.environ.get(TEST_FAULTS_ENV, "").strip().lower() in ("1", "true", "yes", "on")
