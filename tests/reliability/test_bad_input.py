"""Bad input, fuzzed and hand-picked: the SSE parser, envelopes, drafts, the router and path
detection, download names. No crash, no hang, a clear message. Hypothesis runs are time-boxed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import CLIP, collect, make_harness, notices, of

from nemo_tui.client.nemo import NemoClient
from nemo_tui.client.sse import Comment, SseParser
from nemo_tui.client.stream import TurnAssembler
from nemo_tui.client.transfer import download_target
from nemo_tui.core.events import ReplyFinished
from nemo_tui.core.router import IntentKind, route
from nemo_tui.core.summary import describe_changes, timeline_summary
from nemo_tui.engine.runner import EngineServer
from nemo_tui.protocol import (
    Draft,
    NemoError,
    ServerError,
    TextDelta,
    TurnEnd,
    TurnError,
    UnsupportedFile,
    error_for,
    unwrap,
)
from tests.leaks import assert_hidden

# derandomize: the same examples on every run, so CI never flakes on a new one (the seeds that found
# bugs here are kept as explicit cases below).
FAST = settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
TOKEN = "tok-fuzz-SECRET"


def parse(chunks: list[bytes]) -> tuple[list[Any], bool]:
    parser = SseParser()
    items: list[Any] = []
    for chunk in chunks:
        items += parser.feed(chunk)
    rest, cut = parser.close()
    return items + rest, cut


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=False)]


def same(items: list[Any]) -> list[Any]:
    return [("c",) if isinstance(i, Comment) else (i.event, i.data) for i in items]


def through_client(body: bytes, *, status: int = 200, ctype: str = "application/json") -> NemoClient:
    """A client whose every answer is `body` (wire shapes the real engine never sends)."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"content-type": ctype}, content=body)

    client = NemoClient("http://bad.test", token=TOKEN, transport=httpx.MockTransport(handler))
    client.use_session("s-1", "t-1")
    return client


# ---- the SSE parser ------------------------------------------------------------------------------

SSE_BYTES = st.lists(
    st.sampled_from(
        [
            b"data: ",
            b"data:",
            b":",
            b" ping",
            b"\n",
            b"\r",
            b"\r\n",
            b"event: x",
            b'{"content":{"parts":[{"text":"hi"}]},"partial":true}',
            b"\xff",
            b"\xef\xbb\xbf",
            b"\xe4\xbd",
            b"\xa0",
            b"{",
            b"id: 1",
            b"\x00",
        ]
    )
    | st.binary(max_size=20),
    max_size=40,
).map(b"".join)


@FAST
@given(data=SSE_BYTES, cuts=st.lists(st.integers(min_value=0), max_size=8))
def test_any_bytes_split_anywhere_parse_the_same_and_never_raise(data: bytes, cuts: list[int]) -> None:
    whole, whole_cut = parse([data])
    pieces, pieces_cut = parse(split(data, cuts))
    assert same(pieces) == same(whole) and pieces_cut == whole_cut
    assembler = TurnAssembler()
    for item in pieces:
        for event in assembler.handle(item):
            if isinstance(event, TurnError):
                assert event.message  # said in words
    assert isinstance(assembler.finish()[-1], TurnEnd)


@FAST
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_as_an_event_is_an_event_or_a_clear_error(value: Any) -> None:
    for event in TurnAssembler().data(json.dumps(value)):
        assert not isinstance(event, TurnError) or event.message.startswith(
            ("The server sent", "The agent failed")
        )


def test_a_10_mb_event_in_64_kb_reads_is_one_delta() -> None:
    # How fast (linear time) is measured by `python -m tests.bench` ("sse"), not by a wall clock here.
    text = "x" * (10 * 1024 * 1024)
    body = b"data: " + json.dumps({"content": {"parts": [{"text": text}]}}).encode() + b"\n\n"
    items, cut = parse([body[i : i + 65536] for i in range(0, len(body), 65536)])
    events = TurnAssembler().handle(items[0])
    assert not cut and len(items) == 1
    assert [type(e) for e in events] == [TextDelta] and len(events[0].text) == len(text)


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    body = b'data: {"content":{"parts":[{"text":"caf\xc3 \xff\xfe ok"}]}}\n\n'
    items, _ = parse([body[:20], body[20:]])
    [event] = TurnAssembler().handle(items[0])
    assert isinstance(event, TextDelta) and event.text == "caf\ufffd \ufffd\ufffd ok"


@pytest.mark.parametrize("depth", [900, 10_000])
def test_json_nested_thousands_deep_is_an_unreadable_event_not_a_crash(depth: int) -> None:
    nested = "[" * depth + "]" * depth
    frame = json.dumps({"content": {"parts": [{"functionCall": {"id": "f", "name": "n", "args": {}}}]}})
    frame = frame.replace("{}", f'{{"a": {nested}}}')
    [event] = TurnAssembler().data(frame)
    assert isinstance(event, TurnError) and event.error_type == "MalformedEvent"
    assert event.message.startswith("The server sent a reply event that could not be read")


