"""The /run_sse reader against crafted byte streams (shapes the real engine never produces)."""

from __future__ import annotations

import asyncio
import json

import pytest
from client_helpers import (
    SECRET,
    call_event,
    collect,
    frame,
    response_event,
    sse_client,
    text_event,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from nemo_tui.client.sse import SseParser
from nemo_tui.client.stream import TurnAssembler
from nemo_tui.protocol import (
    Heartbeat,
    StreamError,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnEnd,
    TurnError,
)
from tests.leaks import assert_hidden


def texts(events: list) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def kinds(events: list) -> list[str]:
    return [e.kind for e in events]


async def run(chunks: list[bytes], **kwargs) -> list:
    client, _ = sse_client(chunks, **kwargs)
    async with client:
        return await collect(client)


async def test_a_normal_turn_streams_text_tools_and_ends_with_the_whole_text():
    body = b"".join(
        [
            frame(text_event("Generating ", partial=True)),
            frame(text_event("your clip.", partial=True)),
            frame(text_event("Generating your clip.")),
            frame(call_event("fc-1", "generate_video", {"prompt": "sunset"})),
            frame(response_event("fc-1", "generate_video", {"draft": {"t": []}})),
        ]
    )
    events = await run([body])
    assert kinds(events) == ["text", "text", "tool_call", "tool_result", "end"]
    assert texts(events) == "Generating your clip."
    end = events[-1]
    assert isinstance(end, TurnEnd)
    assert end.text == "Generating your clip." and end.changed_state and end.tool_calls == 1
    result = events[3]
    assert isinstance(result, ToolResult) and result.state_delta == {"draft": {"t": []}}


async def test_request_body_and_headers_follow_the_protocol():
    client, seen = sse_client([frame(text_event("ok"))])
    async with client:
        await collect(client, "make it 8 seconds")
    request = seen[0]
    assert request.url.path == "/run_sse" and request.method == "POST"
    assert json.loads(request.content) == {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": "s-1",
        "new_message": {"parts": [{"text": "make it 8 seconds"}]},
    }
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["x-skill-source"] == "sora-video-generation"
    assert request.headers["x-skill-platform"] in ("clawhub", "cursor", "unknown")
    assert request.headers["x-skill-version"]
    assert SecretStr(request.headers["authorization"]) == SecretStr(f"Bearer {SECRET}")


async def test_multi_line_data_is_joined_with_newlines():
    # One JSON object spread over three data lines: the lines join with "\n", still valid JSON.
    body = b'data: {"content": {"parts":\ndata: [{"text": "two-line"}]}\ndata: }\n\n'
    events = await run([body])
    assert texts(events) == "two-line"


async def test_comments_and_empty_data_are_heartbeats():
    body = b": ping\n\ndata:\n\n" + frame(text_event("hi")) + b": ping\n\n"
    events = await run([body])
    assert kinds(events) == ["heartbeat", "heartbeat", "text", "heartbeat", "end"]


async def test_crlf_and_lone_cr_line_endings():
    crlf = frame(text_event("crlf")).replace(b"\n", b"\r\n")
    cr = frame(text_event(" and cr")).replace(b"\n", b"\r")
    events = await run([crlf + cr])
    assert texts(events) == "crlf\n\n and cr"


async def test_an_event_split_byte_by_byte_across_reads():
    body = frame(text_event("é日本", partial=True)) + b": ping\r\n\r\n" + frame(text_event("é日本"))
    chunks = [body[i : i + 1] for i in range(len(body))]  # splits UTF-8 sequences and CRLF too
    events = await run(chunks)
    assert kinds(events) == ["text", "heartbeat", "end"]
    assert texts(events) == "é日本"


async def test_a_leading_byte_order_mark_keeps_the_first_event():
    body = b"\xef\xbb\xbf" + frame(text_event("first")) + frame(text_event(" second"))
    events = await run([body])
    assert texts(events) == "first\n\n second"


async def test_a_frame_that_is_not_json_is_a_clear_error_and_reading_goes_on():
    body = b"data: {not json at all\n\n" + frame(text_event("still here"))
    events = await run([body])
    assert kinds(events) == ["error", "text", "end"]
    error = events[0]
    assert isinstance(error, TurnError)
    assert "could not be read" in error.message and "{not json at all" in error.message


async def test_unknown_fields_are_ignored():
    event = text_event(
        "fine",
        nodeInfo={"path": ""},
        somethingNew=[1, 2],
        actions={"requestedToolConfirmations": {}, "futureThing": 1},
    )
    body = frame(event) + b"id: 7\nretry: 100\nevent: message\n" + frame(text_event("!"))[0:]
    events = await run([body])
    assert texts(events) == "fine\n\n!"
    assert kinds(events)[-1] == "end"


async def test_partial_chunks_then_their_aggregate_show_once():
    body = b"".join(frame(text_event(t, partial=True)) for t in ["Hel", "lo ", "world"])
    body += frame(text_event("Hello world"))
    events = await run([body])
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Hel", "lo ", "world"]
    assert events[-1].text == "Hello world"


async def test_a_whole_text_event_without_partials_is_shown():
    events = await run([frame(text_event("whole reply"))])
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["whole reply"]


async def test_a_function_call_sent_partial_then_final_acts_once():
    body = (
        frame(call_event("fc-9", "add_title", {"text": "Ur"}, partial=True))
        + frame(call_event("fc-9", "add_title", {"text": "Urban"}))
        + frame(call_event("fc-9", "add_title", {"text": "Urban"}))  # a resend of the final
        + frame(response_event("fc-9", "add_title"))
        + frame(response_event("fc-9", "add_title"))
    )
    events = await run([body])
    calls = [e for e in events if isinstance(e, ToolCall)]
    assert len(calls) == 1 and calls[0].args == {"text": "Urban"}
    assert len([e for e in events if isinstance(e, ToolResult)]) == 1
    assert events[-1].tool_calls == 1


async def test_adk2_error_pair_becomes_one_error_that_says_what_failed():
    body = (
        frame(text_event("Working on it"))
        + frame({"errorCode": "MALFORMED_FUNCTION_CALL", "errorMessage": "bad args"})
        + frame(
            {
                "error": "RuntimeError: render backend unavailable",
                "error_details": {
                    "error_type": "RuntimeError",
                    "error_message": "render backend unavailable",
                },
            }
        )
    )
    events = await run([body])
    errors = [e for e in events if isinstance(e, TurnError)]
    assert len(errors) == 1
    assert "render backend unavailable" in errors[0].message
    assert errors[0].error_type == "RuntimeError"
    assert kinds(events)[-1] == "end"


async def test_adk2_error_code_alone_still_reports():
    events = await run([frame({"errorCode": "SAFETY", "errorMessage": "blocked by policy"})])
    assert kinds(events) == ["error", "end"]
    assert "SAFETY: blocked by policy" in events[0].message


async def test_server_text_is_sanitised_once_at_the_boundary():
    nasty = "[bold red]hi[/] \x1b[2J\x1b]52;c;ZXZpbA==\x07done\x9b31m"
    body = frame(text_event(nasty)) + frame(
        call_event("c1", "tool\x1b[1m", {"title": "x\x1b[31my", "n": [1, "\x07z"]})
    )
    events = await run([body])
    assert texts(events) == "[bold red]hi[/] done"
    call = next(e for e in events if isinstance(e, ToolCall))
    assert call.name == "tool" and call.args == {"title": "xy", "n": [1, "z"]}


async def test_a_cut_mid_event_raises_stream_error_after_the_complete_ones():
    client, _ = sse_client([frame(text_event("complete")) + b'data: {"content": {"par'])
    got = []
    async with client:
        with pytest.raises(StreamError) as info:
            async for event in client.send_message("hi"):
                got.append(event)
    assert texts(got) == "complete"
    assert "middle of an event" in str(info.value)


async def test_a_dropped_tcp_connection_raises_stream_error_and_is_not_resent(raw_server):
    # Chunked body whose connection closes after half an event, with no terminating chunk.
    event = frame(text_event("before the drop"))
    half = b'data: {"content": {"parts": [{"te'
    payload = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
        b"transfer-encoding: chunked\r\n\r\n"
        + f"{len(event):x}\r\n".encode()
        + event
        + b"\r\n"
        + f"{len(half):x}\r\n".encode()
        + half
        + b"\r\n"
    )
    from nemo_tui.client.nemo import NemoClient

    async with raw_server(payload) as server:
        client = NemoClient(server.url, token=SECRET)
        client.use_session("s-1")
        got = []
        async with client:
            with pytest.raises(StreamError) as info:
                async for event_ in client.send_message("hi"):
                    got.append(event_)
        assert server.connections == 1  # never re-sent
    assert texts(got) == "before the drop"
    assert "dropped" in str(info.value)
    assert_hidden(SECRET, info.value, repr(info.value))


