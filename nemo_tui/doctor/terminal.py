"""`nemo-tui doctor`'s checks of where the app is shown: the terminal, tmux, SSH or mosh, the locale.

Each check is a function of a `Machine` (the environment, the terminal's size, the process's
ancestors): tests hand in their own instead of patching the process. Programs (tmux) are looked up on
the machine's PATH, so a test puts a stand-in script there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .model import Check

MIN_COLUMNS, MIN_ROWS = 80, 24


@dataclass(frozen=True)
class Machine:
    """What the checks look at. `size` is (columns, rows), None when no terminal is attached;
    `ancestors` the names of this process's parents, nearest first (mosh-server shows there)."""

    environ: Mapping[str, str]
    size: tuple[int, int] | None = None
    ancestors: Sequence[str] = field(default_factory=tuple)


def this_machine() -> Machine:
    return Machine(dict(os.environ), _terminal_size(), _ancestor_names())


def _terminal_size() -> tuple[int, int] | None:
    for fd in (1, 2, 0):  # stdout may be a pipe (`nemo-tui doctor | less`); the terminal is elsewhere
        try:
            size = os.get_terminal_size(fd)
        except OSError:
            continue
        return size.columns, size.lines
    return None


def _ancestor_names(limit: int = 12) -> list[str]:
    """Process names from the parent up (Linux /proc; elsewhere nothing, which only hides mosh)."""
    names, pid = [], os.getppid()
    for _ in range(limit):
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
                stat = f.read()
        except OSError:
            break
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        names.append(name)
        pid = int(stat[stat.rfind(")") + 2 :].split()[1])
        if pid <= 1:
            break
    return names


