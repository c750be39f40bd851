"""Cleaning up after a killed run, at start: partial files and files nothing refers to.

A `kill -9` mid-render leaves the renderer's hidden `.….part` file (and its random folder), mid-upload
the half-written `uploads/<id>.<ext>`, mid-generation the clip's `.….part`; a kill between writing a
file and recording it leaves a whole file that no row names. None of these is ever served or resumed
from (a resumed render starts over), so each start removes them: under `uploads/`, `media/` and
`renders/`, every file the database does not name goes, and so do the emptied render folders.

Two engines may share a data dir (the app's embedded engine and `nemo-tui serve` default to the same
folder): then a file may be another live engine's work in progress. Each engine holds a shared
`flock` on `<data dir>/engine.lock` while it runs; the sweep runs only when it can take that lock
exclusively, i.e. when no other engine is running there. A killed engine's lock dies with it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from .media.proxy import proxy_path

log = logging.getLogger("nemo_tui.engine.sweep")
SWEPT_FOLDERS = ("uploads", "media", "renders")


class DataDirLock:
    """The shared lock a running engine holds on its data dir (see the module docstring)."""

    def __init__(self, data_dir: Path) -> None:
        self._fd: int | None = os.open(Path(data_dir) / "engine.lock", os.O_RDWR | os.O_CREAT, 0o600)

    def _open_fd(self) -> int:
        if self._fd is None:
            raise ValueError("the data dir's lock was closed")
        return self._fd

    def try_exclusive(self) -> bool:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): never sweep, never wrong
            return False
        try:
            fcntl.flock(self._open_fd(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def share(self) -> None:
        try:
            import fcntl
        except ImportError:
            return
        fcntl.flock(self._open_fd(), fcntl.LOCK_SH)  # converts an exclusive lock in place

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the lock
            self._fd = None


def referenced(store) -> set[str]:
    """Every file path (relative to the data dir, POSIX) that a media row or a render job names, and
    the preview proxy beside each generated clip (media/proxy.py)."""
    clips = store._q("SELECT path FROM media WHERE path IS NOT NULL AND origin='generated'")
    rows = store._q("SELECT path FROM media WHERE path IS NOT NULL")
    rows += store._q("SELECT output_path AS path FROM renders WHERE output_path IS NOT NULL")
    return {Path(r["path"]).as_posix() for r in rows} | {proxy_path(r["path"]).as_posix() for r in clips}


def sweep(data_dir: Path, store) -> DataDirLock:
    """Remove what a killed run left (when no other engine runs here); returns the lock to hold."""
    data_dir = Path(data_dir)
    lock = DataDirLock(data_dir)
    try:
        if lock.try_exclusive():
            try:
                removed = remove_unreferenced(data_dir, referenced(store))
                if removed:
                    log.info("removed %d partial or unreferenced files left by an earlier run", removed)
            finally:
                lock.share()
        else:
            lock.share()
            log.info("another engine is using %s: leaving its files alone", data_dir)
    except BaseException:
        lock.close()
        raise
    return lock


def remove_unreferenced(data_dir: Path, keep: set[str]) -> int:
    removed = 0
    for name in SWEPT_FOLDERS:
        top = data_dir / name
        if not top.is_dir():
            continue
        for folder, _dirs, files in os.walk(top, topdown=False):
            here = Path(folder)
            for file in files:
                path = here / file
                if path.relative_to(data_dir).as_posix() in keep:
                    continue
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
            if here != top:
                with contextlib.suppress(OSError):
                    here.rmdir()  # only when empty
    return removed
