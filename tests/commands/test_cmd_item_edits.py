"""Edits on existing items through `nemo-tui ask` against the live engine: the acceptance
requests of issue 13, each answered and each changing the draft as asked (a clip drawn again
among them: quoted, charged and undone like a generation)."""

from __future__ import annotations

from pydantic import TypeAdapter

from nemo_tui.core.events import ConversationEvent, CostQuote
from nemo_tui.protocol import Credits, Draft

EVENTS = TypeAdapter(ConversationEvent)


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


def test_ask_regenerates_a_clip_quoted_and_charged_at_its_length(cli):
    for text in (
        "generate a 1-second video of a sunset",
        "generate a 2-second video of a forest",
        "add a title 'Hi'",
        "add ambient music",
    ):
        assert cli.call("ask", text).code == 0

    def state():
        return Draft.model_validate_json(cli.call("status", "--json").out).to_wire()

    def available():
        return Credits.model_validate_json(cli.call("credits", "--json").out).available

    for text, index, seconds, prompt, marker in (
        ("make the first clip a snowy forest instead", 0, 1.0, "snowy forest", "costs 1 credit,"),
        ("把第二个片段换成雪山", 1, 2.0, "雪山", "费用2积分"),
    ):
        before, credits = state(), available()
        result = cli.call("ask", "--json", text)
        assert result.code == 0 and marker in result.out, (text, result.out, result.err)
        # Quoted before it is sent as what it is: a generation of that clip's length.
        (quote,) = [e for e in map(EVENTS.validate_json, result.out.splitlines()) if isinstance(e, CostQuote)]
        assert quote.seconds == seconds and quote.credits == seconds
        after = state()
        old, new = only_track(before, 0)["sg"][index], only_track(after, 0)["sg"][index]
        assert new["m"]["source"] != old["m"]["source"] and new["m"]["prompt"] == prompt
        assert new["d"] == old["d"] == seconds * 1000
        assert [s for i, s in enumerate(only_track(after, 0)["sg"]) if i != index] == [
            s for i, s in enumerate(only_track(before, 0)["sg"]) if i != index
        ]
        assert [t for t in after["t"] if t["tt"] != 0] == [t for t in before["t"] if t["tt"] != 0]
        assert available() == credits - seconds

    assert cli.call("ask", "undo").code == 0
    assert only_track(state(), 0)["sg"][1]["m"]["prompt"] == "forest"