async def test_a_wrong_content_type_is_an_error_not_silence():
    client, _ = sse_client([b"<html>proxy error</html>"], content_type="text/html")
    async with client:
        with pytest.raises(StreamError, match="text/html"):
            await collect(client)


async def test_a_ten_megabyte_event_does_not_hang():
    big = "x" * (10 * 1024 * 1024)
    body = frame(text_event(big))
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    events = await asyncio.wait_for(run(chunks), timeout=20)
    assert len(texts(events)) == len(big)


async def test_a_silent_stream_stops_at_the_ceiling():
    async def never():
        yield frame(text_event("started"))
        await asyncio.sleep(30)

    import httpx

    from nemo_tui.client.nemo import NemoClient

    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"}, content=never())
    )
    client = NemoClient("http://sse.test", token=SECRET, transport=transport, turn_ceiling_s=0.2)
    client.use_session("s-1")
    async with client:
        with pytest.raises(StreamError, match="15-minute"):
            await collect(client)


# ---- the pure pieces ----------------------------------------------------------------------


def test_parser_holds_a_trailing_cr_until_it_knows_whether_lf_follows():
    parser = SseParser()
    assert parser.feed(b"data: 1\r") == []
    items = parser.feed(b"\n\r\n")
    assert [i.data for i in items] == ["1"]
    assert parser.close() == ([], False)