def run_program(environ: Mapping[str, str], *command: str, timeout_s: float = 5.0) -> tuple[int, str]:
    """(exit status, stdout + stderr) of a program found on the machine's PATH; 127 when absent."""
    found = shutil.which(command[0], path=environ.get("PATH"))
    if found is None:
        return 127, f"{command[0]}: not found"
    try:
        done = subprocess.run(
            [found, *command[1:]],
            capture_output=True,
            timeout=timeout_s,
            env=dict(environ),
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return 124, f"{command[0]} did not answer within {timeout_s:g} s"
    except OSError as e:
        return 126, f"{command[0]}: {e.strerror or e}"
    return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace").strip()


# ---- terminal ------------------------------------------------------------------------------------
def check_terminal(machine: Machine) -> Check:
    term = machine.environ.get("TERM", "")
    if not term or term == "dumb":
        return Check.fail(
            "terminal",
            "Terminal",
            f"TERM is {term or 'not set'}: keys and colours will not work",
            "run nemo-tui in a terminal emulator, or export TERM=xterm-256color",
        )
    if machine.size is None:
        return Check.ok("terminal", "Terminal", f"TERM={term}; size unknown (not attached to a terminal)")
    columns, rows = machine.size
    found = f"TERM={term}, {columns}×{rows}"
    if columns < MIN_COLUMNS or rows < MIN_ROWS:
        return Check.warn(
            "terminal",
            "Terminal",
            f"{found}: smaller than {MIN_COLUMNS}×{MIN_ROWS}, the timeline and chat are cramped",
            f"make the window at least {MIN_COLUMNS} columns × {MIN_ROWS} rows",
        )
    return Check.ok("terminal", "Terminal", found)


def graphics_protocol(environ: Mapping[str, str]) -> str | None:
    """The image protocol the environment names ("kitty" or "sixel"); None: half-block cells."""
    term = environ.get("TERM", "").lower()
    program = environ.get("TERM_PROGRAM", "").lower()
    if "kitty" in term or environ.get("KITTY_WINDOW_ID") or program in ("ghostty", "wezterm"):
        return "kitty"
    if term.startswith(("foot", "mlterm", "contour")) or program in ("iterm.app", "mintty"):
        return "sixel"
    return None


_DRAWN = {
    "kitty": "kitty images",
    "sixel": "Sixel images",
    "halfblock": "half-block cells",
    "none": "off (text timeline only)",
}


def pictures(machine: Machine, config_file: Path | None = None, cache_file: Path | None = None) -> str:
    """How previews are drawn here: what NEMO_GRAPHICS / config.toml force, else what this terminal
    answered the app's query (cached by the app), else what the environment suggests."""
    from ..core import graphics
    from ..core.config_toml import setting

    env = machine.environ
    choice = graphics.forced(env, setting(config_file, graphics.CONFIG_NAME) if config_file else None)
    if choice is not None and choice.source != "rejected":
        return f"previews: {_DRAWN[choice.mode]} ({choice.source} says {choice.mode})"
    if env.get("TMUX") and not graphics.tmux_passthrough(env):
        return "previews: half-block cells (inside tmux without allow-passthrough)"
    mode = graphics.cached(env, cache_file) if cache_file else None
    if mode is not None:
        return f"previews: {_DRAWN[mode]} (this terminal's answer to the graphics query)"
    guess = graphics_protocol(env)
    hint = f"; the environment suggests {guess}" if guess else ""
    return f"previews: half-block cells until the app has asked this terminal (at its next start{hint})"


def check_colour(machine: Machine, config_file: Path | None = None, cache_file: Path | None = None) -> Check:
    env = machine.environ
    colorterm = env.get("COLORTERM", "").lower()
    pictures_here = pictures(machine, config_file, cache_file)
    if env.get("NO_COLOR"):
        return Check.warn(
            "colour", "Colour", f"NO_COLOR is set: no colour; {pictures_here}", "unset NO_COLOR"
        )
    if colorterm in ("truecolor", "24bit"):
        return Check.ok("colour", "Colour", f"24-bit colour (COLORTERM={colorterm}); {pictures_here}")
    return Check.warn(
        "colour",
        "Colour",
        f"COLORTERM is {colorterm or 'not set'}: 256 colours assumed; {pictures_here}",
        "export COLORTERM=truecolor if your terminal has 24-bit colour (most do; in tmux also "
        "`set -as terminal-features ',*:RGB'`)",
    )


# ---- tmux ----------------------------------------------------------------------------------------
# (option, values that are fine, what it is for, the fix)
_TMUX_OPTIONS = (
    (
        "allow-passthrough",
        ("on", "all"),
        "kitty/Sixel previews",
        "tmux set -g allow-passthrough on  (and add it to ~/.tmux.conf)",
    ),
    (
        "set-clipboard",
        ("on", "external"),
        "copying (OSC 52)",
        "tmux set -g set-clipboard on  (and add it to ~/.tmux.conf)",
    ),
    (
        "extended-keys",
        ("on", "always"),
        "Ctrl+J / Alt+Enter / Ctrl+Enter",
        "tmux set -g extended-keys on  (and add it to ~/.tmux.conf)",
    ),
)


def check_tmux(machine: Machine) -> Check:
    env = machine.environ
    if not env.get("TMUX"):
        return Check.ok("tmux", "tmux", "not inside tmux")
    status, version = run_program(env, "tmux", "-V")
    if status != 0:
        return Check.warn("tmux", "tmux", f"inside tmux, but `tmux -V` failed: {version}", "put tmux on PATH")
    problems, fixes = [], []
    for option, good, purpose, fix in _TMUX_OPTIONS:
        status, value = run_program(env, "tmux", "show", "-gv", option)
        if status != 0:  # an older tmux that has no such option
            problems.append(f"no {option} ({purpose})")
            fixes.append("upgrade tmux to 3.3 or later")
        elif value.strip() not in good:
            problems.append(f"{option} {value.strip() or 'off'} ({purpose})")
            fixes.append(fix)
    if problems:
        fix = "; ".join(dict.fromkeys(fixes))
        return Check.warn("tmux", "tmux", f"{version}: " + ", ".join(problems), fix)
    return Check.ok("tmux", "tmux", f"{version}: passthrough, clipboard and extended keys on")


# ---- remote session ------------------------------------------------------------------------------
def check_remote(machine: Machine) -> Check:
    env = machine.environ
    if any(name.startswith("mosh-server") for name in machine.ancestors):
        return Check.warn(
            "remote",
            "Remote session",
            "over mosh: no kitty/Sixel images (previews use half-block cells), clipboard only with mosh ≥ 1.4",
            "use ssh instead of mosh for image previews; Ctrl+J inserts a newline where Alt+Enter is lost",
        )
    connection = env.get("SSH_CONNECTION", "").split()
    if connection or env.get("SSH_TTY") or env.get("SSH_CLIENT"):
        where = f" from {connection[0]}" if connection else ""
        return Check.ok("remote", "Remote session", f"over SSH{where}: copying uses OSC 52")
    return Check.ok("remote", "Remote session", "local (not over SSH or mosh)")


# ---- locale --------------------------------------------------------------------------------------
def check_locale(machine: Machine) -> Check:
    env = machine.environ
    name = next((v for v in ("LC_ALL", "LC_CTYPE", "LANG") if env.get(v)), None)
    value = env.get(name, "") if name else ""
    if re.search(r"utf-?8", value, re.IGNORECASE):
        return Check.ok("locale", "Locale", f"{name}={value}")
    shown = f"{name}={value}" if name else "no LANG, LC_CTYPE or LC_ALL"
    return Check.warn(
        "locale",
        "Locale",
        f"{shown}: not UTF-8, so Chinese text and emoji may show as ? or break the layout",
        "export LANG=C.UTF-8 (or en_US.UTF-8 / zh_CN.UTF-8) in your shell profile",
    )


# Terminals that report Ctrl+Enter as a key of its own (the kitty keyboard protocol) without setup.
_REPORTS_CTRL_ENTER = frozenset({"xterm-kitty", "xterm-ghostty", "wezterm"})


def check_send_key(machine: Machine, config_file: Path) -> Check:
    """Which key sends (NEMO_SEND_KEY, else `send_key` in config.toml), and whether this terminal
    can deliver it: Alt+Enter always can, Ctrl+Enter only with the kitty keyboard protocol."""
    from ..core.send_key import ENV_VAR, choose_send_key, configured_send_key

    title = "Send key"
    chosen = choose_send_key(machine.environ, configured_send_key(config_file))
    where = ENV_VAR if chosen.source == ENV_VAR else f"send_key in {config_file}"
    if chosen.rejected:
        return Check.warn(
            "send_key",
            title,
            f"{where} = {chosen.rejected!r} is not enter, alt+enter or ctrl+enter: Enter sends",
            f'{where} = "alt+enter" (Enter then makes a new line), or remove it',
        )
    if chosen.key == "enter":
        return Check.ok(
            "send_key",
            title,
            "Enter sends, Ctrl+J / Alt+Enter make a new line (typing with an IME that commits with "
            f'Enter? set {ENV_VAR}=alt+enter or send_key = "alt+enter" in {config_file})',
        )
    if chosen.key == "alt+enter":
        return Check.ok("send_key", title, f"Alt+Enter sends, Enter makes a new line ({where})")
    term = machine.environ.get("TERM", "")
    kitty = term in _REPORTS_CTRL_ENTER or "KITTY_WINDOW_ID" in machine.environ
    if kitty and not machine.environ.get("TMUX"):
        return Check.ok("send_key", title, f"Ctrl+Enter sends, Enter makes a new line ({where}; {term})")
    return Check.warn(
        "send_key",
        title,
        f"Ctrl+Enter sends ({where}), but this terminal ({term or 'TERM unset'}"
        f"{', inside tmux' if machine.environ.get('TMUX') else ''}) may send it as a plain Enter; "
        "Ctrl+J sends too",
        'send_key = "alt+enter" works in every terminal and through tmux (in tmux with '
        "ctrl+enter: set -g extended-keys on and a terminal with the kitty keyboard protocol)",
    )
