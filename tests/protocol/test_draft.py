"""The draft speaks the wire's short keys, and keeps every key it does not know."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from nemo_tui.protocol import Draft, Segment, Track, TrackType

SEED_DRAFT = {
    "t": [
        {"tt": 0, "sg": [{"d": 10000, "m": {"name": "city timelapse", "source": "media_1"}}]},
        {"tt": 1, "sg": [{"d": 10000, "m": {"name": "Lo-fi", "volume": 0.35}}]},
        {"tt": 7, "sg": [{"d": 3000, "m": {"text": "Urban Dreams", "start": 0}}]},
    ]
}


def test_short_keys_read_as_names():
    draft = Draft.from_wire(SEED_DRAFT)
    assert [t.type for t in draft.tracks] == [TrackType.VIDEO, TrackType.AUDIO, TrackType.TEXT]
    assert draft.tracks[0].segments[0].duration_ms == 10000
    assert draft.tracks[0].segments[0].name == "city timelapse"
    assert draft.tracks[1].segments[0].volume == 0.35
    assert draft.tracks[2].segments[0].text == "Urban Dreams"
    assert draft.duration_ms == 10000


def test_written_back_with_short_keys_only():
    draft = Draft(
        tracks=[Track(type=TrackType.AUDIO, segments=[Segment(duration_ms=5000, metadata={"volume": 35})])]
    )
    wire = draft.to_wire()
    assert wire == {"t": [{"tt": 1, "sg": [{"d": 5000, "m": {"volume": 35}}]}]}
    assert "tracks" not in json.dumps(wire) and "duration_ms" not in json.dumps(wire)
    assert draft.tracks[0].segments[0].volume == 0.35  # a percentage is read as a fraction


def test_placed_segments_and_appended_segments():
    track = Track.model_validate(
        {"tt": 0, "sg": [{"d": 2000}, {"d": 3000}, {"d": 1000, "m": {"start": 10000}}]}
    )
    assert [(a, b) for a, b, _ in track.layout()] == [(0, 2000), (2000, 5000), (10000, 11000)]
    assert Draft(tracks=[track]).duration_ms == 11000


def test_empty_and_missing_drafts():
    assert Draft.from_wire(None).duration_ms == 0
    assert Draft.from_wire({}).to_wire() == {}
    assert Draft.from_wire('{"t": []}').tracks == []


# -- unknown keys survive a round trip untouched --------------------------------------------------
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
unknown_keys = st.dictionaries(
    st.text(min_size=1, max_size=6).filter(lambda k: k not in {"t", "tt", "sg", "d", "m"}),
    json_value,
    max_size=3,
)
segment = st.builds(
    lambda d, m, extra: {"d": d, "m": m, **extra},
    st.integers(0, 600_000),
    st.dictionaries(st.text(max_size=6), json_value, max_size=4),
    unknown_keys,
)
track = st.builds(
    lambda tt, sg, extra: {"tt": tt, "sg": sg, **extra},
    st.sampled_from([0, 1, 7, 3]),
    st.lists(segment, max_size=3),
    unknown_keys,
)
draft = st.builds(lambda t, extra: {"t": t, **extra}, st.lists(track, max_size=3), unknown_keys)


@settings(max_examples=150, deadline=None)
@given(draft)
def test_round_trip_keeps_unknown_keys(wire):
    parsed = Draft.from_wire(wire)
    assert parsed.to_wire() == json.loads(json.dumps(wire))
    # and through JSON text, the way it travels
    assert Draft.from_wire(json.dumps(wire)).to_wire() == json.loads(json.dumps(wire))


@settings(max_examples=60, deadline=None)
@given(draft)
def test_editing_a_known_field_keeps_the_unknown_ones(wire):
    parsed = Draft.from_wire(wire)
    for t in parsed.tracks:
        for s in t.segments:
            s.duration_ms += 1
    out = parsed.to_wire()
    for t_in, t_out in zip(wire["t"], out["t"], strict=False):
        assert {k: v for k, v in t_in.items() if k != "sg"} == {k: v for k, v in t_out.items() if k != "sg"}
        for s_in, s_out in zip(t_in["sg"], t_out["sg"], strict=False):
            assert s_out["d"] == s_in["d"] + 1
            assert {k: v for k, v in s_in.items() if k != "d"} == {k: v for k, v in s_out.items() if k != "d"}
