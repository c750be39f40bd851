"""Text overlays for the renderer: colours, wrapping, sizes, and drawtext filters that need no escaping
of the text itself (it goes through `textfile=` with `expansion=none`)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

COLOURS = {
    "white": "FFFFFF",
    "black": "000000",
    "red": "FF3B30",
    "orange": "FF9500",
    "yellow": "FFD60A",
    "green": "34C759",
    "blue": "0A84FF",
    "cyan": "32D7F5",
    "purple": "AF52DE",
    "pink": "FF6FB5",
    "gold": "FFC94D",
    "grey": "9A9A9A",
    "gray": "9A9A9A",
    "magenta": "FF2DCB",
    "brown": "A2845E",
    "白": "FFFFFF",
    "白色": "FFFFFF",
    "黑": "000000",
    "黑色": "000000",
    "红": "FF3B30",
    "红色": "FF3B30",
    "橙": "FF9500",
    "橙色": "FF9500",
    "黄": "FFD60A",
    "黄色": "FFD60A",
    "绿": "34C759",
    "绿色": "34C759",
    "蓝": "0A84FF",
    "蓝色": "0A84FF",
    "紫": "AF52DE",
    "紫色": "AF52DE",
    "粉": "FF6FB5",
    "粉色": "FF6FB5",
    "金": "FFC94D",
    "金色": "FFC94D",
    "灰": "9A9A9A",
    "灰色": "9A9A9A",
}


def parse_colour(value: object) -> str:
    """A drawtext colour (0xRRGGBB) from a name or #RRGGBB / #RGB; anything unreadable is white."""
    text = str(value or "").strip().lower()
    if text in COLOURS:
        return "0x" + COLOURS[text]
    match = re.fullmatch(r"(?:#|0x)?([0-9a-f]{6}|[0-9a-f]{3})", text)
    if match:
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return "0x" + digits.upper()
    return "0xFFFFFF"


def has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in text)


def _width(text: str) -> float:
    """Approximate rendered width in font-size units: wide (CJK) glyphs ~1, others ~0.52."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.52 for c in text)


def wrap(text: str, max_units: float) -> list[str]:
    """Greedy wrap on spaces for Latin text, between any two characters for CJK; keeps given newlines."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        tokens = re.findall(
            r"\s+|[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]|[^\s\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]+",
            paragraph,
        )
        line = ""
        for token in tokens:
            if _width(line + token) <= max_units or not line.strip():
                line += token
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
        lines.append(line.rstrip())
    return [ln for ln in lines if ln.strip()] or []


def font_size(style: object, width: int, height: int, explicit: object = None) -> int:
    try:
        if isinstance(explicit, (int, float, str)) and float(explicit) > 0:
            return max(8, min(int(float(explicit)), height // 3))
    except (ValueError, OverflowError):  # not a number, or "inf" (a string passes the JSON guard)
        pass
    base = min(width, height)
    kind = str(style or "").lower()
    scale = 0.05 if any(k in kind for k in ("subtitle", "caption", "small", "字幕")) else 0.075
    return max(10, int(base * scale))


def filter_value(value: str) -> str:
    """Escape a value for a filter option inside -filter_complex: once for the option parser
    (backslash, quote, colon), then once more for the graph parser (backslash, quote, brackets, comma,
    semicolon) — ffmpeg unescapes at both levels."""
    for ch in "\\':":
        value = value.replace(ch, "\\" + ch)
    out = []
    for ch in value:
        out.append("\\" + ch if ch in "\\'[],;" else ch)
    return "".join(out)


def shown_between(start_s: float, end_s: float) -> str:
    """A filter `enable` expression true on exactly the frames in [start_s, end_s): `between()` includes
    its end, which showed a title one frame too long. Both edges sit 1 ms early, so a frame stamped on
    a boundary (a float a hair under it) still lands on the side it belongs to."""
    return f"gte(t,{start_s - 0.001:.4f})*lt(t,{end_s - 0.001:.4f})"


def drawtext_filters(
    text: str,
    *,
    start_s: float,
    end_s: float,
    width: int,
    height: int,
    position: object,
    colour: object,
    style: object,
    size: object,
    font: Path | None,
    workdir: Path,
    tag: str,
) -> list[str]:
    """One drawtext per wrapped line (each centred), shown between start_s and end_s."""
    fs = font_size(style, width, height, size)
    lines = wrap(text, width * 0.88 / fs)
    if not lines:
        return []
    line_h = int(fs * 1.3)
    block = line_h * len(lines)
    where = str(position or "center").lower()
    if where in ("top", "上", "顶部", "上方"):
        y0 = int(height * 0.08)
    elif where in ("bottom", "下", "底部", "下方"):
        y0 = int(height * 0.9) - block
    else:
        y0 = (height - block) // 2
    filters = []
    for i, line in enumerate(lines):
        path = workdir / f"{tag}-{i}.txt"
        path.write_text(line, encoding="utf-8")
        opts = [
            f"textfile={filter_value(str(path))}",
            "expansion=none",
            f"fontsize={fs}",
            f"fontcolor={parse_colour(colour)}",
            f"borderw={max(1, fs // 18)}",
            "bordercolor=black@0.6",
            "x=(w-text_w)/2",
            f"y={y0 + i * line_h + (line_h - fs) // 2}",
            f"enable='{shown_between(start_s, end_s)}'",
        ]
        if font is not None:
            opts.insert(0, f"fontfile={filter_value(str(font))}")
        filters.append("drawtext=" + ":".join(opts))
    return filters
