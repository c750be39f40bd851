"""Edits on existing items through the live /run_sse, the draft read back from /state (the same
requests through `nemo-tui ask`: tests/commands/test_cmd_item_edits.py). Tiny clips keep it quick."""

from __future__ import annotations

from engine_helpers import only_track
from test_engine_edits import api, said  # noqa: F401  (the session fixture and the one-reply check)


def clip_names(draft) -> list[str]:
    return [s["m"]["prompt"] for s in only_track(draft, 0)["sg"]]


def two_clips_title_music(api) -> None:
    api.turn("generate a 1-second video of a sunset")
    api.turn("generate a 2-second video of a city at night")
    api.turn("add a title 'Urban Dreams' at the center")
    api.turn("add lo-fi background music at 40%")


def test_common_edits_and_redo_end_to_end(api):
    two_clips_title_music(api)
    said(api.turn("make the title red"))
    (title,) = only_track(api.draft(), 7)["sg"]
    assert title["m"]["color"] == "red" and title["m"]["text"] == "Urban Dreams"

    said(api.turn("swap the two clips"))
    assert clip_names(api.draft()) == ["city at night", "sunset"]

    said(api.turn("把音乐音量调到50%"))
    (music,) = only_track(api.draft(), 1)["sg"]
    assert music["m"]["volume"] == 0.5

    said(api.turn("remove the second clip"))
    draft = api.draft()
    assert clip_names(draft) == ["city at night"]
    assert only_track(draft, 1)["sg"][0]["d"] == 2000  # the music still ends with the video

    assert "Undoing the last 2 edits" in said(api.turn("undo twice"))
    assert clip_names(api.draft()) == ["city at night", "sunset"]
    assert only_track(api.draft(), 1)["sg"][0]["m"]["volume"] == 0.4
    said(api.turn("redo"))
    assert only_track(api.draft(), 1)["sg"][0]["m"]["volume"] == 0.5
    said(api.turn("redo"))
    assert clip_names(api.draft()) == ["city at night"]
    assert said(api.turn("redo")) == "There's nothing to redo."

    # A new edit after an undo forgets what could be redone.
    api.turn("undo")
    said(api.turn("make the title bigger"))
    assert said(api.turn("重做")) == "没有可以重做的编辑。"


def test_crossfade_names_the_closest_edit_and_changes_nothing(api):
    two_clips_title_music(api)
    before = api.draft()
    stream = api.turn("add a crossfade between the clips")
    assert stream.calls() == [] and api.draft() == before
    assert "dip through black" in said(stream)


def test_it_means_what_the_last_turn_added(api):
    two_clips_title_music(api)
    api.turn("add a caption 'see you' at the bottom")
    said(api.turn("make it yellow"))
    title, caption = only_track(api.draft(), 7)["sg"]
    assert caption["m"]["color"] == "yellow" and title["m"]["color"] == "white"
