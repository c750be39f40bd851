"""Render / download / upload progress: a labelled bar, shown only while something is moving."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, ProgressBar

if TYPE_CHECKING:  # the protocol's pydantic models load after the first paint
    from ...core.events import Progress
from ...core.i18n import format_size
from ..strings import t


class TransferProgress(Horizontal):
    def __init__(self, *, lang: str = "en", **kwargs) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.phase: str | None = None
        self.display = False

    def compose(self) -> ComposeResult:
        yield Label(id="transfer-phase", markup=False)
        yield ProgressBar(total=100, show_eta=False, id="transfer-bar")
        yield Label(id="transfer-detail", markup=False)

    def show(self, event: Progress) -> None:
        self.phase = event.phase
        self.display = True
        self.query_one("#transfer-phase", Label).update(Content(t(f"progress.{event.phase}", self.lang)))
        bar = self.query_one(ProgressBar)
        fraction = event.fraction
        if fraction is None and event.done is not None and event.total:
            fraction = event.done / event.total
        if fraction is None:
            bar.update(total=None)  # unknown: an indeterminate bar rather than a made-up number
        else:
            bar.update(total=100, progress=round(min(max(fraction, 0.0), 1.0) * 100, 1))
        detail = ""
        if event.done is not None and event.phase in ("download", "upload"):
            detail = format_size(event.done) + (f" / {format_size(event.total)}" if event.total else "")
        self.query_one("#transfer-detail", Label).update(Content(detail))

    def hide(self) -> None:
        self.phase = None
        self.display = False
