"""How the terminal shows pixels: kitty graphics, Sixel, half-block cells (`▀`, 24-bit colour, which
every truecolour terminal shows, tmux and mosh included) or none (today's text-only app).

Decided in this order, the first that says wins:

1. `NEMO_GRAPHICS=auto|kitty|sixel|halfblock|none`, then `graphics = "…"` at the top of config.toml
   ("auto", or nothing, goes on to detection);
2. inside tmux without `allow-passthrough on`: half-blocks (tmux would eat the images);
3. what this terminal answered last time (the cache, one entry per terminal);
4. the terminal's answers to the queries of core/term_replies.py, asked after the first paint — a
   terminal that answers none in time gets half-blocks (and is asked again next start).

No Textual here: the app (ui/terminal_io.py) and `nemo-tui doctor` both read it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from ..env_vars import GRAPHICS
from .term_replies import da1_attributes, kitty_answered, terminal_name

GraphicsMode = Literal["kitty", "sixel", "halfblock", "none"]
MODES: tuple[GraphicsMode, ...] = ("kitty", "sixel", "halfblock", "none")
CONFIG_NAME = "graphics"  # its name in config.toml
CACHE_FILE = "graphics.json"
CACHE_DAYS = 30  # an answer older than this is asked again (a terminal gets updated)
_CACHE_ENTRIES = 32
TMUX_TIMEOUT_S = 0.5
# What tells terminals apart: one cache entry per combination. Over SSH only TERM usually arrives,
# so the client's address is part of it too.
_IDENTITY = (
    "TERM",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "LC_TERMINAL",
    "LC_TERMINAL_VERSION",
    "VTE_VERSION",
    "KONSOLE_VERSION",
)


@dataclass(frozen=True)
class GraphicsChoice:
    mode: GraphicsMode
    source: str  # GRAPHICS, "config.toml", "tmux", "cache", "query", "no answer"
    rejected: str = ""  # a NEMO_GRAPHICS / config value that is no mode (ignored)


def _mode_of(value: object) -> GraphicsMode | Literal["auto"] | None:
    name = value.strip().lower() if isinstance(value, str) else None
    return cast(GraphicsMode, name) if name in (*MODES, "auto") else None


def forced(environ: Mapping[str, str], configured: object = None) -> GraphicsChoice | None:
    """The mode NEMO_GRAPHICS or config.toml's `graphics` names; None: detect ("auto", unset, bad)."""
    rejected = ""
    for source, value in ((GRAPHICS, environ.get(GRAPHICS)), ("config.toml", configured)):
        if value is None or value == "":
            continue
        mode = _mode_of(value)
        if mode == "auto":
            return None
        if mode is None:
            rejected = rejected or str(value)
            continue
        return GraphicsChoice(mode, source, rejected)
    return GraphicsChoice("halfblock", "rejected", rejected) if rejected else None


def graphics_mode(environ: Mapping[str, str]) -> GraphicsMode:
    """The mode before any detection: what NEMO_GRAPHICS forces, else half-blocks."""
    choice = forced(environ)
    return choice.mode if choice is not None else "halfblock"


# ---- tmux ----------------------------------------------------------------------------------------
def tmux_passthrough(environ: Mapping[str, str], timeout_s: float = TMUX_TIMEOUT_S) -> bool:
    """`tmux show -gv allow-passthrough` is on (or all); False when it is off, absent or slow."""
    try:
        done = subprocess.run(
            ["tmux", "show", "-gv", "allow-passthrough"],
            capture_output=True,
            timeout=timeout_s,
            env=dict(environ),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.decode(errors="replace").strip() in ("on", "all")


# ---- the cache -----------------------------------------------------------------------------------
def terminal_key(environ: Mapping[str, str]) -> str:
    parts = [f"{name}={environ.get(name, '')}" for name in _IDENTITY]
    parts.append("kitty" if environ.get("KITTY_WINDOW_ID") else "")
    parts.append("tmux" if environ.get("TMUX") else "")
    parts.append("ssh:" + (environ.get("SSH_CONNECTION", "") or environ.get("SSH_CLIENT", "")).split(" ")[0])
    return "|".join(parts)


def cache_path(environ: Mapping[str, str]) -> Path:
    from .settings import default_cache_dir

    return default_cache_dir(environ) / CACHE_FILE


def _read_cache(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def cached(environ: Mapping[str, str], path: Path | None = None) -> GraphicsMode | None:
    """This terminal's remembered answer (`path`: the cache file, else the cache folder's)."""
    entry = _read_cache(path or cache_path(environ)).get(terminal_key(environ))
    if not isinstance(entry, dict):
        return None
    mode, at = _mode_of(entry.get("mode")), entry.get("at")
    fresh = isinstance(at, int | float) and time.time() - at < CACHE_DAYS * 86400
    return mode if fresh and mode != "auto" else None


def remember(environ: Mapping[str, str], mode: GraphicsMode, path: Path | None = None) -> None:
    """Keep this terminal's answer (newest entries kept; written whole, then renamed into place)."""
    path = path or cache_path(environ)
    entries = _read_cache(path)
    entries.pop(terminal_key(environ), None)
    entries[terminal_key(environ)] = {"mode": mode, "at": time.time()}
    kept = dict(list(entries.items())[-_CACHE_ENTRIES:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}")
        temp.write_text(json.dumps(kept, indent=1), encoding="utf-8")
        temp.replace(path)
    except OSError:
        pass  # a read-only cache only means asking again next time


# ---- deciding ------------------------------------------------------------------------------------
def without_asking(environ: Mapping[str, str], configured: object = None) -> GraphicsChoice | None:
    """The choice made before the terminal is asked anything (blocking: a file read, maybe tmux);
    None: ask it (core/term_replies.QUERIES, wrapped for tmux when inside it)."""
    choice = forced(environ, configured)
    if choice is not None and choice.source != "rejected":
        return choice
    rejected = choice.rejected if choice is not None else ""
    if environ.get("TMUX") and not tmux_passthrough(environ):
        return GraphicsChoice("halfblock", "tmux", rejected)
    mode = cached(environ)
    return GraphicsChoice(mode, "cache", rejected) if mode is not None else None


def placeholders_work(environ: Mapping[str, str], name: str) -> bool:
    """kitty's Unicode placeholders, which the app draws with, are kitty's and Ghostty's (WezTerm and
    Konsole answer the graphics query but draw placeholders as boxes: they get Sixel instead)."""
    known = f"{name} {environ.get('TERM', '')} {environ.get('TERM_PROGRAM', '')}".lower()
    return "kitty" in known or "ghostty" in known or bool(environ.get("KITTY_WINDOW_ID"))


def from_replies(environ: Mapping[str, str], replies: list[str]) -> GraphicsChoice:
    """The mode the terminal's answers allow ("no answer": half-blocks, not to be remembered)."""
    attributes = da1_attributes(replies)
    if kitty_answered(replies) and placeholders_work(environ, terminal_name(replies)):
        return GraphicsChoice("kitty", "query")
    if attributes is None:
        return GraphicsChoice("halfblock", "no answer")
    return GraphicsChoice("sixel" if "4" in attributes else "halfblock", "query")
