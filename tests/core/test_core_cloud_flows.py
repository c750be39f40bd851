"""What the cloud does that the local engine doesn't (yet), through the Conversation with a scripted
VideoBackend (tests/core/core_fakes.py): a stream that drops while the work goes on, a question,
one turn per session across processes, additions after the reply, render retry and cancel, costs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from core_fakes import SUNSET_DRAFT, SUNSET_WITH_BGM, Drop, Gate, ScriptedCloud, until

from nemo_tui.core.conversation import Conversation, activity_label
from nemo_tui.core.events import (
    Activity,
    Notice,
    Progress,
    QuestionAsked,
    Recovering,
    ReplyFinished,
    SuggestedAction,
    TimelineUpdated,
    TurnQueued,
    WatchState,
)
from nemo_tui.core.store import Store
from nemo_tui.protocol import (
    AskQuestion,
    Question,
    QuestionOption,
    SessionState,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnd,
)

GENERATE = "generate a 10-second video of a sunset"


async def collect(flow: AsyncIterator[Any]) -> list[Any]:
    return [event async for event in flow]


def of(events: list[Any], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def said(events: list[Any], level: str | None = None) -> list[str]:
    return [e.text for e in of(events, Notice) if level is None or e.level == level]


class Waits:
    """The conversation's sleep: records each wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "nemo.db")


def cloud_conversation(
    backend: ScriptedCloud, store: Store, tmp_path: Path, **kw: Any
) -> tuple[Conversation, Waits]:
    waits = Waits()
    conv = Conversation(
        backend,
        store,
        backend_key="cloud",
        export_dir=tmp_path / "exports",  # type: ignore[arg-type]
        sleep=waits,
        **kw,
    )
    return conv, waits


GENERATION_TURN = [
    TextDelta(text="Generating your sunset clip now."),
    ToolCall(name="generate_video_with_seedance", args={"prompt": "sunset"}),
    Drop(),
]


# ---- a dropped stream ----------------------------------------------------------------------------


async def test_a_dropped_generation_is_never_resent_and_its_result_is_found_on_the_second_read(
    store: Store, tmp_path: Path
) -> None:
    empty = SessionState()
    done = SessionState(draft=SUNSET_DRAFT, video_infos=[{"cdn_url": "https://cdn.invalid/a.mp4"}])
    backend = ScriptedCloud(turns=[GENERATION_TURN], states=[empty, empty, empty, done], anonymous=False)
    conv, waits = cloud_conversation(backend, store, tmp_path)
    events = await collect(conv.handle(GENERATE))
    assert backend.sent == [GENERATE]  # sent once, never again
    assert waits.waits == [30.0, 60.0, 60.0]  # the vendor's cadence: +30 s, then every 60 s
    assert said(events, "error")[0].startswith("The reply stream broke off.")
    start = said(events, "info")
    assert any("not sent again" in line and "then every 1 min, up to 5 times" in line for line in start)
    checks = of(events, Recovering)
    assert [(r.check, r.checks, r.wait_s) for r in checks] == [(1, 5, 30.0), (2, 5, 60.0), (3, 5, 60.0)]
    assert "next check of the project at" in checks[0].text
    assert of(events, TimelineUpdated)[-1].summary == "Timeline (1 track): 1. Video: sunset (0-10s)"
    assert (
        'Found what the service did: Added a 10 s video "sunset"; duration 0 s → 10 s; '
        "1 new video(s) in the project"
    ) in said(events, "info")
    assert said(events, "warning") == [
        "The reply broke off. Here is what got applied so far: Timeline (1 track): 1. Video: sunset (0-10s)"
    ]
    assert not of(events, SuggestedAction)  # nothing to retry: it worked


async def test_a_clip_listed_before_it_is_on_the_timeline_is_followed_until_it_is(
    store: Store, tmp_path: Path
) -> None:
    """The service may list the generated clip (video_infos) a read before it places it in the
    draft: recovery keeps reading on the same cadence until the draft follows, so the clip the person
    asked for is reported as theirs (never later as something the service added on its own)."""
    empty = SessionState()
    listed = SessionState(video_infos=[{"cdn_url": "https://cdn.invalid/a.mp4"}])
    placed = SessionState(draft=SUNSET_DRAFT, video_infos=[{"cdn_url": "https://cdn.invalid/a.mp4"}])
    backend = ScriptedCloud(turns=[GENERATION_TURN], states=[empty, empty, listed, placed], anonymous=False)
    conv, waits = cloud_conversation(backend, store, tmp_path)
    events = await collect(conv.handle(GENERATE))
    assert backend.sent == [GENERATE]
    assert waits.waits == [30.0, 60.0, 60.0]  # listed on the second read, placed on the third
    assert "Found what the service did: 1 new video(s) in the project" in said(events, "info")
    assert 'Now on the timeline: Added a 10 s video "sunset"; duration 0 s → 10 s' in said(events, "info")
    assert said(events, "warning") == [
        "The reply broke off. Here is what got applied so far: Timeline (1 track): 1. Video: sunset (0-10s)"
    ]
    assert of(events, TimelineUpdated)[-1].summary == "Timeline (1 track): 1. Video: sunset (0-10s)"
    additions = await collect(conv.check_for_additions())
    assert not said(additions)  # the clip is not "added by the service on its own"


