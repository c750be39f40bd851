"""Every job the app waits on, in one list (the `render_jobs` table): exports, previews and
generations, across sessions and restarts, with their progress, and what past jobs of the same
backend and kind took per second of video (the ETA)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .store_ledger import StoreBase

JOB_KINDS = ("export", "preview", "generation")


@dataclass(frozen=True)
class RenderRecord:
    job_id: str
    session_id: str
    backend_key: str
    status: str
    dest: Path
    started: float
    finished: float | None
    # The jobs list (issue 14): what kind of job, how far it got, the seconds of video it makes.
    kind: str = "export"  # "export", "preview" or "generation"
    progress: float | None = None
    label: str = ""
    video_s: float | None = None
    error: str | None = None
    expires: float | None = None
    updated: float | None = None


class JobsMixin(StoreBase):
    def save_job(
        self,
        job_id: str,
        session_id: str,
        backend_key: str,
        kind: str,
        *,
        dest: Path | None = None,
        label: str = "",
        video_s: float | None = None,
        status: str = "queued",
        now: float | None = None,
    ) -> None:
        """Written before the app waits on the job, so a crash leaves it findable."""
        now = time.time() if now is None else now
        self._write(
            """INSERT INTO render_jobs (job_id, session_id, backend_key, status, dest, started, kind,
                                        label, video_s, updated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (job_id) DO UPDATE SET status = excluded.status, kind = excluded.kind,
                 label = excluded.label, video_s = COALESCE(excluded.video_s, video_s),
                 updated = excluded.updated""",
            (job_id, session_id, backend_key, status, str(dest or ""), now, kind, label, video_s, now),
        )

    def job_progress(
        self, job_id: str, progress: float | None, *, status: str | None = None, now: float | None = None
    ) -> None:
        self._write(
            "UPDATE render_jobs SET progress = COALESCE(?, progress), status = COALESCE(?, status), "
            "updated = ? WHERE job_id = ? AND finished IS NULL",
            (progress, status, time.time() if now is None else now, job_id),
        )

    def finish_job(
        self, job_id: str, status: str, *, error: str | None = None, now: float | None = None
    ) -> None:
        """`status`: "completed", "failed" or "cancelled"; a failed one keeps why."""
        now = time.time() if now is None else now
        self._write(
            "UPDATE render_jobs SET status = ?, finished = ?, updated = ?, error = COALESCE(?, error), "
            "progress = CASE WHEN ? = 'completed' THEN 1.0 ELSE progress END WHERE job_id = ?",
            (status, now, now, error, status, job_id),
        )

    def jobs(self, backend_key: str | None = None, *, limit: int = 100) -> list[RenderRecord]:
        """Newest first; every backend's unless `backend_key` says."""
        if backend_key is None:
            rows = self._read("SELECT * FROM render_jobs ORDER BY started DESC LIMIT ?", (limit,))
        else:
            rows = self._read(
                "SELECT * FROM render_jobs WHERE backend_key = ? ORDER BY started DESC LIMIT ?",
                (backend_key, limit),
            )
        return [RenderRecord(**{**dict(r), "dest": Path(r["dest"])}) for r in rows]

    def job_pace(self, backend_key: str, kind: str) -> tuple[float, float] | None:
        """(seconds per second of video, fixed seconds) learned from this backend's completed jobs
        of this kind: a mean of wall time over video length; None before any."""
        rows = self._read(
            "SELECT finished - started, video_s FROM render_jobs WHERE backend_key = ? AND kind = ? "
            "AND status = 'completed' AND finished IS NOT NULL ORDER BY finished DESC LIMIT 20",
            (backend_key, kind),
        )
        timed = [(float(r[0]), float(r[1] or 0.0)) for r in rows if r[0] is not None and r[0] >= 0]
        if not timed:
            return None
        with_length = [(took, length) for took, length in timed if length > 0]
        if with_length:
            return sum(t for t, _ in with_length) / sum(v for _, v in with_length), 0.0
        return 0.0, sum(t for t, _ in timed) / len(timed)
