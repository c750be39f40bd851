"""A Conversation stand-in that yields scripted events, for snapshots and widget-level tests.

Behaviour against the real backend is tested with the real Conversation and the local engine; this
one exists so a picture can be taken of a precise state (a 3-track timeline, an export at 40 %).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from nemo_tui.core.events import (
    CreditsUpdated,
    Notice,
    SessionChanged,
    TimelineUpdated,
)
from nemo_tui.protocol import Credits, Draft

THREE_TRACKS = Draft.from_wire(
    {
        "t": [
            {
                "tt": 0,
                "sg": [{"d": 6000, "m": {"name": "city timelapse"}}, {"d": 4000, "m": {"name": "sunset"}}],
            },
            {"tt": 1, "sg": [{"d": 10000, "m": {"name": "Lo-fi", "volume": 35}}]},
            {"tt": 7, "sg": [{"d": 3000, "m": {"text": "Urban Dreams"}}]},
        ]
    }
)
THREE_TRACKS_SUMMARY = (
    "Timeline (3 tracks): 1. Video: city timelapse (0-6s), sunset (6-10s) "
    '2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)'
)


class Hold:
    """In a script: stop here until the test sets `conversation.release`."""


class Fail:
    """In a script: raise this error here (what a broken backend does to the generator)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def startup_events(local: bool = True) -> list[Any]:
    events: list[Any] = [Notice(text="Setting up...")]
    if local:
        events.append(
            Notice(
                text="Using the local engine: videos are made on this computer, procedurally (no AI model)."
            )
        )
    events += [
        SessionChanged(session_id="sess-0123456789abcdef"),
        CreditsUpdated(credits=Credits(available=100, frozen=0, total=100)),
        Notice(level="success", text="Ready. Describe the video you want."),
    ]
    return events


class ScriptedConversation:
    """Each method yields its script; `handle` scripts are consumed in order. `gate`, when set,
    holds a method open after its events (an export "in progress") until the test releases it."""

    def __init__(
        self,
        *,
        start: list[Any] | None = None,
        turns: list[list[Any]] | None = None,
        export: list[Any] | None = None,
        upload: list[Any] | None = None,
        hold: set[str] | None = None,
    ) -> None:
        self.scripts: dict[str, list[Any]] = {
            "start": start if start is not None else startup_events(),
            "export": export or [],
            "upload": upload or [],
            "credits": [],
            "show_state": [],
            "new_session": [SessionChanged(session_id="sess-fedcba9876543210")],
            "resume_pending": [],
        }
        self.turns = list(turns or [])
        self.hold = hold or set()
        self.release = asyncio.Event()
        self.calls: list[tuple[str, str]] = []

    async def _play(self, name: str, events: list[Any]) -> AsyncIterator[Any]:
        for event in events:
            if isinstance(event, Hold):
                await self.release.wait()
                continue
            if isinstance(event, Fail):
                raise event.error
            yield event
            await asyncio.sleep(0)
        if name in self.hold:
            await self.release.wait()

    def start(self):
        self.calls.append(("start", ""))
        return self._play("start", self.scripts["start"])

    def handle(self, text: str):
        self.calls.append(("handle", text))
        return self._play("handle", self.turns.pop(0) if self.turns else [])

    def chat(self, text: str):
        self.calls.append(("chat", text))
        return self._play("handle", self.turns.pop(0) if self.turns else [])

    def answer(self, text: str):
        self.calls.append(("answer", text))
        return self._play("handle", self.turns.pop(0) if self.turns else [])

    def check_for_additions(self):
        self.calls.append(("check_for_additions", ""))
        return self._play("check", self.scripts.get("check", []))

    async def claim_link(self) -> str:
        self.calls.append(("claim_link", ""))
        return "https://nemovideo.com/workspace/claim?ct=clm_123"

    def stop(self) -> None:
        self.calls.append(("stop", ""))

    def export(self):
        self.calls.append(("export", ""))
        return self._play("export", self.scripts["export"])

    def upload(self, path_or_url: str):
        self.calls.append(("upload", path_or_url))
        return self._play("upload", self.scripts["upload"])

    def credits(self):
        self.calls.append(("credits", ""))
        return self._play("credits", self.scripts["credits"])

    def show_state(self):
        self.calls.append(("show_state", ""))
        return self._play("show_state", self.scripts["show_state"])

    def new_session(self):
        self.calls.append(("new_session", ""))
        return self._play("new_session", self.scripts["new_session"])

    def resume_pending(self):
        self.calls.append(("resume_pending", ""))
        return self._play("resume_pending", self.scripts["resume_pending"])


def timeline_turn() -> list[Any]:
    from nemo_tui.core.events import Activity, ReplyDelta, ReplyFinished, ReplyStarted, SuggestedAction

    reply = (
        "Done! I made a **10-second** city timelapse with a sunset, added *Lo-fi* music at 35% "
        'and the title "Urban Dreams".'
    )
    return [
        Activity(label="Generating video…"),
        Activity(running=False),
        ReplyStarted(),
        ReplyDelta(text=reply[:40]),
        ReplyDelta(text=reply[40:]),
        ReplyFinished(text=reply),
        TimelineUpdated(draft=THREE_TRACKS, summary=THREE_TRACKS_SUMMARY),
        SuggestedAction(action="export", label="Export now"),
    ]


def screen_text(app) -> str:
    """What the terminal shows right now, as plain text (one line per row)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def make_app(conversation, **kwargs):
    """A NemoApp with nothing that changes between runs: fixed clock, no animation, no SSH."""
    from nemo_tui.ui.app import NemoApp

    if "backend_label" not in kwargs:  # the local engine, its name in the app's words
        kwargs.setdefault("label_key", "app.sub_local")
        kwargs.setdefault("local", True)
    kwargs.setdefault("environ", {"USER": "tester", "LANG": "en_US.UTF-8"})
    kwargs.setdefault("clock", lambda: 42.0)
    kwargs.setdefault("animate", False)
    return NemoApp(conversation, **kwargs)


async def settle(app, pilot) -> None:
    """Let every running conversation worker finish and the screen catch up."""
    for _ in range(20):  # a finished worker may start a queued one (start -> resume_pending)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.busy:
            return
    raise AssertionError("the app stayed busy")


async def until(pilot, condition, *, timeout_s: float = 10.0, what: str = "the condition") -> None:
    """Poll `condition()` between screen updates until it holds (no fixed sleeps), or fail."""
    import time

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def shot(app, name: str) -> None:
    """With NEMO_UI_SHOTS=DIR, save the screen as DIR/<name>.svg (to look at; nothing asserts it)."""
    import os
    from pathlib import Path

    folder = os.environ.get("NEMO_UI_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        app.save_screenshot(filename=f"{name}.svg", path=folder)