async def test_unchanged_after_five_reads_says_so_and_offers_a_retry_on_a_key(
    store: Store, tmp_path: Path
) -> None:
    backend = ScriptedCloud(turns=[GENERATION_TURN], anonymous=False)
    conv, waits = cloud_conversation(backend, store, tmp_path)
    events = await collect(conv.handle(GENERATE))
    assert backend.sent == [GENERATE]
    assert waits.waits == [30.0, 60.0, 60.0, 60.0, 60.0]
    assert backend.state_reads == 1 + 5  # the baseline, then five checks
    assert "Nothing changed in 5 checks over about 4.5 min." in said(events, "info")
    assert said(events, "warning") == [
        "The reply broke off before anything changed. Send your message again when ready."
    ]
    [retry] = of(events, SuggestedAction)
    assert (retry.action, retry.payload, retry.label) == ("retry", GENERATE, "Send it again")


async def test_poll_interval_override_and_chinese_words(store: Store, tmp_path: Path) -> None:
    backend = ScriptedCloud(turns=[[ToolCall(name="generate_video_with_seedance"), Drop()]], anonymous=False)
    conv, waits = cloud_conversation(backend, store, tmp_path, poll_interval_s=2.0)
    events = await collect(conv.handle("生成一个10秒的日落视频"))
    assert waits.waits == [2.0] * 5  # NEMO_POLL_INTERVAL_S overrides every cloud interval
    assert of(events, Activity)[0].label == "正在生成视频——通常需要 2–5 分钟"
    assert said(events, "warning") == ["回复在任何改动之前就中断了。准备好后请重新发送。"]
    assert of(events, SuggestedAction)[0].label == "重新发送"
    assert "连接中断" in of(events, Recovering)[0].text


async def test_recovery_is_cancellable(store: Store, tmp_path: Path) -> None:
    backend = ScriptedCloud(turns=[GENERATION_TURN])
    conv = Conversation(
        backend,
        store,
        backend_key="cloud",
        export_dir=tmp_path,  # type: ignore[arg-type]
        recovery_first_s=30.0,
    )
    flow = conv.handle(GENERATE)
    seen: list[Any] = []

    async def run() -> None:
        async for event in flow:
            seen.append(event)

    task = asyncio.ensure_future(run())
    await until(lambda: of(seen, Recovering), "waiting (really) for the first check")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert backend.sent == [GENERATE] and backend.state_reads == 1


# ---- ask_question ----------------------------------------------------------------------------------

QUESTION = AskQuestion(
    id="q1",
    title="A few details",
    questions=[
        Question(
            id="subject",
            prompt="What should the video show?",
            options=[QuestionOption(id="a", label="Ocean"), QuestionOption(id="b", label="City")],
        ),
        Question(
            id="mood",
            prompt="Which moods?",
            allow_multiple=True,
            options=[QuestionOption(id="c", label="Calm"), QuestionOption(id="d", label="Epic")],
        ),
    ],
)


async def test_a_question_is_shown_kept_and_the_answer_goes_back_as_the_next_message(
    store: Store, tmp_path: Path
) -> None:
    backend = ScriptedCloud(
        turns=[
            [QUESTION, TurnEnd(asked=True)],
            [TextDelta(text="Making an ocean clip."), TurnEnd(text="Making an ocean clip.")],
        ]
    )
    conv, _ = cloud_conversation(backend, store, tmp_path)
    events = await collect(conv.handle("make a video"))
    [asked] = of(events, QuestionAsked)
    assert asked.title == "A few details" and [q.id for q in asked.questions] == ["subject", "mood"]
    assert not of(events, ReplyFinished)  # no "the reply was empty" for a question
    assert (await conv.pending_question()) == asked  # kept for `ask --answer` in a later run
    sid = backend.session.session_id  # type: ignore[union-attr]
    assert store.messages(sid)[-1].text.startswith(
        "A few details\n1. What should the video show?\n   1) Ocean"
    )

    answer = "1. What should the video show?: Ocean\n2. Which moods?: Calm, Epic"
    events = await collect(conv.answer(answer))
    assert backend.sent == ["make a video", answer]  # the answer, verbatim, as the next message
    assert of(events, ReplyFinished)[-1].text == "Making an ocean clip."
    assert await conv.pending_question() is None
    assert [m.role for m in store.messages(sid)][-2:] == ["user", "assistant"]


