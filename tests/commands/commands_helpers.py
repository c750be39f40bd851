"""Running `nemo-tui` headless commands against the test engine: as real subprocesses with pipes,
or in-process through `cli.main` (faster; same code path after argument parsing)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nemo_tui.cli import main

ROOT = Path(__file__).resolve().parents[2]
# Variables of the developer's shell that would change what a command does, besides the NEMO_* ones
# (tests/conftest.py's autouse fixture unsets those for every test).
CLEARED = ("NO_COLOR", "LC_ALL", "LC_MESSAGES", "LANGUAGE")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@dataclass
class Cli:
    """`nemo-tui --backend cloud …` with NEMO_API_BASE at the test engine and its own dirs."""

    base_url: str
    root: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def export_dir(self) -> Path:
        return self.root / "exports"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "nemo.db"

    def env(self) -> dict[str, str]:
        values = {
            "NEMO_API_BASE": self.base_url,
            "NEMO_DATA_DIR": str(self.data_dir),
            "NEMO_CONFIG_DIR": str(self.root / "config"),
            "NEMO_EXPORT_DIR": str(self.export_dir),
            "NEMO_LANG": "en",
            "LANG": "C.UTF-8",
        }
        values.update(self.extra)
        return values

    def _argv(self, args: tuple[str, ...], backend: bool) -> list[str]:
        return (["--backend", "cloud"] if backend else []) + list(args)

    def run(self, *args: str, stdin: str | None = None, backend: bool = True, timeout: float = 120) -> Result:
        """A real `python -m nemo_tui` process; stdin/stdout/stderr are pipes."""
        env = {k: v for k, v in os.environ.items() if k not in CLEARED}
        env.update(self.env())
        done = subprocess.run(
            [sys.executable, "-m", "nemo_tui", *self._argv(args, backend)],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=timeout,
            stdin=None if stdin is not None else subprocess.DEVNULL,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def call(self, *args: str, backend: bool = True) -> Result:
        """The same command in this process (captured stdout/stderr)."""
        for name in CLEARED:
            self.monkeypatch.delenv(name, raising=False)
        for name, value in self.env().items():
            self.monkeypatch.setenv(name, value)
        self.capsys.readouterr()
        code = main(self._argv(args, backend))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)
