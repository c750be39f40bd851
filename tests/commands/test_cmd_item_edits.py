"""Edits on existing items through `nemo-tui ask` against the live engine: the acceptance
requests of issue 13, each answered and each changing the draft as asked."""

from __future__ import annotations

from nemo_tui.protocol import Draft


def only_track(draft, kind):
    (track,) = [t for t in draft["t"] if t["tt"] == kind]
    return track


def test_ask_command_runs_the_same_edits(cli):
    for text in (
        "generate a 1-second video of a sunset",
        "generate a 1-second video of a forest",
        "add a title 'Hi'",
        "add ambient music",
    ):
        assert cli.call("ask", text).code == 0
    for text, marker in (
        ("make the title red", "colour red"),
        ("swap the two clips", "Swapping"),
        ("把音乐音量调到50%", "50%"),
        ("remove the second clip", "Deleting"),
        ("redo", "nothing to redo"),
    ):
        result = cli.call("ask", text)
        assert result.code == 0 and marker in result.out, (text, result.out, result.err)
    draft = Draft.model_validate_json(cli.call("status", "--json").out).to_wire()
    (title,) = only_track(draft, 7)["sg"]
    assert title["m"]["color"] == "red"
    assert [s["m"]["prompt"] for s in only_track(draft, 0)["sg"]] == ["forest"]
    assert only_track(draft, 1)["sg"][0]["m"]["volume"] == 0.5
