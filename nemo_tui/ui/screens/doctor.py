"""The doctor's report in the TUI: the same checks as `nemo-tui doctor`, one line each (ok / warn /
fail) with the fix under each problem. The checks block (subprocesses, an engine start, a network
probe), so they run in a thread worker; `r` runs them again after a fix.

The screen is handed the function that runs the checks (`nemo_tui.doctor.run_checks`, with `skip`
as the app needs): the UI layer does not reach into the headless commands by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from ...doctor.model import DoctorReport

_STATUS_STYLE = {"ok": "bold $success", "warn": "bold $warning", "fail": "bold $error"}
_WORDS = {
    "en": (
        "Doctor",
        "Checking the terminal, fonts, ffmpeg, folders and backends…",
        "r check again · Esc close",
    ),
    "zh": ("诊断", "正在检查终端、字体、ffmpeg、文件夹和后端…", "r 重新检查 · Esc 关闭"),
}


def report_content(report: DoctorReport) -> Content:
    """The report as styled text; every string in it is plain (paths and messages are not markup)."""
    width = max((len(c.title) for c in report.checks), default=0)
    parts: list[str | tuple[str, str]] = []
    for check in report.checks:
        parts += [
            (f"{check.status:<4}", _STATUS_STYLE[check.status]),
            f"  {check.title:<{width}}  {check.detail}\n",
        ]
        if check.fix:
            parts += [" " * (width + 8), ("fix: ", "bold"), f"{check.fix}\n"]
    return Content.assemble(*parts)


class DoctorScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="doctor.close"),
        Binding("r", "recheck", "Check again", id="doctor.recheck"),
    ]
    DEFAULT_CSS = """
    DoctorScreen { align: center middle; }
    #doctor-box { width: 90%; max-width: 130; height: auto; max-height: 90%; border: round $primary;
                  padding: 0 1; background: $surface; }
    #doctor-box VerticalScroll { height: auto; max-height: 30; }
    #doctor-hint { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, run_checks: Callable[[], DoctorReport], *, lang: str = "en") -> None:
        super().__init__()
        self._run_checks = run_checks
        self.words = _WORDS.get(lang, _WORDS["en"])
        self.report: DoctorReport | None = None

    def compose(self) -> ComposeResult:
        title, checking, hint = self.words
        with Vertical(id="doctor-box") as box:
            box.border_title = Content(title)
            with VerticalScroll():
                yield Static(Content(checking), id="doctor-report", markup=False)
            yield Static(Content(hint), id="doctor-hint", markup=False)

    def on_mount(self) -> None:
        self.check()

    @work(thread=True, exclusive=True, group="doctor", exit_on_error=False)
    def check(self) -> None:
        try:
            report = self._run_checks()
        except Exception as e:  # never a crash: say it in the box
            self.app.call_from_thread(self._show_text, f"The checks could not run: {type(e).__name__}: {e}")
            return
        self.app.call_from_thread(self._show, report)

    def _show(self, report: DoctorReport) -> None:
        self.report = report
        self.query_one("#doctor-report", Static).update(report_content(report))

    def _show_text(self, text: str) -> None:
        self.query_one("#doctor-report", Static).update(Content(text))

    def action_recheck(self) -> None:
        self._show_text(self.words[1])
        self.check()

    def action_close(self) -> None:
        self.dismiss(None)
