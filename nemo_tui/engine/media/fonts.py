"""Which font file drawtext gets for a title, chosen per script.

Latin titles keep a Latin face (DejaVu, Liberation, Helvetica, Arial) when the machine has one; a
title with Chinese characters gets a CJK face: the machine's own (fontconfig or the usual places),
else Noto Sans CJK from the `noto-cjk-sans-otc` wheel, which every install has, so a bare server
renders Chinese titles as glyphs rather than boxes. `NEMO_FONT` names a file to use for every title
whose characters it has. A `.ttc` collection is used through its Simplified Chinese face (see sfnt).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .sfnt import Face, FontFileError, covered_characters, read_faces, write_face
from .text import has_cjk

log = logging.getLogger(__name__)

BUNDLED_PACKAGE = "noto_cjk_sans_otc"
_BUNDLED_FILE = "NotoSansCJK-Regular.ttc"
# Characters every Simplified Chinese title font has; a face without them is no CJK font.
CJK_PROBE = "中文门说骨"

# Fonts: drawtext needs an explicit file. Each platform's usual locations, then what fontconfig lists.
CJK_FONT_PATHS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
]
LATIN_FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/liberation/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Helvetica.ttc",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
]


@dataclass(frozen=True)
class FontChoice:
    """A font drawtext can load (`path`: always face 0 of its file) and where it came from."""

    path: Path
    face: str  # the face's name, e.g. "Noto Sans CJK SC"
    source: str  # "NEMO_FONT", "system" or "bundled"
    origin: Path  # the file it was taken from (a .ttc when one face was written out)
    face_index: int  # that face's index in `origin`


def _fc_list(query: str) -> list[str]:
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(["fc-list", query, "file"], capture_output=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = [line.split(":")[0].strip() for line in out.decode("utf-8", "replace").splitlines()]

    # Prefer sans faces over serif/mono, and regular weights: a title should read plainly.
    def rank(p: str) -> tuple[int, str]:
        low = p.lower()
        return (("serif" in low) + ("mono" in low) + ("light" in low), low)

    return sorted((f for f in files if f and os.path.isfile(f)), key=rank)


def bundled_cjk_file() -> Path | None:
    """Noto Sans CJK's collection inside the `noto-cjk-sans-otc` wheel, found through its package."""
    from importlib.resources import files

    try:
        resource = files(BUNDLED_PACKAGE).joinpath(_BUNDLED_FILE)
    except ModuleNotFoundError:
        return None
    path = Path(str(resource))  # wheels install unpacked: the resource is a real file
    return path if path.is_file() else None


def _face_rank(face: Face) -> int:
    """Simplified Chinese faces first; the proportional face before the Mono one."""
    words = set(face.family.split())
    return (0 if {"SC", "GB", "CN"} & words else 1) + (1 if "Mono" in words else 0)


def _face_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("nemo-tui")) / "fonts"


def _as_face_zero(face: Face) -> Path:
    """A file whose face 0 is `face`: the file itself, or the face written out once into the cache."""
    if face.index == 0:
        return face.path
    stat = face.path.stat()
    name = f"{face.path.stem}-face{face.index}-{stat.st_size}-{stat.st_mtime_ns}.otf"
    for folder in (_face_cache_dir(), Path(tempfile.gettempdir()) / f"nemo-tui-fonts-{os.getuid()}"):
        dest = folder / name
        if dest.is_file():
            return dest
        try:
            return write_face(face, dest)
        except OSError as e:
            log.info("could not write %s (%s)", dest, e)
    raise FontFileError(f"{face.path}: face {face.index} could not be written anywhere")


def _usable(path: Path, source: str, needs: str) -> FontChoice | None:
    """The best face of the file that has every character of `needs`, ready for drawtext."""
    try:
        faces = [f for f in read_faces(path) if set(needs) <= covered_characters(f, needs)]
        if not faces:
            return None
        best = min(faces, key=_face_rank)
        return FontChoice(_as_face_zero(best), best.family, source, path, best.index)
    except FontFileError as e:
        log.info("font %s skipped: %s", path, e)
        return None


def _nemo_font() -> FontChoice | None:
    """NEMO_FONT as given (face 0): the person chose it; unreadable faces are ffmpeg's to report."""
    override = os.environ.get("NEMO_FONT")
    if not override or not os.path.isfile(override):
        return None
    try:
        name = read_faces(Path(override))[0].family
    except FontFileError:
        name = ""
    return FontChoice(Path(override), name, "NEMO_FONT", Path(override), 0)


@lru_cache(maxsize=8)
def _choose(cjk: bool, _environment: tuple[str | None, ...]) -> FontChoice | None:
    if cjk:
        for path in dict.fromkeys([*CJK_FONT_PATHS, *_fc_list(":lang=zh")]):
            if os.path.isfile(path) and (found := _usable(Path(path), "system", CJK_PROBE)):
                return found
        bundled = bundled_cjk_file()
        return _usable(bundled, "bundled", CJK_PROBE) if bundled else None
    for path in dict.fromkeys([*LATIN_FONT_PATHS, *_fc_list(":lang=en")]):
        if os.path.isfile(path):
            try:
                name = read_faces(Path(path))[0].family
            except FontFileError:
                name = Path(path).stem
            return FontChoice(Path(path), name, "system", Path(path), 0)
    return None


def choose_font(cjk: bool) -> FontChoice | None:
    """The machine's font for CJK titles (`cjk`) or Latin ones, NEMO_FONT aside; None if there is none."""
    # Keyed on what steers the search, so a changed NEMO_FONT or fontconfig file is seen at once.
    return _choose(cjk, (os.environ.get("FONTCONFIG_FILE"), os.environ.get("FONTCONFIG_PATH")))


def font_for(text: str) -> FontChoice | None:
    """The font for one title: NEMO_FONT unless it lacks the title's characters, then a face of the
    title's script (a Latin title falls back to the CJK face, which has Latin letters too)."""
    chosen = _nemo_font()
    if chosen is not None and not missing_glyphs(chosen, text):
        return chosen
    if chosen is not None:
        log.info("NEMO_FONT %s has no glyphs for %r; using another font for it", chosen.path, text)
    if has_cjk(text):
        return choose_font(cjk=True) or chosen or choose_font(cjk=False)
    latin = choose_font(cjk=False)
    if latin is not None and not missing_glyphs(latin, text):
        return latin
    return choose_font(cjk=True) or latin or chosen


def missing_glyphs(font: FontChoice | None, text: str) -> str:
    """The characters of `text` the font would draw as boxes ("" when it has them all, or when the
    file cannot be read: ffmpeg then says what is wrong with it)."""
    wanted = "".join(dict.fromkeys(c for c in text if not c.isspace() and c.isprintable()))
    if font is None:
        return wanted
    try:
        face = read_faces(font.path)[0]
        have = covered_characters(face, wanted)
    except FontFileError:
        return ""
    return "".join(c for c in wanted if c not in have)


def find_font(cjk: bool = True) -> Path | None:
    """A font file for drawtext: NEMO_FONT, else the CJK face (when `cjk`) or a Latin one."""
    chosen = _nemo_font() or choose_font(cjk) or choose_font(not cjk)
    return chosen.path if chosen else None


def font_covers_cjk(font: Path | None) -> bool:
    """Whether the file's face 0 (the one drawtext loads) has Chinese glyphs."""
    if font is None:
        return False
    try:
        return set(CJK_PROBE) <= covered_characters(read_faces(font)[0], CJK_PROBE)
    except FontFileError:
        return False


def clear_font_cache() -> None:
    """Forget the fonts found (tests that change the machine's fonts call it)."""
    _choose.cache_clear()