async def test_nested_and_broken_replies_through_the_client_are_clear_errors() -> None:
    for body in (
        b"[" * 10_000 + b"]" * 10_000,
        b'{"code":0,"data":' + b"[" * 900 + b"]" * 900 + b"}",
        b"\xff\xfe not json",
        b'{"code": 0, "data": {"available": "lots"}}',
    ):
        async with through_client(body) as client:
            with pytest.raises(NemoError) as info:
                await client.credits()
        assert info.value.user_message().startswith("The video service answered with an error")
        assert_hidden(TOKEN, info.value, repr(info.value))


async def test_a_10_mb_event_of_invalid_utf8_through_the_client() -> None:
    text = ("ok \xff " * (2 * 1024 * 1024)).encode("latin-1")  # 10 MB, every third byte invalid UTF-8
    body = b'data: {"content":{"parts":[{"text":"' + text + b'"}]}}\n\ndata: {not json}\n\n'
    async with through_client(body, ctype="text/event-stream") as client:
        events = [e async for e in client.send_message("hello")]
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["TextDelta", "TurnError", "TurnEnd"]
    assert len(events[0].text) == 10 * 1024 * 1024 and "\ufffd" in events[0].text[:10]


# ---- envelopes and drafts ------------------------------------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "code",
                    "message",
                    "msg",
                    "data",
                    "detail",
                    "t",
                    "tt",
                    "sg",
                    "d",
                    "m",
                    "start",
                    "volume",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=15,
)


@FAST
@given(
    status=st.sampled_from([200, 201, 204, 400, 401, 402, 404, 429, 500, 502]),
    body=JSONISH.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=40),
)
def test_any_envelope_maps_to_a_typed_error_or_data(status: int, body: bytes) -> None:
    error = error_for(status, body)
    if error is None:  # the envelope says success: unwrap hands back its data
        unwrap(status, body)
        return
    assert isinstance(error, NemoError) and error.user_message()
    with pytest.raises(type(error)) as info:  # unwrap raises that same error, in the same words
        unwrap(status, body)
    assert info.value.user_message() == error.user_message()


@FAST
@given(JSONISH)
def test_any_draft_parses_or_is_refused_and_summaries_never_crash(value: Any) -> None:
    try:
        draft = Draft.from_wire(value)
    except ValueError:  # pydantic's ValidationError: refused whole
        return
    for lang in ("en", "zh"):
        assert timeline_summary(draft, lang)
        describe_changes(Draft(), draft, lang)
        describe_changes(draft, Draft(), lang)


@pytest.mark.parametrize("duration", [-5000, -1, 0, 10**15, 2**63])
def test_absurd_durations_never_crash_the_summaries(duration: int) -> None:
    draft = Draft.from_wire(
        {
            "t": [
                {"tt": 0, "sg": [{"d": duration, "m": {"name": "x"}}]},
                {"tt": 7, "sg": [{"d": 1000, "m": {"text": "hi", "start": -duration}}]},
            ]
        }
    )
    summary = timeline_summary(draft)
    assert summary.startswith("Timeline (2 tracks)")
    change = describe_changes(Draft(), draft) or ""
    assert "-" not in change.split("duration")[0]  # never "a -5 s video"


@pytest.mark.parametrize(
    ("segment", "says"),
    [
        ({"d": -5000, "m": {"name": "x"}}, "Track 1, segment 1 has a negative duration (-5000 ms)"),
        ({"d": 10**15, "m": {"name": "x"}}, "exports are at most 60 minutes"),
        ({"d": 2000, "m": {"name": "x", "start": 10**17}}, "exports are at most 60 minutes"),
        ({"d": 1e300}, "Invalid render request"),
        ({"d": "ten seconds"}, "Invalid render request"),
    ],
)
async def test_the_engine_refuses_absurd_drafts_with_a_clear_error(
    engine_server: EngineServer, tmp_path: Path, segment: dict[str, Any], says: str
) -> None:
    h = make_harness(engine_server.base_url, tmp_path)
    try:
        await collect(h.conv.start())
        await collect(h.conv.handle(CLIP))
        wire = {
            "id": "render_1",
            "sessionId": h.client.session.session_id,
            "draft": {"t": [{"tt": 0, "sg": [segment]}]},
            "output": {"format": "mp4"},
        }
        from nemo_tui.client.http import Call

        with pytest.raises(ServerError) as info:
            await h.client._request(
                lambda: Call(
                    "POST", h.client._url("/api/render/proxy/lambda"), json_body=wire, session_bound=True
                )
            )
    finally:
        await h.aclose()
    assert says in info.value.user_message()
    assert not (engine_server.config.data_dir / "renders").exists()  # nothing was queued


