"""One whole session of the real NemoClient against the fake cloud (the engine in the vendor's
published shapes, over real HTTP): an ambiguous request is answered with a question, the answer
generates, a stream cut mid-generation is recovered by reading state (never by re-sending, so the
clip is charged once), then export through a broken CDN URL falls back to the API's download."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import pytest

from nemo_tui.client.nemo import NemoClient
from nemo_tui.protocol import AskQuestion, StreamError, ToolCall, TurnEnd, answer_text
from tests.fakecloud import FakeCloud, fake_cloud  # noqa: F401 - the fixture


async def _turn(client: NemoClient, text: str) -> list:
    return [event async for event in client.send_message(text)]


async def test_a_whole_cloud_session_through_the_client(fake_cloud: FakeCloud, tmp_path: Path) -> None:
    async with NemoClient(
        fake_cloud.base_url, token="", web_base=fake_cloud.web_url, poll_interval=0.05
    ) as client:
        # A session id above 2^53, sent as a JSON number, comes out digit for digit.
        info = await client.create_session("make a video")
        assert len(info.session_id) == 19 and info.session_id.isdigit()
        assert client.user_id is not None and client.user_id.startswith("anon_")
        start = (await client.credits()).available

        # 1. Ambiguous: the agent asks instead of generating, and nothing is charged.
        events = await _turn(client, "make a video")
        questions = [e for e in events if isinstance(e, AskQuestion)]
        assert len(questions) == 1 and not any(isinstance(e, ToolCall) for e in events)
        assert isinstance(events[-1], TurnEnd) and events[-1].asked
        asked = questions[0]
        subject = next(q for q in asked.questions if q.options)
        ocean = next(o for o in subject.options if "ocean" in o.label.lower())
        assert (await client.state()).draft.tracks == []
        assert (await client.credits()).available == start

        # 2. The answer, in the vendor's format, generates — and the stream is cut mid-generation.
        fake_cloud.cut_stream_during_generation(land_after_s=0.6)
        answer = answer_text(asked.questions, {subject.id: [ocean.id]})
        assert answer.startswith(f"1. {subject.prompt}: {ocean.label}")
        seen: list = []
        with pytest.raises(StreamError):
            async for event in client.send_message(answer):
                seen.append(event)
        assert any(isinstance(e, ToolCall) for e in seen)  # it had started generating
        fake_cloud.heal()

        # 3. Recovery reads state (never re-sends): unchanged at first, then the clip lands.
        reads = []
        for _ in range(100):
            state = await client.state()
            reads.append(len(state.draft.tracks))
            if state.draft.tracks:
                break
            await asyncio.sleep(0.1)
        assert reads[0] == 0 and reads[-1] >= 1, reads
        assert state.videos, "the generated clip is listed in video_infos"
        spent = start - (await client.credits()).available
        assert spent > 0
        # Post-production may still add music and a title; it is free, and no second clip appears.
        await asyncio.sleep(1.5)
        after = await client.state()
        video_tracks = [t for t in after.draft.tracks if int(t.type) == 0]
        assert sum(len(t.segments) for t in video_tracks) == 1
        assert start - (await client.credits()).available == spent

        # 4. Export: the CDN URL is broken, so the API's own download serves the file.
        fake_cloud.faults.break_output_url = 404
        job = await client.start_render(after.draft)
        done = await client.wait_for_render(job.id)
        assert done.status == "completed" and done.url
        path = await client.download_render(done, tmp_path / "out.mp4")
        with av.open(str(path)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
            assert float(container.duration or 0) / 1e6 > 1.0

        # 5. A claim link for the browser: the web base, a claim token, never the API token.
        link = await client.claim_link()
        assert link.startswith(f"{fake_cloud.web_url}/workspace/claim?ct=clm_")
        assert "nmv_usr_" not in link
