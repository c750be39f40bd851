"""Where the app runs: over SSH or not, who and where, and what can play a video here.

Pure functions of an environment mapping, so tests pass their own instead of patching os.environ.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.graphics import GraphicsMode, graphics_mode


@dataclass(frozen=True)
class Terminal:
    over_ssh: bool
    user_host: str  # "user@host" when over SSH, else ""
    host: str
    ascii_only: bool  # draw the timeline without emoji / box glyphs
    sixteen_colours: bool  # the terminal says it has only the 16 ANSI colours
    graphics: GraphicsMode = "halfblock"  # how the player draws pixels (core/graphics.py)
    # Linux/BSD with neither DISPLAY nor WAYLAND_DISPLAY: a browser would be a console one taking
    # over this terminal, or nothing at all, so links are copied instead (ui/actions.py _link).
    no_display: bool = False


def detect_terminal(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> Terminal:
    env = os.environ if environ is None else environ
    x11_like = platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
    over_ssh = bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"))
    host = env.get("NEMO_HOSTNAME") or _hostname()
    user = env.get("USER") or env.get("LOGNAME") or _username()
    encoding = (env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or "").lower()
    # A C/POSIX locale on the far side of SSH usually means no emoji width data and no UTF-8.
    ascii_only = bool(env.get("NEMO_ASCII")) or (encoding in ("c", "posix") and over_ssh)
    term = env.get("TERM", "").lower()
    colorterm = env.get("COLORTERM", "").lower()
    sixteen = (
        bool(term)
        and "256" not in term
        and colorterm not in ("truecolor", "24bit")
        and (term in ("linux", "vt100", "vt220", "ansi", "cons25") or term.endswith("-16color"))
    )
    return Terminal(
        over_ssh=over_ssh,
        user_host=f"{user}@{host}" if over_ssh else "",
        host=host,
        ascii_only=ascii_only,
        sixteen_colours=sixteen,
        graphics=graphics_mode(env),
        no_display=x11_like and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")),
    )


def _hostname() -> str:
    try:
        return socket.gethostname() or "localhost"
    except OSError:
        return "localhost"


def _username() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getpass raises different things per platform when there is no user
        return "user"


def system_opener() -> list[str] | None:
    """The command that opens a file with its default app, or None when there is none."""
    if sys.platform == "darwin" and shutil.which("open"):
        return ["open"]
    if sys.platform.startswith("win"):
        return ["cmd", "/c", "start", ""]
    for name in ("xdg-open", "gio"):
        path = shutil.which(name)
        if path:
            return [path, "open"] if name == "gio" else [path]
    return None
