"""What `nemo-tui doctor` reports: one line per check, ok / warn / fail, and what fixes it.

`DoctorReport` is also the schema of `nemo-tui doctor --json` (and what the TUI's doctor screen shows).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Status = Literal["ok", "warn", "fail"]
_RANK: dict[str, int] = {"ok": 0, "warn": 1, "fail": 2}


class Check(BaseModel):
    """One check. `detail` says what was found; `fix` the command or setting that fixes it ("" when ok)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str  # stable, for scripts: "terminal", "tmux", "cjk_font"…
    title: str
    status: Status
    detail: str
    fix: str = ""

    @classmethod
    def ok(cls, id: str, title: str, detail: str) -> Check:
        return cls(id=id, title=title, status="ok", detail=detail)

    @classmethod
    def warn(cls, id: str, title: str, detail: str, fix: str) -> Check:
        return cls(id=id, title=title, status="warn", detail=detail, fix=fix)

    @classmethod
    def fail(cls, id: str, title: str, detail: str, fix: str) -> Check:
        return cls(id=id, title=title, status="fail", detail=detail, fix=fix)


class DoctorReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    status: Status  # the worst of the checks
    checks: list[Check]

    @classmethod
    def of(cls, version: str, checks: list[Check]) -> DoctorReport:
        worst = max((c.status for c in checks), key=_RANK.__getitem__, default="ok")
        return cls(version=version, status=worst, checks=checks)

    def check(self, id: str) -> Check:
        return next(c for c in self.checks if c.id == id)

    def lines(self) -> list[str]:
        """The report as text: a line per check, and an indented `fix:` line under each problem."""
        width = max((len(c.title) for c in self.checks), default=0)
        out = []
        for c in self.checks:
            out.append(f"{c.status:<4}  {c.title:<{width}}  {c.detail}")
            if c.fix:
                out.append(f"{'':<4}  {'':<{width}}  fix: {c.fix}")
        return out
