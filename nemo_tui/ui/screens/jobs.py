"""Ctrl+R: every export, preview and generation the app started on this backend, across sessions
and restarts, newest first — status, progress, "about N s left" (learned from past jobs) — and what
can be done to the selected one: `d` download a finished export again, `r` render a failed one
again, `c` cancel a running render. The screen closes with the choice; the app runs it. The same
rows as `nemo-tui jobs` (core/jobs.py); read again every second while a job runs."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widgets import DataTable

from ..strings import t
from ..text import one_line
from .records import RecordsScreen

if TYPE_CHECKING:
    from ...core.jobs import JobsReport, JobView
    from ...core.store import Store

REFRESH_S = 1.0  # how often a running job's progress is read again
LIMIT = 50
WHAT_WIDTH = 48
_STATUS_STYLE = {"failed": "red", "completed": "green"}


class JobsScreen(RecordsScreen["tuple[str, JobView] | None", "JobsReport"]):
    TITLE_KEY = "jobs.title"
    COLUMNS_KEY = "jobs.columns"
    FAILED_KEY = "jobs.failed"
    BINDINGS = [
        Binding("d", "act('download')", show=False, id="jobs.download"),
        Binding("r", "act('retry')", show=False, id="jobs.retry"),
        Binding("c", "act('cancel')", show=False, id="jobs.cancel"),
    ]

    def __init__(
        self, store: Store, backend_key: str, *, session_id: str | None = None, lang: str = "en"
    ) -> None:
        super().__init__(lang=lang)
        self.store = store
        self.backend_key = backend_key
        self.session_id = session_id  # the app's: retrying another session's export switches to it
        self.jobs: list[JobView] = []
        self.loaded = False

    def on_mount(self) -> None:  # after RecordsScreen's (Textual calls each class's handler)
        self.set_interval(REFRESH_S, self._tick)

    def _tick(self) -> None:
        if any(job.running for job in self.jobs):
            self.load()

    def read(self) -> JobsReport:
        from ...core.jobs import jobs_report

        return jobs_report(self.store, self.backend_key, limit=LIMIT)

    def show(self, records: JobsReport) -> None:
        from ...core.jobs import job_cells

        table = self.table
        chosen = self.selected
        self.jobs = list(records.jobs)
        this_year = time.strftime("%Y")  # the year said only when it is not this one
        table.clear()
        for job in self.jobs:
            when, job_id, kind, status, what = job_cells(job, self.lang, full_path=False)
            what = one_line(what)
            what = what if len(what) <= WHAT_WIDTH else what[: WHAT_WIDTH - 1] + "…"
            table.add_row(
                Text(when[5:] if when[:4] == this_year else when),
                Text(job_id),
                Text(kind),
                Text(status, style=_STATUS_STYLE.get(job.status, "")),
                Text(what),
                key=job.id,
            )
        if chosen is not None and any(job.id == chosen.id for job in self.jobs):
            table.move_cursor(row=table.get_row_index(chosen.id))
        self.loaded = True
        self._show_hint()

    @property
    def selected(self) -> JobView | None:
        row = self.table.cursor_row
        return self.jobs[row] if 0 <= row < len(self.jobs) else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_hint()

    def _show_hint(self) -> None:
        """What the keys do to the selected job (only what can be done to it), and how to close."""
        from ...core.i18n import t as core_t
        from ...core.jobs import job_actions

        job = self.selected
        if job is None:
            parts = [core_t("jobs.empty", self.lang)] if self.loaded else []
        else:
            other = job.session_id != self.session_id
            parts = [
                t("jobs.retry_other" if action == "retry" and other else f"jobs.{action}", self.lang)
                for action in job_actions(job)
            ]
        self.say(" · ".join([*parts, t("jobs.close", self.lang)]))

    def action_act(self, action: str) -> None:
        from ...core.jobs import job_actions

        job = self.selected
        if job is not None and action in job_actions(job):
            self.dismiss((action, job))
