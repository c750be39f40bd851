"""`nemo-tui doctor`'s checks of what the app needs on this machine: the CJK font, ffmpeg, the export
folder, the config and data folders, the backends and the credentials (never the token itself)."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

from ..core.settings import Settings
from .model import Check
from .terminal import run_program

CLOUD_TIMEOUT_S = 2.0
LOW_SPACE_BYTES = 1 << 30  # an export of a few minutes at 1080p is a few hundred MB; keep 1 GB free


# ---- CJK font ------------------------------------------------------------------------------------
def check_cjk_font() -> Check:
    from ..engine.media.fonts import CJK_PROBE, choose_font, font_for, missing_glyphs

    chosen = font_for(CJK_PROBE)  # what a Chinese title gets, NEMO_FONT included
    if chosen is None or missing_glyphs(chosen, CJK_PROBE):
        return Check.fail(
            "cjk_font",
            "CJK font",
            "no font with Chinese glyphs: Chinese titles in exports would be boxes",
            "pip install noto-cjk-sans-otc (a dependency: reinstall nemo-tui), or set NEMO_FONT to a "
            ".ttf/.otf/.ttc with Chinese glyphs",
        )
    where = str(chosen.origin)
    if chosen.face_index:
        where += f", face {chosen.face_index}"
    detail = f"{chosen.face} ({where}; {chosen.source})"
    latin = choose_font(cjk=False)
    if latin is not None and chosen.source != "NEMO_FONT":
        detail += f"; Latin titles: {latin.face}"
    return Check.ok("cjk_font", "CJK font", detail)


# ---- ffmpeg --------------------------------------------------------------------------------------
def check_ffmpeg() -> Check:
    from ..engine.media.ffmpeg import FFmpegError, ffmpeg_exe

    try:
        exe = ffmpeg_exe()
    except FFmpegError as e:
        return Check.fail("ffmpeg", "ffmpeg", str(e), "unset NEMO_FFMPEG to use the bundled ffmpeg")
    except Exception as e:  # imageio-ffmpeg has no binary for this platform
        return Check.fail("ffmpeg", "ffmpeg", f"no ffmpeg: {e}", "install ffmpeg ≥ 5.1 and set NEMO_FFMPEG")
    env = {"PATH": os.path.dirname(exe) + os.pathsep + os.environ.get("PATH", "")}
    status, version = run_program(env, exe, "-hide_banner", "-version", timeout_s=10)
    if status != 0:
        return Check.fail("ffmpeg", "ffmpeg", f"{exe} does not run: {version[-200:]}", _FFMPEG_FIX)
    first = version.splitlines()[0] if version else "?"
    number = first.split()[2] if first.startswith("ffmpeg version") and len(first.split()) > 2 else first
    _, encoders = run_program(env, exe, "-hide_banner", "-encoders", timeout_s=10)
    _, filters = run_program(env, exe, "-hide_banner", "-filters", timeout_s=10)
    missing = [
        name for name, listing in (("libx264", encoders), ("drawtext", filters)) if name not in listing
    ]
    found = f"{exe}, version {number}"
    if missing:
        return Check.fail("ffmpeg", "ffmpeg", f"{found}: no {' or '.join(missing)}", _FFMPEG_FIX)
    return Check.ok("ffmpeg", "ffmpeg", f"{found}, libx264 and drawtext")


_FFMPEG_FIX = "unset NEMO_FFMPEG to use the bundled build (imageio-ffmpeg), or point it at an ffmpeg with libx264 and drawtext"


# ---- folders -------------------------------------------------------------------------------------
def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_export_dir(settings: Settings) -> Check:
    folder = settings.export_dir
    fix = "set NEMO_EXPORT_DIR (or --export-dir) to a folder you can write"
    base = _existing_parent(folder)
    if not base.is_dir():
        return Check.fail("export_dir", "Export folder", f"{folder}: {base} is not a folder", fix)
    try:  # a real write: permissions, read-only mounts and full disks all show here, root or not
        target = folder if folder.is_dir() else base
        with tempfile.NamedTemporaryFile(dir=target, prefix=".nemo-doctor-"):
            pass
    except OSError as e:
        return Check.fail("export_dir", "Export folder", f"{folder}: not writable ({e.strerror or e})", fix)
    free = shutil.disk_usage(base).free
    state = "" if folder.is_dir() else " (made on the first export)"
    detail = f"{folder}{state}: writable, {free / (1 << 30):.1f} GB free"
    if free < LOW_SPACE_BYTES:
        return Check.warn(
            "export_dir", "Export folder", detail, "free some disk space or choose another export folder"
        )
    return Check.ok("export_dir", "Export folder", detail)


def _loose(path: Path, private_mode: int) -> bool:
    """Does the file or folder give group/others more than `private_mode` does (0700 / 0600)?"""
    return bool(stat.S_IMODE(path.stat().st_mode) & ~private_mode & 0o077)


def check_private_folders(settings: Settings) -> Check:
    """The config folder (credentials) and data folder (chats) are the person's alone."""
    wanted = [(settings.config_dir, 0o700), (settings.config_dir / "credentials.json", 0o600)]
    wanted += [(settings.data_dir, 0o700)]
    loose, seen = [], []
    for path, mode in wanted:
        if not path.exists():
            continue
        seen.append(f"{path} {stat.S_IMODE(path.stat().st_mode):o}")
        if _loose(path, mode):
            loose.append((path, mode))
    if loose:
        fixes = "; ".join(f"chmod {mode:o} {path}" for path, mode in loose)
        names = ", ".join(f"{p} ({stat.S_IMODE(p.stat().st_mode):o})" for p, _ in loose)
        return Check.warn("folders", "Private folders", f"others can read {names}", fixes)
    return Check.ok("folders", "Private folders", "; ".join(seen) or "not made yet (made 0700 on first use)")