def test_parser_reports_an_unterminated_event_at_close():
    parser = SseParser()
    parser.feed(b"data: {}\n")
    assert parser.close()[1] is True


chunk_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\n\t"),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(chunk_text, max_size=12), st.lists(chunk_text, max_size=4))
@example(["Hel", "lo"], ["Wor", "ld"])  # two messages: "Hello\n\nWorld", never "HelloWorld\n\nWorld"
def test_any_partial_chunks_then_their_aggregate_show_the_aggregate_once(chunks, later):
    """Two reply messages in one turn, each streamed as partial chunks then its aggregate: each shows
    once, the second as its own paragraph."""
    assembler = TurnAssembler()
    out = []
    for message in (chunks, later):
        for piece in message:
            out += assembler.data(json.dumps(text_event(piece, partial=True)))
        out += assembler.data(json.dumps(text_event("".join(message))))
    first, second = "".join(chunks), "".join(later)
    separator = "\n\n" if first and second and not first.endswith("\n") else ""
    expected = first + separator + second
    end = assembler.finish()
    out += end
    assert "".join(e.text for e in out if isinstance(e, TextDelta)) == expected
    assert isinstance(end[-1], TurnEnd) and end[-1].text == expected
    assert not any(isinstance(e, (TurnError, Heartbeat)) for e in out)


