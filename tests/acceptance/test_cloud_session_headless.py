"""A whole cloud session with nothing but the headless commands, against the fake cloud over real
HTTP (issue 15's acceptance): an ambiguous request asks (exit 6), `--answer` generates, the stream is
cut mid-generation and recovered from state without a second charge, export falls back to the API's
download when the CDN URL fails, and `open` prints a claim link."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest
from commands_helpers import Cli

from nemo_tui.commands import exits
from tests.fakecloud import FakeCloud


@pytest.fixture
def cloud_cli(
    fake_cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    return Cli(
        fake_cloud.base_url,
        tmp_path / "app",
        monkeypatch,
        capsys,
        extra={
            "NEMO_API_URL": fake_cloud.base_url,
            "NEMO_WEB_URL": fake_cloud.web_url,
            "NEMO_POLL_INTERVAL_S": "0.3",
        },
    )


def _credits(cli: Cli) -> float:
    result = cli.call("credits", "--json")
    assert result.code == exits.OK, result.err
    return float(json.loads(result.out)["available"])


def test_generate_answer_recover_export_open(cloud_cli: Cli, fake_cloud: FakeCloud, tmp_path: Path) -> None:
    asked = cloud_cli.call("ask", "make a video")
    assert asked.code == exits.QUESTION == 6, asked.err
    assert "1. What should the video show?" in asked.out and "1) Ocean sunset" in asked.out
    start = _credits(cloud_cli)

    fake_cloud.cut_stream_during_generation(land_after_s=0.8)
    answered = cloud_cli.call("ask", "--answer", "1")
    assert answered.code == exits.OK, answered.err
    assert "The reply stream broke off." in answered.err  # said plainly, then the work was found
    fake_cloud.heal()
    status = cloud_cli.call("status")
    assert status.code == exits.OK and "Video:" in status.out and "ocean" in status.out.lower(), status.out
    spent = start - _credits(cloud_cli)
    assert 0 < spent <= 15  # one clip of at most 15 s, charged once: the message was never re-sent

    fake_cloud.faults.break_output_url = 404  # the CDN link fails: the API's download serves it
    out_dir = tmp_path / "videos"
    exported = cloud_cli.call("export", "-o", f"{out_dir}/")
    assert exported.code == exits.OK, exported.err
    [mp4] = list(out_dir.glob("*.mp4"))
    with av.open(str(mp4)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.duration and container.duration / 1e6 > 1.0
    assert start - _credits(cloud_cli) == spent  # export is free

    opened = cloud_cli.call("open", "--no-browser")
    assert opened.code == exits.OK, opened.err
    assert f"{fake_cloud.web_url}/workspace/claim?ct=clm_" in opened.out
    assert "nmv_usr_" not in opened.out + opened.err
