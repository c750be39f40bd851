"""The draft renderer, checked by opening what it wrote: streams, duration, title pixels, audio levels."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from media_helpers import facts, frame_at, make_image, make_tone_clip, rms

from nemo_tui.engine.media.fonts import clear_font_cache, find_font, font_covers_cjk
from nemo_tui.engine.media.render import RenderError, render_draft
from nemo_tui.protocol import Draft

W, H = 320, 180


def draft(*tracks: dict) -> Draft:
    return Draft.from_wire({"t": list(tracks)})


def video(*segments: tuple[str, int] | dict) -> dict:
    sg = [s if isinstance(s, dict) else {"d": s[1], "m": {"name": s[0], "source": s[0]}} for s in segments]
    return {"tt": 0, "sg": sg}


def title(text: str, d: int, **m) -> dict:
    return {"tt": 7, "sg": [{"d": d, "m": {"text": text, **m}}]}


def music(source: str, d: int, volume=None) -> dict:
    m = {"name": "bgm", "source": source}
    if volume is not None:
        m["volume"] = volume
    return {"tt": 1, "sg": [{"d": d, "m": m}]}


def render(d: Draft, media: dict[str, Path], out: Path, **kw) -> Path:
    render_draft(d, media.get, out, width=kw.pop("width", W), height=kw.pop("height", H), **kw)
    return out


def test_a_full_draft_exports_an_exact_h264_aac_mp4(media: dict[str, Path], tmp_path: Path) -> None:
    progress: list[float] = []
    out = render(
        draft(video(("sunset", 1000), ("city", 1000)), title("Urban Dreams", 1000), music("bgm", 2000, 35)),
        media,
        tmp_path / "out.mp4",
        on_progress=progress.append,
    )
    f = facts(out)
    assert (f.video_codec, f.pix_fmt, f.width, f.height) == ("h264", "yuv420p", W, H)
    assert (f.audio_codec, f.audio_rate, f.audio_channels) == ("aac", 44100, 2)
    assert abs(f.video_duration_s - 2.0) <= 1 / 30 and abs(f.duration_s - 2.0) <= 1 / 30
    assert rms(out, 0.2, 1.8) > 0.01, "the music is there"
    # The first clip, then the second: the pictures differ across the cut.
    assert np.abs(frame_at(out, 0.5) - frame_at(out, 1.5)).mean() > 20
    assert progress and progress[-1] == 1.0 and progress == sorted(progress)
    with open(out, "rb") as fh:  # +faststart: the index (moov) comes before the media data (mdat)
        head = fh.read(4096)
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"], "no temporary file is left"


def test_the_title_appears_where_and_when_the_draft_puts_it(media: dict[str, Path], tmp_path: Path) -> None:
    base = draft(video(("city", 2000)))
    plain = render(base, media, tmp_path / "plain.mp4")
    top = render(
        draft(video(("city", 2000)), title("HELLO", 1000, position="top", color="yellow")),
        media,
        tmp_path / "top.mp4",
    )
    bottom = render(
        draft(video(("city", 2000)), title("HELLO", 1000, position="bottom")), media, tmp_path / "bottom.mp4"
    )

    def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Pixels the text covers: far more different than the encoder's own noise."""
        return np.abs(a - b).max(axis=-1) > 80

    inside = changed(frame_at(top, 0.5), frame_at(plain, 0.5))
    assert inside[: H // 3].sum() > 100 and inside[H // 3 :].sum() < 10, "drawn in the top third"
    pixels = frame_at(top, 0.5)[inside]
    assert (pixels[:, 0] > 150).mean() > 0.5 and (pixels[:, 2] < 120).mean() > 0.5, "in yellow"
    below = changed(frame_at(bottom, 0.5), frame_at(plain, 0.5))
    assert below[2 * H // 3 :].sum() > 100 and below[: 2 * H // 3].sum() < 10, "drawn in the bottom third"
    after = changed(frame_at(top, 1.5), frame_at(plain, 1.5))
    assert after.sum() < 10, "gone once its segment ends"


def test_text_with_quotes_colons_backslashes_and_percents_renders(
    media: dict[str, Path], tmp_path: Path
) -> None:
    text = 'It\'s 100% "real": C:\\path; [a,b] %{pts} \\n'
    out = render(draft(video(("city", 1000)), title(text, 1000)), media, tmp_path / "odd.mp4")
    plain = render(draft(video(("city", 1000))), media, tmp_path / "plain.mp4")
    assert np.abs(frame_at(out, 0.5) - frame_at(plain, 0.5)).mean() > 1.0


def test_a_font_path_with_awkward_characters_works(
    media: dict[str, Path], tmp_path: Path, monkeypatch
) -> None:
    font = find_font(cjk=False)
    assert font is not None, "a test machine has at least a Latin font"
    odd = tmp_path / "it's, a: [font] dir"
    odd.mkdir()
    (odd / font.name).symlink_to(font)
    monkeypatch.setenv("NEMO_FONT", str(odd / font.name))
    clear_font_cache()
    try:
        out = render(draft(video(("city", 1000)), title("Hi", 1000)), media, tmp_path / "o.mp4")
    finally:
        clear_font_cache()
    assert facts(out).frames == 30


@pytest.fixture(params=["this machine's fonts", "no CJK font installed"])
def font_machine(request: pytest.FixtureRequest) -> str:
    if request.param == "no CJK font installed":
        request.getfixturevalue("bare_font_machine")
    return request.param


def test_chinese_titles_render_as_glyphs(media: dict[str, Path], tmp_path: Path, font_machine: str) -> None:
    plain = frame_at(render(draft(video(("city", 1000))), media, tmp_path / "p.mp4"), 0.5)
    a = frame_at(
        render(draft(video(("city", 1000)), title("城市之夜", 1000)), media, tmp_path / "a.mp4"), 0.5
    )
    assert np.abs(a - plain).mean() > 1.0, "the Chinese title changes the picture"
    # Chinese as glyphs is a requirement, so the font is too: the machine's, else the bundled Noto.
    assert font_covers_cjk(find_font(cjk=True)), "no CJK font, not even the bundled noto-cjk-sans-otc"
    # Missing glyphs all draw the same box, so two different strings would look the same.
    b = frame_at(
        render(draft(video(("city", 1000)), title("海边日落", 1000)), media, tmp_path / "b.mp4"), 0.5
    )
    assert np.abs(a - b).mean() > 1.0, "different characters, different glyphs"


def test_music_volume_is_applied_and_silence_stays_silent(media: dict[str, Path], tmp_path: Path) -> None:
    full = rms(
        render(draft(video(("city", 1000)), music("bgm", 1000, 100)), media, tmp_path / "f.mp4"), 0.1, 0.9
    )
    soft = rms(
        render(draft(video(("city", 1000)), music("bgm", 1000, 35)), media, tmp_path / "s.mp4"), 0.1, 0.9
    )
    assert 0.25 < soft / full < 0.45, f"35 % should be about a third as loud: {soft / full:.2f}"
    none = render(draft(video(("city", 1000))), media, tmp_path / "n.mp4")
    assert facts(none).audio_codec == "aac" and rms(none) < 1e-4, "a silent track, not a missing one"


def test_placed_music_is_delayed_and_clip_sound_is_mixed(media: dict[str, Path], tmp_path: Path) -> None:
    placed = draft(
        video(("city", 2000)), {"tt": 1, "sg": [{"d": 800, "m": {"source": "bgm", "start": 1000}}]}
    )
    out = render(placed, media, tmp_path / "placed.mp4")
    assert rms(out, 0.05, 0.9) < 1e-4 and rms(out, 1.1, 1.7) > 0.01, "music starts where the draft places it"
    media = {**media, "tone": make_tone_clip(tmp_path / "tone.mp4")}
    loud = rms(render(draft(video(("tone", 1000))), media, tmp_path / "t1.mp4"), 0.1, 0.9)
    half = rms(
        render(draft(video({"d": 1000, "m": {"source": "tone", "volume": 0.5}})), media, tmp_path / "t2.mp4"),
        0.1,
        0.9,
    )
    assert loud > 0.05 and 0.4 < half / loud < 0.6, "the clip's own sound, at the segment's volume"


def test_gaps_are_black_images_hold_and_short_clips_fill_their_segment(
    media: dict[str, Path], tmp_path: Path
) -> None:
    media = {**media, "red": make_image(tmp_path / "red.png", "64x48", "red")}
    d = draft(
        video({"d": 1000, "m": {"source": "red"}}, {"d": 2000, "m": {"source": "sunset", "start": 2000}})
    )
    out = render(d, media, tmp_path / "o.mp4")
    f = facts(out)
    assert abs(f.video_duration_s - 4.0) <= 1 / 30
    img = frame_at(out, 0.5)
    assert img[H // 2, W // 2, 0] > 200 and img[H // 2, W // 2, 1] < 60, "the image fills the middle"
    assert img[:, :20].max() < 30, "a 4:3 picture gets black bars, not stretched"
    assert frame_at(out, 1.5).max() < 30, "nothing on the track between 1 s and 2 s: black"
    looped = frame_at(out, 3.5)
    assert looped.std() > 20, "a 1 s clip in a 2 s segment keeps playing (looped), not black"


def test_missing_source_is_a_clear_error_and_leaves_no_file(media: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    with pytest.raises(RenderError, match="clip 'ghost' could not be found"):
        render(draft(video(("ghost", 1000))), media, out)
    with pytest.raises(RenderError, match="has no source"):
        render(draft({"tt": 0, "sg": [{"d": 1000, "m": {"name": "nothing"}}]}), media, out)
    assert list(tmp_path.iterdir()) == []


def test_corrupt_media_is_a_clear_error_and_leaves_no_file(media: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(os.urandom(4096))
    out = tmp_path / "out.mp4"
    with pytest.raises(RenderError, match=r"clip 'bad' could not be read: .+") as err:
        render(draft(video(("bad", 1000))), {**media, "bad": bad}, out)
    assert "0x" not in str(err.value), "ffmpeg's internal addresses are not shown"
    with pytest.raises(RenderError, match="audio 'bgm' has no sound"):
        render(draft(video(("city", 1000)), music("bgm", 1000)), {**media, "bgm": media["city"]}, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.mp4"]


def test_an_empty_draft_is_refused(media: dict[str, Path], tmp_path: Path) -> None:
    for empty in (Draft(), draft(video()), draft({"tt": 0, "sg": [{"d": 0, "m": {"source": "city"}}]})):
        with pytest.raises(RenderError, match="empty"):
            render(empty, media, tmp_path / "out.mp4")
    assert list(tmp_path.iterdir()) == []


def test_a_text_only_draft_exports_over_black(media: dict[str, Path], tmp_path: Path) -> None:
    out = render(draft(title("Only words", 1000)), media, tmp_path / "t.mp4")
    frame = frame_at(out, 0.5)
    assert frame[:20].max() < 30 and frame.max() > 200, "white words on black"


def test_a_cut_short_clip_is_refused_quickly(media: dict[str, Path], tmp_path: Path) -> None:
    # The header (moov, thanks to +faststart) survives but the pictures are gone: ffmpeg must not
    # spin over it, and the person learns which clip is broken.
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(media["sunset"].read_bytes()[:3000])
    with pytest.raises(RenderError, match="clip 'cut' could not be read"):
        render(draft(video(("cut", 2000))), {**media, "cut": cut}, tmp_path / "out.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.mp4"]


def test_an_upper_video_track_covers_the_main_one_while_it_plays(
    media: dict[str, Path], tmp_path: Path
) -> None:
    media = {
        **media,
        "still": tmp_path / "still.gif",
        "green": make_image(tmp_path / "g.webp", "64x36", "green"),
    }
    make_image(media["still"], "64x36", "yellow")
    d = draft(
        video({"d": 1000, "m": {"source": "still"}}, {"d": 1000, "m": {"source": "green"}}),
        {"tt": 0, "sg": [{"d": 500, "m": {"source": "city", "start": 250}}]},
    )
    out = render(d, media, tmp_path / "o.mp4")
    yellow, covered, green = frame_at(out, 0.1), frame_at(out, 0.5), frame_at(out, 1.5)
    assert yellow[H // 2, W // 2, 0] > 200 and yellow[H // 2, W // 2, 2] < 60, "a GIF shows on the main track"
    assert np.abs(covered - yellow).mean() > 40, "the upper track's clip shows from 0.25 s to 0.75 s"
    assert green[H // 2, W // 2, 1] > 100 and green[H // 2, W // 2, 0] < 60, "a WebP image, after it"