async def test_an_agent_error_that_quotes_our_token_never_shows_it():
    # A failing tool may echo the request it made, Authorization header and all; a long token
    # (JWTs run to hundreds of characters) must not survive as a prefix cut at the length limit.
    long_token = "eyJ" + "x" * 400
    preamble = "HTTPError: 401 for request with Authorization: Bearer "
    frames = (
        frame({"error": preamble + long_token, "error_details": {"error_type": "HTTPError"}})
        + b"data: {not json, Bearer "
        + long_token.encode()
        + b"\n\n"
    )
    client, _ = sse_client([frames], token=long_token)
    async with client:
        events = await collect(client)
    errors = [e for e in events if isinstance(e, TurnError)]
    assert len(errors) == 2 and "401 for request" in errors[0].message
    assert all("eyJxxx" not in e.message and "[redacted]" in e.message for e in errors)


# ---- the type-tagged dialect, fuzzed ----------------------------------------------------------

typed_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
typed_event = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                "text",
                "chunk",
                "tool_call",
                "tool_result",
                "heartbeat",
                "error",
                "done",
                "thinking_start",
                "whatever",
                "TEXT",
                "",
            ]
        )
    },
    optional={
        key: typed_value
        for key in (
            "content",
            "text",
            "name",
            "tool",
            "tool_name",
            "args",
            "result",
            "message",
            "error",
            "id",
            "partial",
        )
    },
)


# 120 drawn examples (300 took ~9 s, nearly all of it generating nested values) and every type
# spelled out below, with the odd shapes (a list as content, arguments as a JSON string, no type).
@settings(max_examples=120, deadline=None)
@given(st.lists(typed_event, max_size=10))
@example(
    [
        {"type": "chunk", "text": "Hel"},
        {"type": "chunk", "text": "lo"},
        {"type": "text", "content": "Hello"},
        {"type": "tool_call", "name": "generate_video", "args": {"duration": 5}, "id": "c1"},
        {"type": "tool_result", "name": "generate_video", "result": {"ok": True}, "id": "c1"},
        {"type": "heartbeat"},
        {"type": "thinking_start"},
        {"type": "whatever", "text": "x"},
        {"type": "error", "message": "boom", "error": 3},
        {"type": "done"},
    ]
)
@example(
    [
        {"type": "TEXT", "content": ["x"]},
        {"type": "", "partial": True, "text": "y"},
        {"type": "tool_call", "tool": "add_title", "args": '{"text": "Hi"}'},
        {"type": "tool_call", "tool_name": 7, "args": "not json"},
        {"type": "tool_result", "tool": None, "result": [1, {"a": None}]},
        {"type": "error", "error": {"message": "nested"}},
        {"type": "chunk", "text": None},
    ]
)
def test_any_type_tagged_events_read_as_events_and_end_the_turn(events):
    assembler = TurnAssembler()
    out = []
    for event in events:
        out += assembler.data(json.dumps(event))
    end = assembler.finish()[-1]
    assert isinstance(end, TurnEnd)
    shown = "".join(e.text for e in out if isinstance(e, TextDelta))
    assert end.text == shown
    for event in out:
        if isinstance(event, TurnError):
            assert event.message.startswith(("The agent failed", "The server sent"))


@settings(max_examples=200, deadline=None)
@given(st.lists(chunk_text.filter(lambda t: t.strip()), min_size=1, max_size=8))
def test_typed_chunks_then_their_whole_message_show_it_once(chunks):
    assembler = TurnAssembler()
    out = []
    for piece in chunks:
        out += assembler.data(json.dumps({"type": "chunk", "text": piece}))
    out += assembler.data(json.dumps({"type": "text", "content": "".join(chunks)}))
    whole = "".join(chunks)
    if whole.lstrip().lower().startswith("i encountered a temporary issue"):
        return  # alone it is shown; covered elsewhere
    assert "".join(e.text for e in out if isinstance(e, TextDelta)) == whole
    assert assembler.finish()[-1].text == whole