# ---- backends ------------------------------------------------------------------------------------
def check_cloud(settings: Settings) -> Check:
    import httpx

    started = time.monotonic()
    try:
        httpx.get(settings.api_base, timeout=CLOUD_TIMEOUT_S, follow_redirects=False)
    except httpx.HTTPError as e:
        reason = type(e).__name__.replace("Error", " error").replace("Exception", "").strip()
        detail = f"{settings.api_base} did not answer within {CLOUD_TIMEOUT_S:g} s ({reason})"
        fix = "check the network or proxy (HTTPS_PROXY), or use the local engine: nemo-tui --local"
        return (Check.fail if settings.backend == "cloud" else Check.warn)("cloud", "Cloud", detail, fix)
    took = (time.monotonic() - started) * 1000
    return Check.ok("cloud", "Cloud", f"{settings.api_base} answered in {took:.0f} ms")


def check_local_engine() -> Check:
    """The embedded engine starts on a free loopback port (in a throwaway folder: the person's own
    engine data is not touched)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nemo-doctor-") as folder:
        try:
            from ..engine.runner import EngineServer

            engine = EngineServer(Path(folder) / "engine").start(timeout_s=15)
        except Exception as e:
            return Check.fail(
                "local_engine",
                "Local engine",
                f"did not start: {e}",
                "reinstall nemo-tui (pip install --force-reinstall nemo-tui) and run `nemo-tui serve` to see the error",
            )
        engine.stop()
    took = (time.monotonic() - started) * 1000
    return Check.ok("local_engine", "Local engine", f"starts on loopback in {took:.0f} ms")


def check_credentials(settings: Settings) -> Check:
    """Whether a token is there, and whose; never the token itself."""
    if settings.token is not None:
        return Check.ok("credentials", "Credentials", "credentials present (NEMO_TOKEN)")
    from ..client.credentials import CredentialStore

    cached = CredentialStore(settings.config_dir / "credentials.json").load(settings.api_base)
    if cached is not None and cached.usable_token() is not None:
        left = ""
        if cached.expires_at is not None:
            left = f", valid {max(0.0, (cached.expires_at - time.time()) / 86400):.1f} more days"
        return Check.ok("credentials", "Credentials", f"credentials present (cached anonymous token{left})")
    note = "an expired anonymous token" if cached is not None and cached.token else "no token yet"
    return Check.ok(
        "credentials", "Credentials", f"{note}: a free anonymous one (100 credits) is fetched on first use"
    )
