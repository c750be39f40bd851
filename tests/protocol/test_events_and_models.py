"""ADK events (as the engine writes and the client reads them), render status, sanitising, headers."""

import json
from pathlib import Path

from nemo_tui.protocol import AdkEvent, RenderJob, attribution_headers, detect_platform, sanitize_text


def test_engine_events_have_adk_shape():
    ev = json.loads(AdkEvent.text_event("inv-1", "Generating ", partial=True).to_sse_data())
    assert ev["content"] == {"parts": [{"text": "Generating "}], "role": "model"}
    assert ev["partial"] is True and ev["invocationId"] == "inv-1" and ev["author"] == "nemo_agent"
    assert set(ev["actions"]) == {
        "stateDelta",
        "artifactDelta",
        "requestedAuthConfigs",
        "requestedToolConfirmations",
    }
    final = json.loads(AdkEvent.text_event("inv-1", "done").to_sse_data())
    assert "partial" not in final  # exclude_none, as ADK dumps it
    call = json.loads(AdkEvent.call_event("inv-1", "fc-1", "generate_video", {"duration": 10}).to_sse_data())
    assert call["content"]["parts"][0]["functionCall"] == {
        "id": "fc-1",
        "name": "generate_video",
        "args": {"duration": 10},
    }
    resp = json.loads(
        AdkEvent.response_event(
            "inv-1", "fc-1", "generate_video", {"status": "ok"}, {"draft": {"t": []}}
        ).to_sse_data()
    )
    assert resp["content"]["role"] == "user" and resp["actions"]["stateDelta"] == {"draft": {"t": []}}


def test_reads_the_documented_examples_and_ignores_unknown_fields():
    raw = (
        '{"content":{"parts":[{"functionCall":{"id":"fc-1","args":{"prompt":"sunset","duration":10},'
        '"name":"generate_video"}}],"role":"model"},"invocationId":"e-2f8e","author":"nemo_agent",'
        '"actions":{"stateDelta":{},"artifactDelta":{},"requestedAuthConfigs":{},'
        '"requestedToolConfirmations":{},"futureThing":1},"nodeInfo":{"path":""},"id":"5f74","timestamp":1.5}'
    )
    ev = AdkEvent.model_validate_json(raw)
    assert ev.function_calls[0].name == "generate_video" and ev.function_calls[0].args["duration"] == 10
    assert ev.text == "" and ev.failure is None
    err = AdkEvent.model_validate(
        {"error": "RuntimeError: render backend unavailable", "error_details": {"error_type": "RuntimeError"}}
    )
    assert err.failure == "RuntimeError: render backend unavailable"
    v2 = AdkEvent.model_validate({"errorCode": "MALFORMED_FUNCTION_CALL", "errorMessage": "bad args"})
    assert v2.failure == "MALFORMED_FUNCTION_CALL: bad args"


def test_render_job_tolerates_both_namings():
    lam = RenderJob.model_validate({"renderId": "r1", "overallProgress": 0.42, "done": False})
    assert (lam.id, lam.status, lam.progress) == ("r1", "rendering", 0.42)  # no status word, some progress
    idle = RenderJob.model_validate({"renderId": "r1", "overallProgress": 0, "done": False})
    assert (idle.status, idle.progress) == ("queued", 0.0)  # no status word, no progress yet
    done = RenderJob.model_validate(
        {"id": "r1", "status": "completed", "output": {"url": "https://x/r1.mp4"}}
    )
    assert done.finished and done.url == "https://x/r1.mp4" and done.progress == 1.0
    fatal = RenderJob.model_validate(
        {"id": "r1", "fatalErrorEncountered": True, "errors": [{"message": "OOM"}]}
    )
    assert fatal.status == "failed" and fatal.error == "OOM"
    pct = RenderJob.model_validate({"id": "r1", "status": "processing", "progress": 55})
    assert pct.status == "rendering" and abs(pct.progress - 0.55) < 1e-9


def test_sanitize_drops_escapes_keeps_text_and_brackets():
    dirty = "a\x1b[2Jb\x1b]52;c;ZXZpbA==\x07c[bold red]x[/] \x9b31m\x07\x00\r\nline2\tTab"
    assert sanitize_text(dirty) == "abc[bold red]x[/] \nline2\tTab"
    assert sanitize_text("日落 🌅") == "日落 🌅"


def test_attribution_headers_and_platform(tmp_path: Path):
    h = attribution_headers("1.2.3", platform="unknown")
    assert h == {
        "X-Skill-Source": "sora-video-generation",
        "X-Skill-Version": "1.2.3",
        "X-Skill-Platform": "unknown",
    }
    home = tmp_path
    assert detect_platform(home / ".clawhub" / "skills" / "x" / "cli.py", home=home) == "clawhub"
    assert detect_platform(home / ".cursor" / "skills" / "x" / "cli.py", home=home) == "cursor"
    assert detect_platform(home / ".cursor" / "other" / "cli.py", home=home) == "unknown"
    assert detect_platform(home / "venv" / "lib" / "cli.py", home=home) == "unknown"