# ---- one turn per session ------------------------------------------------------------------------


async def test_a_second_conversation_on_the_same_session_waits_for_the_first(
    store: Store, tmp_path: Path
) -> None:
    first_backend = ScriptedCloud(turns=[[Gate(), TextDelta(text="one"), TurnEnd(text="one")]])
    first, _ = cloud_conversation(first_backend, store, tmp_path)
    running = asyncio.ensure_future(collect(first.handle("add a title 'one'")))
    await until(lambda: first_backend.sent, "the first turn being sent")
    sid = first_backend.session.session_id  # type: ignore[union-attr]
    second_store = Store(tmp_path / "nemo.db")  # another process: its own connection to the same file
    second_backend = ScriptedCloud(turns=[[TextDelta(text="two"), TurnEnd(text="two")]])
    second, _ = cloud_conversation(second_backend, second_store, tmp_path, lock_poll_s=0.02)
    second_backend.use_session(sid)
    second._session_id = sid  # as start() does when it reopens the last session
    waiting = asyncio.ensure_future(collect(second.handle("add a title 'two'")))
    await asyncio.sleep(0.2)
    assert second_backend.sent == []  # still waiting for the first turn
    first_backend.release.set()
    events = await waiting
    await running
    [queued] = of(events, TurnQueued)
    assert "your message waits for it to finish" in queued.text and "process" in queued.holder
    assert second_backend.sent == ["add a title 'two'"]
    assert store.try_lock_turn(sid, "someone-else") is None  # released when the turn ended


async def test_a_stale_lock_is_taken_over(store: Store) -> None:
    assert store.try_lock_turn("s", "dead", pid=999_999_999, host="here", now=100.0) is None
    assert store.try_lock_turn("s", "me", host="here", now=101.0) is None  # its pid no longer runs
    holder = store.try_lock_turn("s", "other", host="elsewhere", now=102.0)
    assert holder is not None and holder.owner == "me"
    assert store.try_lock_turn("s", "other", host="elsewhere", now=101.0 + 91) is None  # no heartbeat


# ---- two-stage generation --------------------------------------------------------------------------


async def test_what_the_backend_adds_after_the_reply_is_said_with_how_to_remove_it(
    store: Store, tmp_path: Path
) -> None:
    turn = [
        ToolCall(name="generate_video_with_seedance"),
        ToolResult(name="generate_video_with_seedance"),
        TextDelta(text="Here is your sunset."),
        TurnEnd(text="Here is your sunset.", changed_state=True),
    ]
    backend = ScriptedCloud(
        turns=[turn],
        states=[SessionState(), SessionState(draft=SUNSET_DRAFT), SessionState(draft=SUNSET_WITH_BGM)],
    )
    conv, _ = cloud_conversation(backend, store, tmp_path)
    events = await collect(conv.handle(GENERATE))
    [watch] = of(events, WatchState)
    assert watch.delays_s == [30.0, 90.0, 210.0]  # the cloud; none on the local engine
    later = await collect(conv.check_for_additions())
    assert of(later, TimelineUpdated)[-1].draft == SUNSET_WITH_BGM
    assert said(later) == [
        'The service added background music "Calm Waves" on its own after the reply. '
        "To remove it, say “remove the music”."
    ]
    assert await collect(conv.check_for_additions()) == []  # nothing new: nothing said


async def test_export_reads_state_again_and_reports_a_changed_draft(store: Store, tmp_path: Path) -> None:
    turn = [ToolCall(name="generate_video_with_seedance"), TurnEnd(text="Done.", changed_state=True)]
    backend = ScriptedCloud(
        turns=[turn],
        states=[SessionState(), SessionState(draft=SUNSET_DRAFT), SessionState(draft=SUNSET_WITH_BGM)],
    )
    conv, _ = cloud_conversation(backend, store, tmp_path)
    await collect(conv.handle(GENERATE))
    events = await collect(conv.export())
    assert said(events)[0].startswith('The service added background music "Calm Waves"')
    assert "Exporting your video… Exporting is free." in said(events)
    assert backend.renders  # and it rendered the new draft


