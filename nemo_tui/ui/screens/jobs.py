"""Ctrl+R: every export, preview and generation the app started on this backend, across sessions
and restarts, newest first — status, progress, "about N s left" (learned from past jobs) — and what
can be done to the selected one: `d` download a finished export again, `r` render a failed one
again, `c` cancel a running render. The screen closes with the choice; the app runs it. The same
rows as `nemo-tui jobs` (core/jobs.py).

The store is sqlite3: it is read in a thread worker, again every second while a job runs. Labels
are prompts and file names: every cell is plain `Text` (a DataTable parses `str` cells as markup)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ..strings import t
from ..text import one_line

if TYPE_CHECKING:
    from ...core.jobs import JobsReport, JobView
    from ...core.store import Store

REFRESH_S = 1.0  # how often a running job's progress is read again
LIMIT = 50
WHAT_WIDTH = 48


class JobsScreen(ModalScreen["tuple[str, JobView] | None"]):
    BINDINGS = [
        Binding("escape", "close", "Close", id="jobs.close"),
        Binding("d", "act('download')", show=False, id="jobs.download"),
        Binding("r", "act('retry')", show=False, id="jobs.retry"),
        Binding("c", "act('cancel')", show=False, id="jobs.cancel"),
    ]

    def __init__(
        self, store: Store, backend_key: str, *, session_id: str | None = None, lang: str = "en"
    ) -> None:
        super().__init__()
        self.store = store
        self.backend_key = backend_key
        self.session_id = session_id  # the app's: retrying another session's export switches to it
        self.lang = lang
        self.jobs: list[JobView] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="jobs-box", classes="records-box") as box:
            box.border_title = Content(t("jobs.title", self.lang))
            yield DataTable(id="jobs-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="jobs-hint", classes="records-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for i, label in enumerate(t("jobs.columns", self.lang).split("|")):
            table.add_column(Text(label), key=f"c{i}")
        table.focus()
        self._load()
        self.set_interval(REFRESH_S, self._tick)

    def _tick(self) -> None:
        if any(job.running for job in self.jobs):
            self._load()

    @work(thread=True, exclusive=True, group="jobs-load", exit_on_error=False)
    def _load(self) -> None:
        from ...core.jobs import jobs_report

        try:
            report = jobs_report(self.store, self.backend_key, limit=LIMIT)
        except Exception as exc:  # a locked or broken database: say so, never a silent blank
            detail = one_line(str(exc)) or type(exc).__name__
            self.app.call_from_thread(self._say, t("jobs.failed", self.lang, detail=detail))
            return
        self.app.call_from_thread(self._show, report)

    def _say(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#jobs-hint", Static).update(Content(text))

    def _show(self, report: JobsReport) -> None:
        from ...core.jobs import job_cells

        if not self.is_attached:  # closed while it was read
            return
        table = self.query_one(DataTable)
        chosen = self.selected
        self.jobs = list(report.jobs)
        this_year = time.strftime("%Y")  # the year said only when it is not this one
        table.clear()
        for job in self.jobs:
            when, job_id, kind, status, what = job_cells(job, self.lang, full_path=False)
            what = one_line(what)
            what = what if len(what) <= WHAT_WIDTH else what[: WHAT_WIDTH - 1] + "…"
            style = "red" if job.status == "failed" else "green" if job.status == "completed" else ""
            table.add_row(
                Text(when[5:] if when[:4] == this_year else when),
                Text(job_id),
                Text(kind),
                Text(status, style=style),
                Text(what),
                key=job.id,
            )
        if chosen is not None and any(job.id == chosen.id for job in self.jobs):
            table.move_cursor(row=table.get_row_index(chosen.id))
        self.loaded = True
        self._show_hint()

    @property
    def selected(self) -> JobView | None:
        table = self.query_one(DataTable)
        if not self.jobs or not 0 <= table.cursor_row < len(self.jobs):
            return None
        return self.jobs[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_hint()

    def _show_hint(self) -> None:
        from ...core.i18n import t as core_t
        from ...core.jobs import job_actions

        job = self.selected
        if job is None:
            parts = [core_t("jobs.empty", self.lang)] if self.loaded else []
        else:
            other = job.session_id != self.session_id
            parts = [
                t("jobs.retry_other" if a == "retry" and other else f"jobs.{a}", self.lang)
                for a in job_actions(job)
            ]
        self._say(" · ".join([*parts, t("jobs.close", self.lang)]))

    def action_act(self, action: str) -> None:
        from ...core.jobs import job_actions

        job = self.selected
        if job is not None and action in job_actions(job):
            self.dismiss((action, job))

    def action_close(self) -> None:
        self.dismiss(None)
