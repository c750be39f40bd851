"""The jobs list and streamed progress for scripts (issue 14), against the local engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from commands_helpers import CLEARED, ROOT, Cli
from pydantic import TypeAdapter

from nemo_tui.core.events import ConversationEvent, Progress
from nemo_tui.core.jobs import JobsReport
from nemo_tui.core.records import record_path
from nemo_tui.core.store import Store
from nemo_tui.engine.runner import EngineServer

EVENTS = TypeAdapter(ConversationEvent)
SUNSET = "generate a 2-second video of a sunset over the ocean"


def _jobs(cli: Cli) -> JobsReport:
    result = cli.call("jobs", "--json")
    assert result.code == 0, result.err
    return JobsReport.model_validate_json(result.out)


def test_a_killed_apps_running_export_shows_in_jobs_after_restart_and_completes(
    cli: Cli, engine_server: EngineServer
) -> None:
    assert cli.call("ask", "--new", SUNSET).code == 0
    (generation,) = _jobs(cli).jobs
    assert generation.kind == "generation" and generation.status == "completed" and generation.video_s == 2

    engine_server.faults.slow_render_s = 3.0
    env = {k: v for k, v in os.environ.items() if k not in CLEARED} | cli.env()
    app = subprocess.Popen(
        [sys.executable, "-m", "nemo_tui", "--backend", "cloud", "export"],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        store = Store(cli.db_path)
        try:
            while not [j for j in store.jobs() if j.kind == "export"]:
                assert time.monotonic() < deadline and app.poll() is None, "the export never started"
                time.sleep(0.05)
        finally:
            store.close()
    finally:
        app.kill()
        app.wait(timeout=30)

    (export,) = [j for j in _jobs(cli).jobs if j.kind == "export"]
    assert export.running and export.finished is None and export.status not in ("completed", "failed")
    assert export.path is not None and not export.path.exists()
    text = cli.call("jobs")
    assert export.id in text.out and "export" in text.out

    engine_server.faults.slow_render_s = 0.0
    resumed = cli.call("export", "--resume")
    assert resumed.code == 0, resumed.err
    assert resumed.out.strip() == str(export.path) and export.path.exists()
    (done,) = [j for j in _jobs(cli).jobs if j.kind == "export"]
    assert done.id == export.id and done.status == "completed" and not done.running
    assert record_path(export.path).exists()


def test_export_json_streams_progress_lines_with_percent_and_a_learned_eta(
    cli: Cli, engine_server: EngineServer
) -> None:
    assert cli.call("ask", "--new", SUNSET).code == 0
    engine_server.faults.slow_render_s = 0.6
    first = cli.call("export", "--json")
    assert first.code == 0, first.err
    lines = [json.loads(line) for line in first.out.splitlines()]
    progress = [line for line in lines if line["kind"] == "progress" and line["phase"] == "render"]
    assert progress and all("percent" in p and "eta_s" in p for p in progress)
    assert lines[-1]["kind"] == "notice" and any(line["kind"] == "export_done" for line in lines)
    # Progress lines come before the result: printed as they happen, not collected at the end.
    assert lines.index(progress[0]) < [line["kind"] for line in lines].index("export_done")

    second = cli.call("export", "--json")
    events = [EVENTS.validate_json(line) for line in second.out.splitlines()]
    etas = [e.eta_s for e in events if isinstance(e, Progress) and e.phase == "render"]
    assert any(eta is not None and eta > 0 for eta in etas)  # learned from the first export
