"""`nemo-tui ask` when the agent asks a question (exit 6, printed; `--answer`), a dropped stream
whose work is found (exit 0, never re-sent), and `--json`: the command body run in-process over a
scripted cloud backend (tests/core/core_fakes.py), the rest of the harness real."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from nemo_tui.backend import Backend
from nemo_tui.commands import exits
from nemo_tui.commands.ask import answer_from_specs, prepare
from nemo_tui.commands.exits import CommandError
from nemo_tui.commands.output import Output
from nemo_tui.commands.runtime import Context
from nemo_tui.core.conversation import Conversation
from nemo_tui.core.settings import Settings
from nemo_tui.core.store import Store
from nemo_tui.protocol import (
    AskQuestion,
    Question,
    QuestionOption,
    SessionState,
    TextDelta,
    ToolCall,
    TurnEnd,
)
from tests.core.core_fakes import SUNSET_DRAFT, Drop, ScriptedCloud

QUESTIONS = [
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
]
ASKS = [AskQuestion(id="q", title="A few details", questions=QUESTIONS), TurnEnd(asked=True)]
REPLY = [TextDelta(text="Making it."), TurnEnd(text="Making it.")]


def test_answer_specs_numbers_labels_and_own_words() -> None:
    assert answer_from_specs(QUESTIONS, ["1", "2,calm"]) == (
        "1. What should the video show?: Ocean\n2. Which moods?: Epic, Calm"
    )
    assert answer_from_specs(QUESTIONS, ["city"]) == "1. What should the video show?: City"
    assert answer_from_specs(QUESTIONS, ["a lighthouse, at dusk"]) == (
        "1. What should the video show?: a lighthouse, at dusk"
    )  # not an option: own words, whole
    assert answer_from_specs(QUESTIONS, ["", "1"]) == "2. Which moods?: Calm"
    with pytest.raises(CommandError, match="takes one answer"):
        answer_from_specs(QUESTIONS, ["1,2"])
    with pytest.raises(CommandError, match="one per question"):
        answer_from_specs(QUESTIONS, ["1", "1", "1"])


def run(backend: ScriptedCloud, tmp_path: Path, *argv: str, json_mode: bool = False) -> tuple[int, str, str]:
    import asyncio

    parser = argparse.ArgumentParser()
    parser.add_argument("prompt", nargs="?")
    parser.add_argument("--session")
    parser.add_argument("--new", action="store_true")
    parser.add_argument("-y", "--yes", action="store_true")
    parser.add_argument("--answer", action="append", default=[])
    args = parser.parse_args(list(argv))
    stdout, stderr = io.StringIO(), io.StringIO()
    out = Output(json_mode=json_mode, stdout=stdout, stderr=stderr)
    store = Store(tmp_path / "nemo.db")
    try:
        body = prepare(args)
    except CommandError as exc:
        return exc.code, "", str(exc)
    conversation = Conversation(
        backend,  # type: ignore[arg-type]
        store,
        backend_key="cloud",
        export_dir=tmp_path,  # type: ignore[arg-type]
        poll_interval_s=0.01,
    )
    b = Backend(
        kind="cloud",
        backend_key="cloud",
        base_url=backend.base_url,
        settings=Settings(),
        client=backend,
        store=store,
        conversation=conversation,
    )  # type: ignore[arg-type]
    try:
        code = asyncio.run(body(Context(args, out, b)))
    except CommandError as exc:
        code = exc.code
        stderr.write(str(exc))
    finally:
        store.close()
    return code, stdout.getvalue(), stderr.getvalue()


def test_a_question_is_printed_and_exits_6_then_answered_in_a_later_run(tmp_path: Path) -> None:
    backend = ScriptedCloud(turns=[ASKS, REPLY])
    code, out, _ = run(backend, tmp_path, "make a video")
    assert code == exits.QUESTION == 6
    assert out == (
        "A few details\n1. What should the video show?\n   1) Ocean\n   2) City\n"
        "2. Which moods? (pick one or more)\n   1) Calm\n   2) Epic\n"
    )
    code, out, _ = run(backend, tmp_path, "--answer", "2", "--answer", "1,2")
    assert code == exits.OK and out == "Making it.\n"
    assert backend.sent == [
        "make a video",
        "1. What should the video show?: City\n2. Which moods?: Calm, Epic",
    ]
    code, _, err = run(backend, tmp_path, "--answer", "1")
    assert code == exits.USAGE and "No question is waiting" in err


def test_answer_given_up_front_is_used_when_the_question_comes(tmp_path: Path) -> None:
    backend = ScriptedCloud(turns=[ASKS, REPLY])
    code, out, _ = run(backend, tmp_path, "make a video", "--answer", "ocean")
    assert code == exits.OK and out == "Making it.\n"
    assert backend.sent[-1] == "1. What should the video show?: Ocean"


def test_json_emits_the_question_as_an_event(tmp_path: Path) -> None:
    code, out, _ = run(ScriptedCloud(turns=[ASKS]), tmp_path, "make a video", json_mode=True)
    assert code == exits.QUESTION
    events = [json.loads(line) for line in out.splitlines()]
    [question] = [e for e in events if e["kind"] == "question"]
    assert question["title"] == "A few details" and question["questions"][1]["allow_multiple"] is True


def test_a_dropped_stream_whose_work_lands_exits_0_and_is_not_resent(tmp_path: Path) -> None:
    turn = [ToolCall(name="generate_video_with_seedance"), Drop()]
    backend = ScriptedCloud(
        turns=[turn],
        states=[SessionState(), SessionState(), SessionState(), SessionState(draft=SUNSET_DRAFT)],
    )
    code, _, err = run(backend, tmp_path, "generate a 10-second sunset")
    assert code == exits.OK, err
    assert backend.sent == ["generate a 10-second sunset"]
    assert "The reply stream broke off." in err  # said, as an error line, but the work was found


def test_a_dropped_stream_with_nothing_found_exits_1_and_offers_no_automatic_resend(tmp_path: Path) -> None:
    backend = ScriptedCloud(turns=[[ToolCall(name="generate_video_with_seedance"), Drop()]])
    code, _, err = run(backend, tmp_path, "generate a 10-second sunset")
    assert code == exits.SERVER
    assert backend.sent == ["generate a 10-second sunset"]
    assert "before anything changed" in err


def test_open_prints_the_claim_link_and_never_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import base64

    from nemo_tui.commands import links

    assert links.osc52("hi") == "\033]52;c;" + base64.b64encode(b"hi").decode() + "\a"
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 5555 10.0.0.1 22")
    assert links.open_in_browser("https://example.invalid") is False  # never on the remote host
    backend = ScriptedCloud()
    store = Store(tmp_path / "nemo.db")
    conversation = Conversation(backend, store, backend_key="cloud", export_dir=tmp_path)  # type: ignore[arg-type]
    store.save_session("cloud", "5529798706024415232", task_id="task_1")
    b = Backend(
        kind="cloud",
        backend_key="cloud",
        base_url=backend.base_url,
        settings=Settings(),
        client=backend,
        store=store,
        conversation=conversation,
    )  # type: ignore[arg-type]
    stdout, stderr = io.StringIO(), io.StringIO()
    args = argparse.Namespace(session=None, no_browser=True, json=False)
    code = asyncio.run(links.prepare(args)(Context(args, Output(stdout=stdout, stderr=stderr), b)))  # type: ignore[arg-type]
    store.close()
    assert code == exits.OK
    assert stdout.getvalue() == "https://nemovideo.com/workspace/claim?ct=clm_abc\n"
