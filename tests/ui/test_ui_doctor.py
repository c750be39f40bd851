"""The doctor screen: the report's lines with the fix under each problem, `r` checks again, Esc
closes, and checks that break are said in the box, not raised."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Static
from ui_scripted import ScriptedConversation, make_app, screen_text, settle, until

import nemo_tui.doctor
from nemo_tui.doctor.model import Check, DoctorReport
from nemo_tui.ui.screens.doctor import DoctorScreen


def report() -> DoctorReport:
    return DoctorReport.of(
        "0.1.0",
        [
            Check.ok("terminal", "Terminal", "TERM=xterm-256color, 120×40"),
            Check.warn(
                "tmux", "tmux", "tmux 3.4: allow-passthrough off [/bold]", "tmux set -g allow-passthrough on"
            ),
            Check.fail("ffmpeg", "ffmpeg", "no libx264", "unset NEMO_FFMPEG"),
        ],
    )


class Host(App):
    def __init__(self, run_checks) -> None:
        super().__init__()
        self.run_checks = run_checks

    def on_mount(self) -> None:
        self.push_screen(DoctorScreen(self.run_checks))


def shown(app: App) -> str:
    return str(app.screen.query_one("#doctor-report", Static).render())


async def test_the_report_shows_each_check_with_its_fix_and_checks_again_on_r() -> None:
    calls: list[int] = []

    def run_checks() -> DoctorReport:
        calls.append(1)
        return report()

    app = Host(run_checks)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = shown(app)
        lines = text.splitlines()
        warn = next(i for i, line in enumerate(lines) if line.startswith("warn"))
        assert "allow-passthrough off [/bold]" in lines[warn], "server-free text, shown as written"
        assert lines[warn + 1].strip() == "fix: tmux set -g allow-passthrough on"
        assert any(line.startswith("fail") and "no libx264" in line for line in lines)
        assert any(line.startswith("ok") and "Terminal" in line for line in lines)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        assert len(calls) == 2
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DoctorScreen)


async def test_a_check_run_that_breaks_is_said_in_the_box() -> None:
    def run_checks() -> DoctorReport:
        raise OSError("no /proc here")

    app = Host(run_checks)
    async with app.run_test(size=(100, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "The checks could not run: OSError: no /proc here" in shown(app)


@pytest.mark.parametrize(("local", "skipped"), [(True, {"local_engine"}), (False, set())])
async def test_the_palette_opens_the_doctor_which_skips_the_engine_the_app_already_runs(
    monkeypatch: pytest.MonkeyPatch, local: bool, skipped: set[str]
) -> None:
    asked: list[frozenset[str]] = []

    def run_checks(*, skip: frozenset[str] = frozenset()) -> DoctorReport:
        asked.append(skip)
        return report()

    monkeypatch.setattr(nemo_tui.doctor, "run_checks", run_checks)
    app = make_app(ScriptedConversation(), local=local, backend_label="local engine" if local else "cloud")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"doctor")
        # The palette searches in a worker of its own: wait for the row to show.
        title = "Doctor: check terminal, fonts, ffmpeg, backends"
        await until(pilot, lambda: title in screen_text(app), what="the doctor row")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DoctorScreen)
        await until(pilot, lambda: "fix: tmux" in shown(app), what="the report")
        assert asked == [frozenset(skipped)]
        assert "fix: tmux set -g allow-passthrough on" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DoctorScreen)
