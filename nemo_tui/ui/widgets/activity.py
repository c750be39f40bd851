"""One line saying a tool is running: spinner, what, and for how long. Tool calls never show raw."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from ..text import clean

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
SPINNER_ASCII = "|/-\\"


class ActivityIndicator(Widget):
    """Hidden while idle. `clock` is injectable and `animate=False` pins the spinner, so snapshots
    and tests see the same frame and elapsed time every run."""

    label: reactive[str] = reactive("", layout=False)

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        animate: bool = True,
        ascii_only: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self._clock = clock
        self._spin = animate  # not `_animate`: Textual keeps the widget's animator there
        self._frames = SPINNER_ASCII if ascii_only else SPINNER
        self._frame = 0
        self._started: float | None = None
        self._timer: Timer | None = None
        self.display = False

    def start(self, label: str) -> None:
        self.label = clean(label)
        if self._started is None:
            self._started = self._clock()
            self._frame = 0
        self.display = True
        if self._spin and self._timer is None:
            self._timer = self.set_interval(0.1, self._tick)
        self.refresh()

    def stop(self) -> None:
        self._started = None
        self.display = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(self._frames)
        self.refresh()

    def elapsed_s(self) -> int:
        return 0 if self._started is None else max(int(self._clock() - self._started), 0)

    def render(self) -> Content:
        secs = self.elapsed_s()
        elapsed = f"{secs}s" if secs < 60 else f"{secs // 60}m{secs % 60:02d}s"
        return Content.assemble(
            (self._frames[self._frame], "bold $accent"),
            " ",
            self.label,
            (f"  {elapsed}", "dim"),
        )
