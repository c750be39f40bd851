"""Changing what a clip shows, through the live /run_sse (the same through `nemo-tui ask`:
tests/commands/test_cmd_item_edits.py): the clip is drawn again in its slot, at its length,
charged like a fresh generation of it, and undone like any edit. Tiny clips keep it quick."""

from __future__ import annotations

import pytest
from engine_helpers import Api, only_track
from test_engine_edits import api, said  # noqa: F401  (the session fixture and the one-reply check)

from nemo_tui.core.activity import is_generation
from nemo_tui.engine import dialect
from nemo_tui.protocol.tools import tool_kind


def clips(draft) -> list[dict]:
    return only_track(draft, 0)["sg"]


def without_clip(draft, index: int) -> dict:
    """The draft with clip `index` taken out: what must not change when that clip is redrawn."""
    out = {**draft, "t": [dict(t) for t in draft["t"]]}
    video = next(t for t in out["t"] if t["tt"] == 0)
    video["sg"] = [s for i, s in enumerate(video["sg"]) if i != index]
    return out


def media_bytes(api: Api, media_id: str) -> bytes:
    (media,) = [m for m in api.state()["generated_media"] if m["id"] == media_id]
    resp = api.http.get(media["url"])
    assert resp.status_code == 200
    return resp.content


def two_clips_title_music(api) -> None:
    api.turn("generate a 1-second video of a sunset")
    api.turn("generate a 2-second video of a city at night")
    api.turn("add a title 'Urban Dreams' at the center")
    api.turn("add lo-fi background music at 40%")
    api.turn("fade out the second clip")


@pytest.mark.parametrize(
    "text, prompt",
    [
        ("make the second clip a snowy forest instead", "snowy forest"),
        ("把第二个片段换成雪山", "雪山"),
        ("regenerate the second clip", "city at night"),  # the same prompt, a new seed
    ],
)
def test_a_clip_is_drawn_again_in_its_slot_charged_and_undoable(api, text, prompt):
    two_clips_title_music(api)
    before = api.draft()
    old = clips(before)[1]
    credits = api.credits()["available"]

    stream = api.turn(text)
    reply = said(stream)
    assert [c["name"] for c in stream.calls()] == ["regenerate_video"]
    assert ("costs 2 credits" in reply) if "clip" in text else ("费用2积分" in reply)
    after = api.draft()
    new = clips(after)[1]
    # New media in the same slot: the same length and place, the fade kept, the new scene named.
    assert new["m"]["source"] != old["m"]["source"] and new["d"] == old["d"] == 2000
    assert new["m"]["prompt"] == prompt and new["m"]["procedural"] is True
    assert new["m"]["fade_out"] == old["m"]["fade_out"]
    assert media_bytes(api, new["m"]["source"]) != media_bytes(api, old["m"]["source"])
    # Everything else as it was: the other clip, the title, the music, the canvas.
    assert without_clip(after, 1) == without_clip(before, 1)
    # Charged exactly as a fresh 2-second generation is, and nothing left frozen.
    assert api.credits() == {"available": credits - 2, "frozen": 0, "total": credits - 2}

    said(api.turn("undo"))
    assert api.draft() == before
    said(api.turn("redo"))
    assert api.draft() == after


def test_a_regeneration_needs_the_credits_of_its_length(engine_server):
    engine_server.config.initial_credits = 3
    api = Api(engine_server.base_url).sign_in().new_session()
    try:
        api.turn("generate a 2-second video of a sunset")
        before = api.draft()
        resp = api.turn("change the first clip to a night city")
        assert resp.status == 403 and '"code":2001' in resp.raw.replace(" ", "")
        assert api.draft() == before and api.credits()["available"] == 1
    finally:
        api.close()


def test_it_means_the_clip_just_made_and_the_reply_is_honest(api):
    api.turn("generate a 1-second video of the sea")
    api.turn("add a title 'Hi'")
    api.turn("generate a 1-second video of the desert")
    reply = said(api.turn("make it a horse on a beach"))
    assert "can't draw animals" in reply and "costs 1 credit," in reply
    first, second = clips(api.draft())
    assert first["m"]["prompt"] == "sea" and second["m"]["prompt"] == "horse on a beach"


def test_the_client_counts_a_redrawn_clip_as_a_generation():
    # Under the engine's own name and under the vendor's, the tool reads as one that makes video:
    # the app's ledger records its seconds and its activity line says it is generating.
    assert is_generation("regenerate_video") and tool_kind("regenerate_video") == "video"
    assert dialect.tool_name("regenerate_video", {"index": 0}) == dialect.GENERATION_TOOL
