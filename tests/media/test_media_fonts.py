"""Title fonts: the bundled Noto Sans CJK on a bare machine, its Simplified Chinese face, a face per
script, and NEMO_FONT — checked by drawing glyphs with the bundled ffmpeg and comparing pixels."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import numpy as np

from nemo_tui.engine.media import fonts
from nemo_tui.engine.media.ffmpeg import ffmpeg_exe
from nemo_tui.engine.media.fonts import choose_font, font_covers_cjk, font_for, missing_glyphs
from nemo_tui.engine.media.render import render_draft
from nemo_tui.engine.media.sfnt import read_faces
from nemo_tui.protocol import Draft

W, H = 240, 80


def glyphs(font: Path, text: str, tmp_path: Path) -> np.ndarray:
    """`text` drawn black on white with drawtext and `font`, as a grey image (H x W)."""
    textfile = tmp_path / "glyphs.txt"
    textfile.write_text(text, encoding="utf-8")
    out = subprocess.run(
        [
            ffmpeg_exe(),
            *("-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", f"color=white:s={W}x{H}"),
            *("-vf", f"drawtext=fontfile={font}:textfile={textfile}:fontsize=60:x=8:y=8:fontcolor=black"),
            *("-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"),
        ],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return np.frombuffer(out, np.uint8).reshape(H, W).astype(int)


def render_titled(text: str, media: dict[str, Path], tmp_path: Path) -> Path:
    """A half-second clip with `text` as its title, rendered small."""
    draft = Draft.from_wire(
        {
            "t": [
                {"tt": 0, "sg": [{"d": 500, "m": {"source": "city"}}]},
                {"tt": 7, "sg": [{"d": 500, "m": {"text": text}}]},
            ]
        }
    )
    out = tmp_path / "titled.mp4"
    render_draft(draft, media.get, out, width=160, height=90)
    return out


def ink(image: np.ndarray) -> np.ndarray:
    return image < 128


def test_a_bare_machine_uses_the_bundled_simplified_chinese_face(bare_font_machine, tmp_path: Path) -> None:
    chosen = choose_font(cjk=True)
    assert chosen is not None and chosen.source == "bundled"
    assert chosen.face == "Noto Sans CJK SC" and chosen.origin.suffix == ".ttc"
    assert font_covers_cjk(chosen.path), "drawtext loads face 0 of the file it is given: the SC face"
    assert font_for("城市之夜") == chosen


def test_the_bundled_face_draws_simplified_not_japanese_forms(bare_font_machine, tmp_path: Path) -> None:
    """门 and 骨 have different Japanese and Chinese forms; face 0 of the collection is the JP one.
    (说 is a simplified-only character, drawn the same by both faces: it must simply be drawn.)"""
    chosen = choose_font(cjk=True)
    assert chosen is not None
    japanese_face = read_faces(chosen.origin)[0]
    assert japanese_face.family == "Noto Sans CJK JP", "the collection's face 0 is the Japanese one"
    for character in "门骨说":
        simplified = ink(glyphs(chosen.path, character, tmp_path))
        japanese = ink(glyphs(chosen.origin, character, tmp_path))
        assert simplified.sum() > 100 and japanese.sum() > 100, f"{character}: a glyph is drawn"
        if character != "说":
            assert (simplified != japanese).sum() > 40, f"{character}: the SC form, not the JP one"


def test_latin_titles_keep_a_latin_face_and_chinese_ones_get_a_cjk_face() -> None:
    latin, cjk = choose_font(cjk=False), choose_font(cjk=True)
    assert latin is not None, "a test machine has at least a Latin font (as test_media_render assumes)"
    assert font_for("Urban Dreams") == latin and not font_covers_cjk(latin.path)
    chosen = font_for("城市之夜 Night")
    assert chosen == cjk and chosen is not None and font_covers_cjk(chosen.path)


def test_nemo_font_is_used_without_a_false_warning(
    media: dict[str, Path], tmp_path: Path, monkeypatch, caplog, bare_font_machine
) -> None:
    bundled = choose_font(cjk=True)
    assert bundled is not None
    monkeypatch.setenv("NEMO_FONT", str(bundled.path))  # a CJK font fontconfig does not know about
    assert font_for("城市之夜").source == "NEMO_FONT" and font_for("Hi").source == "NEMO_FONT"
    with caplog.at_level(logging.WARNING):
        render_titled("城市之夜", media, tmp_path)
    assert not [r for r in caplog.records if "boxes" in r.getMessage()]


def test_a_latin_only_nemo_font_still_gets_chinese_titles_a_cjk_face(monkeypatch) -> None:
    latin = choose_font(cjk=False)
    assert latin is not None, "a test machine has at least a Latin font"
    monkeypatch.setenv("NEMO_FONT", str(latin.path))
    assert font_for("Hello").source == "NEMO_FONT"
    chinese = font_for("城市之夜")
    assert chinese is not None and chinese.source != "NEMO_FONT" and not missing_glyphs(chinese, "城市之夜")


def test_with_no_cjk_font_at_all_the_missing_characters_are_named(
    media: dict[str, Path], tmp_path: Path, monkeypatch, caplog, bare_font_machine
) -> None:
    monkeypatch.setattr(fonts, "bundled_cjk_file", lambda: None)  # a broken install, wheel gone
    with caplog.at_level(logging.WARNING):
        render_titled("城市 ok", media, tmp_path)
    warnings = [r.getMessage() for r in caplog.records if "boxes" in r.getMessage()]
    assert len(warnings) == 1 and "城市" in warnings[0] and "NEMO_FONT" in warnings[0]