def test_the_renderer_itself_survives_a_negative_segment(tmp_path: Path) -> None:
    from nemo_tui.engine.media.render import render_draft

    draft = Draft.from_wire(
        {"t": [{"tt": 7, "sg": [{"d": -3000, "m": {"text": "bad"}}, {"d": 500, "m": {"text": "ok"}}]}]}
    )
    out = tmp_path / "out.mp4"
    render_draft(draft, lambda _: None, out, width=64, height=36, fps=12)  # the bad segment is skipped
    import av

    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (64, 36)
        assert abs(float(container.duration / av.time_base) - 0.5) < 0.1  # only the 0.5 s segment


# ---- the router, path detection, file names ------------------------------------------------------

NASTY_NAMES = [
    "~0",
    "~nosuchuser/clip.mp4",  # no such user: Path.expanduser raised RuntimeError
    "a; rm -rf ~.mp4",
    "$(reboot).png",
    "`id`.mov",
    "x && echo pwned.jpg",
    "clip|tee.mp4",
    "new\nline.mp4",
    "tab\there.png",
    "bell\x07.mp4",
    "esc\x1b[2J.png",
    "quote'\".gif",
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2fetc%2fpasswd.mp4",
    "~/.ssh/id_rsa",
]


@FAST
@given(st.text(max_size=300) | st.sampled_from(NASTY_NAMES).map(lambda n: f"upload {n}"))
def test_the_router_classifies_anything_without_crashing(text: str) -> None:
    intent = route(text, cwd=Path("/nonexistent-nemo-cwd"))
    assert intent.kind in IntentKind
    assert intent.confidence == "sure" or intent.question


@pytest.mark.parametrize("name", NASTY_NAMES)
async def test_nasty_file_names_are_uploaded_or_refused_in_words(
    engine_server: EngineServer, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `~` and `../..` resolve inside tmp_path, so what they name is the same on every machine.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "cwd" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "cwd" / "deeper")
    h = make_harness(engine_server.base_url, tmp_path / "app")
    safe_name = name.replace("/", "_").replace("\\", "_")
    folder = tmp_path / "files"
    folder.mkdir()
    target = folder / safe_name
    target.write_bytes(b"not really media")
    try:
        events = await collect(h.conv.upload(str(target)))
        traversal = await collect(h.conv.upload(name if "/" in name or "\\" in name else str(target)))
    finally:
        await h.aclose()
    # The file exists but is not media (or not a media name): refused as unsupported, in words.
    assert notices(events, "error") == [UnsupportedFile().user_message()], notices(events)
    # A name with a path in it points nowhere here: said so; without one it is the same file again.
    said = notices(traversal, "error")
    assert len(said) == 1, notices(traversal)
    if "/" in name or "\\" in name:
        assert said[0].startswith(f"There is no file at {name}"), said
    else:
        assert said == [UnsupportedFile().user_message()]
    uploads = engine_server.config.data_dir / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []  # refused bytes are not kept


@FAST
@given(name=st.text(max_size=60) | st.sampled_from(NASTY_NAMES))
def test_a_download_name_never_leaves_the_export_folder(tmp_path_factory, name: str) -> None:
    folder = tmp_path_factory.getbasetemp() / "exports"
    from urllib.parse import quote

    for url in (f"http://h/files/renders/k/{quote(name, safe='')}", f"http://h/files/renders/k/{name}"):
        try:
            target = download_target(url, folder)
        except ValueError:  # a URL httpx/urllib cannot split is refused before any byte is written
            continue
        assert target.parent == folder and target.name not in ("", ".", "..")
        assert all(ord(c) >= 32 and c != "\x7f" for c in target.name)


async def test_a_server_that_names_its_file_dot_dot_slash_passwd(tmp_path: Path) -> None:
    mp4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 100

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "video/mp4"}, content=mp4)

    exports = tmp_path / "exports"
    async with NemoClient("http://evil.test", token=TOKEN, transport=httpx.MockTransport(handler)) as client:
        for url in (
            "/files/renders/k/..%2F..%2Fetc%2Fpasswd",
            "/files/renders/k/%2e%2e%5c%2e%2e%5cboot.ini",
            "/files/renders/k/%2e%2e",
        ):
            path = await client.download(url, exports)
            assert path.parent == exports and path.read_bytes() == mp4
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        p.name for p in exports.iterdir()
    )  # nothing was written outside the export folder


@pytest.mark.parametrize(
    "text",
    ["[/]", "[bold red]x[/", "\x1b]52;c;aGk=\x07 hi", "nul\x00byte", "🎬" * 2000, "x" * 100_000, "   \n\t  "],
)
async def test_odd_messages_get_a_reply_or_nothing_never_a_crash(
    engine_server: EngineServer, tmp_path: Path, text: str
) -> None:
    h = make_harness(engine_server.base_url, tmp_path)
    try:
        await collect(h.conv.start())
        events = await collect(h.conv.handle(text))
    finally:
        await h.aclose()
    assert not any(n.startswith("Something unexpected went wrong") for n in notices(events))
    if text.strip():
        replies = of(events, ReplyFinished)
        assert replies and all("\x1b" not in r.text and "\x00" not in r.text for r in replies)
    else:
        assert events == []
