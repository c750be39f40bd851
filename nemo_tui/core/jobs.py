"""The jobs list as people read it (the TUI's jobs screen, `nemo-tui jobs`): every export, preview
and generation the app started, newest first, with an ETA learned from past jobs of the same backend
and kind, scaled by the length of video ("about 40 s left")."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from .i18n import t
from .store import RenderRecord, Store

FINISHED = ("completed", "failed", "cancelled", "retried")


class JobView(BaseModel):
    id: str
    kind: str  # "export", "preview" or "generation"
    session_id: str
    backend_key: str
    status: str
    running: bool  # not finished yet (or left unfinished by an app that stopped)
    progress: float | None  # 0–1 where known
    eta_s: float | None  # seconds left, learned from past jobs; None when unknown or finished
    label: str
    path: Path | None  # the export's file (previews: the cache file); None for generations
    video_s: float | None
    started: datetime
    finished: datetime | None
    error: str | None
    expires: datetime | None


class JobsReport(BaseModel):
    """`nemo-tui jobs --json`."""

    jobs: list[JobView]


def eta_left(
    started: float,
    video_s: float | None,
    progress: float | None,
    pace: tuple[float, float] | None,
    now: float,
) -> float | None:
    """Seconds left: what past jobs of this kind took for this much video, less the time spent so
    far; with a progress figure and no history, the pace of this job itself."""
    elapsed = max(now - started, 0.0)
    expected: float | None = None
    if pace is not None:
        per_s, fixed = pace
        guess = per_s * (video_s or 0.0) + fixed
        expected = guess if guess > 0 else None
    if expected is None and progress and 0 < progress < 1:
        expected = elapsed / progress
    if expected is None:
        return None
    return round(max(expected - elapsed, 1.0), 1)


def view(record: RenderRecord, pace: tuple[float, float] | None, now: float) -> JobView:
    return JobView(
        id=record.job_id,
        kind=record.kind,
        session_id=record.session_id,
        backend_key=record.backend_key,
        status=record.status,
        running=record.finished is None,
        progress=record.progress,
        eta_s=None
        if record.finished is not None
        else eta_left(record.started, record.video_s, record.progress, pace, now),
        label=record.label,
        path=record.dest if record.kind != "generation" and str(record.dest) not in ("", ".") else None,
        video_s=record.video_s,
        started=datetime.fromtimestamp(record.started).astimezone(),
        finished=datetime.fromtimestamp(record.finished).astimezone() if record.finished else None,
        error=record.error,
        expires=datetime.fromtimestamp(record.expires).astimezone() if record.expires else None,
    )


def jobs_report(
    store: Store, backend_key: str | None = None, *, limit: int = 30, now: float | None = None
) -> JobsReport:
    """Blocking (sqlite3): call it in a thread from the event loop."""
    now = time.time() if now is None else now
    paces: dict[tuple[str, str], tuple[float, float] | None] = {}
    views = []
    for record in store.jobs(backend_key, limit=limit):
        key = (record.backend_key, record.kind)
        if key not in paces:
            paces[key] = store.job_pace(*key)
        views.append(view(record, paces[key], now))
    return JobsReport(jobs=views)


def eta_text(seconds: float, lang: str) -> str:
    return t("jobs.eta", lang, seconds=f"{max(round(seconds), 1)}")


def job_actions(job: JobView) -> tuple[str, ...]:
    """What can be done to a job: "download" a finished export again, "retry" a failed or cancelled
    one (a new render of its session's draft), "cancel" a running render (a generation ends with
    its turn)."""
    if job.kind == "export" and job.status == "completed":
        return ("download",)
    if job.kind == "export" and job.status in ("failed", "cancelled"):
        return ("retry",)
    if job.running and job.kind in ("export", "preview"):
        return ("cancel",)
    return ()


def job_cells(job: JobView, lang: str, *, full_path: bool = True) -> tuple[str, str, str, str, str]:
    """One job's cells: when, its id, what kind, its status (progress, ETA, why it failed), the file
    (its name only, without `full_path`) or the prompt."""
    status = job.status
    if job.running and job.progress is not None:
        status += f" {round(job.progress * 100)}%"
    if job.eta_s is not None:
        status += f", {eta_text(job.eta_s, lang)}"
    if job.error:
        status += f" ({job.error})"
    what = job.label if job.path is None else str(job.path) if full_path else job.path.name
    kind = t(f"jobs.kind.{job.kind}", lang) if job.kind in ("export", "preview", "generation") else job.kind
    return f"{job.started:%Y-%m-%d %H:%M}", job.id, kind, status, what


def job_lines(report: JobsReport, lang: str) -> list[str]:
    """One line per job: when, what, its status (progress, ETA), the file or the prompt."""
    if not report.jobs:
        return [t("jobs.empty", lang)]
    return ["  ".join(job_cells(job, lang)) for job in report.jobs]
