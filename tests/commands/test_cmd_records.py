"""The record beside every export and `nemo-tui replay` (issue 14), against the local engine."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from commands_helpers import Cli
from pydantic import TypeAdapter

from nemo_tui.commands.replay import ReplayResult
from nemo_tui.core.events import ConversationEvent, ExportDone
from nemo_tui.core.mp4info import read_mp4_info
from nemo_tui.core.records import ExportRecord, record_path
from nemo_tui.protocol import Draft

EVENTS = TypeAdapter(ConversationEvent)
SUNSET = "generate a 2-second video of a sunset over the ocean"


def _export(cli: Cli, target: Path) -> ExportDone:
    assert cli.call("ask", "--new", SUNSET).code == 0
    assert cli.call("ask", "add lo-fi background music").code == 0
    done = cli.call("export", "-o", str(target), "--json")
    assert done.code == 0, done.err
    events = [EVENTS.validate_json(line) for line in done.out.splitlines()]
    (finished,) = [e for e in events if isinstance(e, ExportDone)]
    return finished


def test_every_export_has_a_record_whose_sha256_matches_the_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "sunset.mp4"
    finished = _export(cli, target)
    assert finished.path == target and finished.record == record_path(target)
    assert list(tmp_path.glob("*.json")) == [record_path(target)]  # moved and renamed with -o

    record = ExportRecord.model_validate_json(record_path(target).read_text(encoding="utf-8"))
    data = target.read_bytes()
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert record.size_bytes == len(data) and record.file == "sunset.mp4"
    assert record.prompts == [SUNSET, "add lo-fi background music"]
    assert record.backend == "cloud" and record.backend_key == f"cloud@{cli.base_url}"
    assert record.app_version
    draft = Draft.from_wire(record.draft)
    assert [t.type for t in draft.tracks] == [0, 1] and draft.duration_ms == 2000
    info = read_mp4_info(target)
    assert record.tracks == list(info.handlers) == ["vide", "soun"]
    assert abs(record.duration_s - info.duration_s) < 0.01


def test_replay_renders_the_recorded_draft_again_with_the_same_duration_and_tracks(
    cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "sunset.mp4"
    _export(cli, target)
    again = tmp_path / "again.mp4"
    result = cli.call("replay", str(record_path(target)), "-o", str(again), "--json")
    assert result.code == 0, result.err
    report = ReplayResult.model_validate_json(result.out.splitlines()[-1])
    assert report.matches and report.problems == [] and report.path == again
    first, second = read_mp4_info(target), read_mp4_info(again)
    assert abs(first.duration_s - second.duration_s) < 0.15
    assert (second.width, second.height, second.handlers) == (first.width, first.height, first.handlers)
    # Into a new session: the one the export came from is untouched.
    original = json.loads(record_path(target).read_text(encoding="utf-8"))["session_id"]
    assert report.session_id and report.session_id != original


def test_replay_of_a_file_that_is_not_a_record_says_so_and_starts_nothing(cli: Cli, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    result = cli.call("replay", str(bogus))
    assert result.code == 2
    assert "is not an export record of nemo-tui" in result.err and result.out == ""
    missing = cli.call("replay", str(tmp_path / "gone.mp4.json"))
    assert missing.code == 2 and "No record at" in missing.err