# ---- render: retry once, cancel on stop -------------------------------------------------------------


async def test_a_failed_render_is_retried_once_with_a_new_id(store: Store, tmp_path: Path) -> None:
    backend = ScriptedCloud(states=[SessionState(draft=SUNSET_DRAFT)], render_failures=2)
    conv, _ = cloud_conversation(backend, store, tmp_path)
    await collect(conv.start())
    backend.session = None
    await conv.backend.create_session()
    conv._session_id = backend.session.session_id  # type: ignore[union-attr]
    events = await collect(conv.export())
    assert backend.renders == ["render_1", "render_2"]
    assert said(events, "error") == ["The export failed on the server. node fell over"]
    assert store.render("render_1").status == "retried"  # type: ignore[union-attr]
    assert store.render("render_2").status == "failed"  # type: ignore[union-attr]


async def test_stopping_an_export_cancels_the_render_on_the_server(store: Store, tmp_path: Path) -> None:
    backend = ScriptedCloud(states=[SessionState(draft=SUNSET_DRAFT)], render_gate=True)
    conv, _ = cloud_conversation(backend, store, tmp_path)
    await backend.create_session()
    conv._session_id = backend.session.session_id  # type: ignore[union-attr]
    seen: list[Any] = []

    async def run() -> None:
        async for event in conv.export():
            seen.append(event)

    task = asyncio.ensure_future(run())
    await until(lambda: of(seen, Progress), "render progress")
    conv.stop()  # Ctrl+G / Esc in the TUI
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert backend.cancelled == ["render_1"]
    assert store.render("render_1").status == "cancelled"  # type: ignore[union-attr]
    assert store.pending_renders("cloud") == []


async def test_an_interrupted_export_without_stop_stays_pending(store: Store, tmp_path: Path) -> None:
    backend = ScriptedCloud(states=[SessionState(draft=SUNSET_DRAFT)], render_gate=True)
    conv, _ = cloud_conversation(backend, store, tmp_path)
    await backend.create_session()
    conv._session_id = backend.session.session_id  # type: ignore[union-attr]
    task = asyncio.ensure_future(collect(conv.export()))
    await until(lambda: backend.renders and store.pending_renders("cloud"), "the render starting")
    task.cancel()  # the app quit: resumed next start
    with pytest.raises(asyncio.CancelledError):
        await task
    assert backend.cancelled == []
    assert [r.job_id for r in store.pending_renders("cloud")] == ["render_1"]


# ---- costs, labels ---------------------------------------------------------------------------------


async def test_cost_is_said_once_before_the_first_generation_on_an_anonymous_cloud_token(
    store: Store, tmp_path: Path
) -> None:
    backend = ScriptedCloud(turns=[[TurnEnd(text="ok")], [TurnEnd(text="ok")]])
    conv, _ = cloud_conversation(backend, store, tmp_path)
    first = await collect(conv.handle(GENERATE))
    note = [line for line in said(first, "warning") if "100 credits" in line]
    assert note and "export" in note[0].lower() and "about one clip" in note[0]
    again = await collect(conv.handle("generate another video of the sea"))
    assert not [line for line in said(again) if "100 credits" in line]


async def test_no_cost_note_for_a_registered_token_or_the_local_engine(store: Store, tmp_path: Path) -> None:
    registered = ScriptedCloud(turns=[[TurnEnd(text="ok")]], anonymous=False)
    conv, _ = cloud_conversation(registered, store, tmp_path)
    assert not [x for x in said(await collect(conv.handle(GENERATE))) if "credits" in x]
    local = ScriptedCloud(turns=[[TurnEnd(text="ok")]])
    conv = Conversation(local, store, backend_key="local", export_dir=tmp_path)  # type: ignore[arg-type]
    assert not [x for x in said(await collect(conv.handle(GENERATE))) if "credits" in x]


def test_activity_labels_for_the_vendors_tools() -> None:
    assert activity_label("generate_video_with_seedance", "en") == "Generating video — usually 2–5 min"
    assert activity_label("generate_music", "en") == "Generating music — 1–2 min"
    assert activity_label("edit_multitrack", "en") == "Editing the timeline"
    assert activity_label("edit_multitrack", "zh") == "正在编辑时间线"
    assert activity_label("set_background_music", "en") == "Adding music…"  # the others keep theirs
    assert activity_label("generate_video", "en") == "Generating video…"
