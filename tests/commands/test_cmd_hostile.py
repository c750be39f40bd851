"""Headless commands against a hostile server, and `-o` folders (issue 9, items 11 and 14)."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from commands_helpers import Cli

ONE_CLIP = '{"t":[{"tt":0,"sg":[{"d":1000,"m":{"name":"x"%s}}]}]}'


class Hostile(BaseHTTPRequestHandler):
    """A server that follows the contract except for the draft it hands back (`draft` text, raw)."""

    draft = ONE_CLIP % ""

    def log_message(self, *args) -> None:
        pass

    def _send(self, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        if "anonymous-token" in self.path:
            self._send(b'{"code":0,"data":{"token":"tok-hostile","expires_in":600000}}')
        elif "with-session" in self.path:
            self._send(b'{"code":0,"data":{"task_id":"t1","session_id":"s1"}}')
        elif self.path == "/run_sse":
            self._send(
                b'data: {"content":{"parts":[{"text":"ok"}],"role":"model"},"author":"nemo_agent"}\n\n',
                "text/event-stream",
            )
        else:
            self._send(b'{"code":0,"data":{"id":"render_1","status":"queued"}}')

    def do_GET(self) -> None:
        if "/api/state/" in self.path:
            self._send(b'{"code":0,"data":{"state":{"draft":%s}}}' % type(self).draft.encode())
        else:
            self._send(b'{"code":0,"data":{"available":5,"frozen":0,"total":5}}')


@pytest.fixture
def hostile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Cli, type[Hostile]]]:
    handler = type("H", (Hostile,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield (
            Cli(f"http://127.0.0.1:{server.server_address[1]}", tmp_path / "app", monkeypatch, capsys),
            handler,
        )
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity", "1" + "0" * 400])
def test_a_non_finite_number_in_a_server_draft_is_one_line_and_exit_1(hostile, number: str) -> None:
    cli, handler = hostile
    assert cli.call("ask", "hello").code == 0  # a session to look at
    handler.draft = ONE_CLIP % f',"start":{number}'
    for command in (("status",), ("export",)):
        result = cli.call(*command)
        assert result.code == 1, (command, result)
        assert "Traceback" not in result.err and len(result.err_lines) == 1, result.err
        assert "could not be read" in result.err and "start is not a finite number" in result.err


def test_an_absurd_but_finite_start_is_shown_briefly(hostile) -> None:
    cli, handler = hostile
    assert cli.call("ask", "hello").code == 0
    handler.draft = ONE_CLIP % ',"start":1e300'
    result = cli.call("status")
    assert result.code == 0 and len(result.out) < 200, result.out


def test_export_into_a_folder_that_does_not_exist_yet(cli: Cli, tmp_path: Path) -> None:
    assert cli.call("ask", "generate a 1 second video of waves").code == 0
    videos = tmp_path / "home" / "Videos"
    result = cli.call("export", "-o", f"{videos}/")
    assert result.code == 0, result.err
    assert videos.is_dir()  # a folder, never an MP4 file named "Videos"
    (mp4,) = videos.glob("*.mp4")
    assert result.out.strip() == str(mp4)
    for made in (videos, videos.parent):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700
    # An existing folder, named without the slash, is a folder too.
    again = cli.call("export", "-o", str(videos))
    assert again.code == 0 and len(list(videos.glob("*.mp4"))) == 2
