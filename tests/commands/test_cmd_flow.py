"""The headless commands end to end: real `nemo-tui` processes with pipes ↔ the local engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import av
from commands_helpers import CLEARED, ROOT, Cli
from pydantic import TypeAdapter

from nemo_tui.commands.info import SESSION_LISTINGS
from nemo_tui.core.events import ConversationEvent
from nemo_tui.core.store import Store
from nemo_tui.protocol import Credits, Draft, TrackType

EVENTS = TypeAdapter(ConversationEvent)
SUNSET = "generate a 2-second video of a sunset over the ocean"


def test_ask_from_stdin_then_status_and_export_continue_the_same_timeline(cli: Cli, tmp_path: Path) -> None:
    asked = cli.run("ask", "-", stdin=SUNSET + "\n")
    assert asked.code == 0, asked.err
    assert "sunset" in asked.out and asked.out.endswith("\n")
    assert asked.err == ""  # a pipe gets no progress or colour, and nothing went wrong

    status = cli.run("status")
    assert status.code == 0, status.err
    assert status.out.startswith("Timeline (1 track): 1. Video: ") and "(0-2s)" in status.out
    assert status.out.count("\n") == 1

    target = tmp_path / "sunset.mp4"
    exported = cli.run("export", "-o", str(target))
    assert exported.code == 0, exported.err
    assert exported.out == f"{target}\n"
    with av.open(str(target)) as mp4:
        assert mp4.streams.video[0].codec_context.name == "h264"
        assert abs(mp4.duration / 1e6 - 2.0) < 0.3

    # Headless turns are history like TUI turns: one session, the prompt and the reply in order.
    store = Store(cli.db_path)
    try:
        (session,) = store.list_sessions()
        roles = [(m.role, m.text) for m in store.messages(session.session_id)]
    finally:
        store.close()
    assert session.title == SUNSET and session.backend_key == f"cloud@{cli.base_url}"
    assert roles[0] == ("user", SUNSET)
    assert ("assistant", asked.out.strip()) in roles


def test_ask_json_prints_one_typed_event_per_line(cli: Cli) -> None:
    result = cli.run("ask", "--json", SUNSET)
    assert result.code == 0, result.err
    events = [EVENTS.validate_json(line) for line in result.out.splitlines()]
    kinds = [e.kind for e in events]
    assert kinds.index("reply_started") < kinds.index("reply_delta") < kinds.index("reply_finished")
    streamed = "".join(e.text for e in events if e.kind == "reply_delta")
    finished = [e.text for e in events if e.kind == "reply_finished" and e.text]
    assert finished == [streamed]
    (update,) = [e for e in events if e.kind == "timeline_updated"]
    assert [t.kind for t in update.draft.tracks] == [TrackType.VIDEO]
    assert update.draft.duration_ms == 2000


def test_status_json_is_the_draft_and_credits_json_the_balance(cli: Cli) -> None:
    empty = cli.call("status", "--json")
    assert empty.code == 0 and Draft.model_validate_json(empty.out).tracks == []
    before = Credits.model_validate_json(cli.call("credits", "--json").out)

    assert cli.call("ask", SUNSET).code == 0
    assert cli.call("ask", "add lo-fi background music at 35%").code == 0
    draft = Draft.model_validate_json(cli.call("status", "--json").out)
    assert [t.kind for t in draft.tracks] == [TrackType.VIDEO, TrackType.AUDIO]
    assert draft.tracks[1].segments[0].volume == 0.35

    after = cli.call("credits")
    assert after.code == 0
    available = Credits.model_validate_json(cli.call("credits", "--json").out).available
    assert available < before.available  # generating cost credits
    assert after.out.startswith("Credits: ") and f"{available:g} available" in after.out


def test_sessions_lists_title_last_use_and_timeline_duration(cli: Cli) -> None:
    assert cli.call("ask", "--new", SUNSET).code == 0
    assert cli.call("ask", "--new", "generate a 1-second video of snow").code == 0
    listed = cli.call("sessions", "--json")
    assert listed.code == 0, listed.err
    rows = SESSION_LISTINGS.validate_json(listed.out)
    assert [r.title for r in rows] == ["generate a 1-second video of snow", SUNSET]
    assert [r.duration_ms for r in rows] == [1000, 2000]
    assert rows[0].current and not rows[1].current and rows[0].last_used >= rows[1].last_used

    plain = cli.call("sessions").out.splitlines()
    assert plain[0].startswith(f"* {rows[0].session_id}\t") and plain[0].endswith(
        "\tgenerate a 1-second video of snow"
    )
    assert "\t2 s\t" in plain[1]

    # --session picks the older one by a prefix; it becomes the default for what follows.
    older = rows[1].session_id
    titled = cli.call("ask", "--session", older[:8], "add a title 'Dusk' for 1 second")
    assert titled.code == 0, titled.err
    assert 'Title: "Dusk"' in cli.call("status").out
    assert json.loads(cli.call("sessions", "--json", "--offline").out)[0]["session_id"] == older


def test_upload_puts_a_file_into_the_session(cli: Cli, tmp_path: Path) -> None:
    clip = tmp_path / "beach.mp4"
    assert cli.call("ask", SUNSET).code == 0
    exported = cli.call("export", "-o", str(clip))  # a real MP4 to send back
    assert exported.code == 0, exported.err
    saved = [
        e
        for e in map(EVENTS.validate_json, cli.call("export", "--json", "-o", str(clip)).out.splitlines())
        if e.kind in ("export_done", "notice") and str(clip.parent) in getattr(e, "text", str(clip))
    ]
    assert [e.kind for e in saved] == ["export_done", "notice"]  # both name the -o file
    assert saved[0].path == clip and str(clip) in saved[1].text
    uploaded = cli.run("upload", str(clip), "--json")
    assert uploaded.code == 0, uploaded.err
    events = [EVENTS.validate_json(line) for line in uploaded.out.splitlines()]
    (done,) = [e for e in events if e.kind == "upload_done"]
    assert [m.name for m in done.media] == ["beach.mp4"]
    plain = cli.call("upload", str(clip))
    assert plain.code == 0 and plain.out.endswith("\tbeach.mp4\n")


def test_local_flag_runs_the_embedded_engine_in_process(cli: Cli) -> None:
    result = cli.run("credits", "--local", backend=False)
    assert result.code == 0, result.err
    assert result.out.startswith("Credits: 100 available")
    assert (cli.data_dir / "engine").is_dir()  # the engine keeps its state under NEMO_DATA_DIR


def test_an_ambiguous_message_is_sent_as_chat_unless_yes_confirms_it(cli: Cli) -> None:
    assert cli.call("ask", SUNSET).code == 0
    asked = cli.call("ask", "--json", "how do I export?")
    kinds = [EVENTS.validate_json(line).kind for line in asked.out.splitlines()]
    assert asked.code == 0 and "confirm_needed" in kinds and "reply_finished" in kinds
    assert "export_done" not in kinds and not list(cli.export_dir.glob("*.mp4"))

    confirmed = cli.call("ask", "--yes", "how do I export?")
    assert confirmed.code == 0, confirmed.err
    (mp4,) = cli.export_dir.glob("*.mp4")
    assert str(mp4) in confirmed.out  # the export's own report is the answer


def test_a_closed_pipe_on_stdout_is_not_an_error(cli: Cli) -> None:
    """`nemo-tui sessions | head -1`: the reader leaves early; no traceback, no failure."""
    assert cli.call("ask", SUNSET).code == 0
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(cli.env())
    proc = subprocess.Popen(
        [sys.executable, "-m", "nemo_tui", "--backend", "cloud", "sessions"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    proc.stdout.close()  # gone before the command writes a byte
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert err == ""
