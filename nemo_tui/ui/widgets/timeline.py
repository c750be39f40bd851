"""The timeline: a time ruler, a filmstrip (one picture per video segment, when the terminal has room
and draws pixels) and one row per track, segments as proportional blocks.

Line API (`render_line` -> `Strip`): the rows are built once per (draft, pictures, width, style) and
cached, so a refresh or a scroll never rebuilds widgets (the way toolong draws its log lines). The
pictures are decoded in a worker after each change (ffmpeg in a thread), never on a keystroke, and
drawn as the player draws (ui/widgets/filmstrip.py): kitty images, Sixel, or half-blocks.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment as RichSegment
from rich.style import Style
from textual import work
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core import kitty, sixel
from ...core.halfblock import HalfBlockRenderer
from ..action_table import bindings_for
from ..sixel_overlay import SixelOverlay, SixelPicture
from ..strings import t
from ..text import clean, one_line
from .filmstrip import FILM_ROWS, MIN_SCREEN_ROWS, Look, Tile, film_strips, layout, tile_cells

if TYPE_CHECKING:  # the protocol's pydantic models load after the first paint
    import numpy as np

    from ...core.filmstrip import ShotCache
    from ...protocol import Draft, Track

LABEL_WIDTH = 14
NICE_STEPS_S = (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)

OTHER_LOOK = ("▪", "#", "other", "timeline.other")


def track_look(kind: int | None) -> tuple[str, str, str, str]:
    """(icon, ascii icon, component class, string key) for a track type."""
    from ...protocol import TrackType

    looks: dict[int, tuple[str, str, str, str]] = {
        # Not the 🎬 emoji: terminals disagree on its width (1 or 2 cells), which shifts the row.
        TrackType.VIDEO: ("▶", "V", "video", "timeline.video"),
        TrackType.AUDIO: ("♪", "A", "audio", "timeline.audio"),
        TrackType.TEXT: ("T", "T", "text", "timeline.text"),
    }
    return looks.get(kind, OTHER_LOOK) if kind is not None else OTHER_LOOK


def short_duration(ms: int) -> str:
    """Milliseconds as a tick label: 10000 → "10s", 2500 → "2.5s", 65000 → "1:05"."""
    secs = ms / 1000
    if secs < 60:
        return f"{secs:g}s" if secs == int(secs) else f"{secs:.1f}s"
    minutes, rest = divmod(round(secs), 60)
    return f"{minutes}:{rest:02d}"


def fit(text: str, width: int) -> str:
    """Exactly `width` cells: padded, or cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)


class TimelineView(ScrollView, can_focus=True):
    BINDINGS = bindings_for("timeline")

    COMPONENT_CLASSES = {
        "timeline--ruler",
        "timeline--label",
        "timeline--gap",
        "timeline--empty",
        "timeline--video",
        "timeline--video-alt",
        "timeline--audio",
        "timeline--audio-alt",
        "timeline--text",
        "timeline--text-alt",
        "timeline--other",
        "timeline--other-alt",
    }

    DEFAULT_CSS = """
    TimelineView { height: auto; max-height: 12; }
    """

    def __init__(
        self, *, lang: str = "en", ascii_only: bool = False, pictures: bool = False, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.ascii_only = ascii_only
        self.pictures = pictures  # False (NEMO_GRAPHICS=none): the text timeline only, never a film row
        self.draft: Draft | None = None  # None: nothing yet (shown like an empty draft)
        self.summary = ""
        self.media_urls: dict[str, str] = {}
        self.film: list[tuple[Tile, np.ndarray]] = []  # the pictures on screen (tests look at them)
        self._film_key: tuple | None = None  # (draft serial, bar width, room, look) the film was built for
        self._draft_serial = 0
        self._shots: ShotCache | None = None
        self._renderer = HalfBlockRenderer()
        self._kitty_write: Callable[[str], None] | None = None  # set_graphics: how pictures are drawn
        self._sixel: SixelOverlay | None = None
        self._kitty_base = random.randint(1, 2**24 - 257)  # picture i is kitty image base + i
        self._kitty_sent = 0  # kitty images in the terminal (ids base .. base + sent - 1)
        self.film_look: Look = "halfblock"  # how self.film is drawn
        self._version = 0
        self._cache_key: tuple | None = None
        self._lines: list[Strip] = []
        self.virtual_size = Size(0, 1)

    # ---- data ------------------------------------------------------------------------------------

    def show_draft(
        self, draft: Draft | None, summary: str = "", media_urls: dict[str, str] | None = None
    ) -> None:
        self.draft = draft
        self.summary = clean(summary)  # said in a toast when copied: no escape may reach the terminal
        if media_urls is not None:
            self.media_urls = media_urls
        self._draft_serial += 1
        self._version += 1
        self._relayout()
        self._update_titles()
        self._start_film()

    def set_pictures(self, on: bool) -> None:
        """Pictures on or off (graphics "none", known after the first paint: ui/terminal_io.py)."""
        if on == self.pictures:
            return
        self.pictures, self._film_key = on, None
        if on:
            self._start_film()
        elif self.film:
            self.film = []
            self._send_film([], "halfblock", 0)
            self._version += 1
            self._relayout()

    def set_graphics(
        self, *, kitty_write: Callable[[str], None] | None = None, sixel: SixelOverlay | None = None
    ) -> None:
        """Draw the pictures as kitty images (a terminal writer), as Sixel (the app's overlay) or, with
        neither, as half-blocks (ui/terminal_io.py, once the graphics mode is known)."""
        if (kitty_write, sixel) == (self._kitty_write, self._sixel):
            return
        self._send_film([], "halfblock", 0)  # the old way's pictures go
        self._kitty_write, self._sixel, self._film_key = kitty_write, sixel, None
        self._start_film()

    def _look(self) -> tuple[Look, tuple[int, int]]:
        if self._kitty_write is not None:
            return "kitty", kitty.PIXELS_PER_CELL
        if self._sixel is not None:
            return "sixel", self._sixel.cell
        return "halfblock", (1, 2)

    def _relayout(self) -> None:
        self.virtual_size = Size(self.size.width, self._line_count())
        self.refresh(layout=True)

    def _line_count(self) -> int:
        if self.draft is None or not self.draft.tracks or self.draft.duration_ms <= 0:
            return 1
        return 1 + len(self.draft.tracks) + (FILM_ROWS if self.film else 0)

    def _update_titles(self) -> None:
        n = len(self.draft.tracks) if self.draft is not None else 0
        title = t("timeline.title", self.lang)
        if n and self.draft is not None and self.draft.duration_ms > 0:
            title = f"{title} · {n} · {short_duration(self.draft.duration_ms)}"
        self.border_title = Content(title)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache_key = None  # theme changed: colours live in the cached strips

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self._line_count())
        self._start_film()

    # ---- the filmstrip -----------------------------------------------------------------------------

    def _bar_width(self, width: int) -> tuple[int, int]:
        label_w = min(LABEL_WIDTH, max(width // 4, 4))
        return label_w, max(width - label_w, 1)

    def _start_film(self) -> None:
        """(Re)build the pictures for this draft and width, unless they are already on screen."""
        if not self.pictures or not self.is_mounted:
            return
        _, bar_w = self._bar_width(self.scrollable_content_region.width)
        roomy = self.app.size.height >= MIN_SCREEN_ROWS
        key = (self._draft_serial, bar_w, roomy, self._look())  # the look: a new cell size too
        if key != self._film_key:
            self._film_key = key
            self._build_film(bar_w, roomy=roomy)

    @work(exclusive=True, group="filmstrip", exit_on_error=False)
    async def _build_film(self, bar_w: int, *, roomy: bool) -> None:
        from ...core.filmstrip import ShotCache, shots

        draft = self.draft
        tiles = layout(shots(draft, self.media_urls), draft, bar_w) if draft and roomy else []
        if self._shots is None and tiles:
            self._shots = ShotCache()
        look, cell = self._look()
        if look == "kitty" and not all(kitty.fits(tile.width, FILM_ROWS) for tile in tiles):
            look, cell = "halfblock", (1, 2)
        film: list[tuple[Tile, np.ndarray]] = []
        for tile in tiles:
            assert self._shots is not None
            pixels = await self._shots.pixels(tile.shot, *tile.pixels_for(look, cell))
            if pixels is not None:
                film.append((tile, pixels))
        sixels = (
            [await asyncio.to_thread(sixel.encode, pixels) for _, pixels in film] if look == "sixel" else []
        )
        if film or self.film:
            self.film, self.film_look = film, look
            self._send_film(sixels, look, self._bar_width(self.scrollable_content_region.width)[0])
            self._version += 1  # the cached strips hold the old pictures
            self._relayout()

    def _send_film(self, sixels: list[str], look: Look, label_w: int) -> None:
        """Give the terminal this film's pictures: kitty images (those left over freed), Sixel
        pictures to the overlay (none: it forgets the old ones)."""
        if self._kitty_write is not None:
            sent = len(self.film) if look == "kitty" else 0
            for index, (tile, pixels) in enumerate(self.film[:sent]):
                self._kitty_write(kitty.transmit(pixels, self._kitty_base + index, tile.width, FILM_ROWS))
            for index in range(sent, self._kitty_sent):
                self._kitty_write(kitty.delete(self._kitty_base + index))
            self._kitty_sent = sent
        if self._sixel is not None:
            pictures = [
                SixelPicture(data, label_w + tile.column, 1, tile.width, FILM_ROWS)
                for data, (tile, _) in zip(sixels, self.film, strict=False)
            ]
            if pictures:
                self._sixel.show(self, pictures)
            else:
                self._sixel.forget(self)

    def on_unmount(self) -> None:
        self._send_film([], "halfblock", 0)

    # ---- drawing ---------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        lines = self._rendered(width)
        index = y + int(self.scroll_offset.y)
        if 0 <= index < len(lines):
            return lines[index]
        return Strip.blank(width, self.rich_style)

    def _rendered(self, width: int) -> list[Strip]:
        key = (self._version, width)
        if key != self._cache_key:
            self._lines = self._build(width)
            self._cache_key = key
        return self._lines

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"timeline--{name}")

    def _build(self, width: int) -> list[Strip]:
        draft = self.draft
        if draft is None or not draft.tracks or draft.duration_ms <= 0:
            text = fit(" " + t("timeline.empty", self.lang), width)
            return [Strip([RichSegment(text, self._style("empty"))], width)]
        total_ms = draft.duration_ms
        label_w, bar_w = self._bar_width(width)
        lines = [self._ruler(label_w, bar_w, total_ms)]
        if self.film:
            label = RichSegment(" " * label_w, self._style("label"))
            cells = tile_cells(
                self.film_look, self._renderer, self.rich_style, lambda i: self._kitty_base + i
            )
            lines += film_strips(self.film, cells, label, bar_w, self.rich_style)
        counters: dict[int, int] = {}
        for track in draft.tracks:
            counters[track.type] = counters.get(track.type, 0) + 1
            lines.append(self._track_line(track, counters[track.type], label_w, bar_w, total_ms))
        return [line.adjust_cell_length(width, self.rich_style) for line in lines]

    def _ruler(self, label_w: int, bar_w: int, total_ms: int) -> Strip:
        total_s = total_ms / 1000
        # The smallest "nice" step that leaves room for a label between ticks.
        step = next((s for s in NICE_STEPS_S if bar_w * s / total_s >= 8), NICE_STEPS_S[-1])
        cells = [" "] * bar_w
        glyph = "|" if self.ascii_only else "╵"
        free_from = 0  # first column a new label may use, so labels never overwrite each other
        count = int(total_s / step + 1e-9)
        for index in range(count + 1):
            tick = index * step
            col = min(int(tick / total_s * bar_w), bar_w - 1)
            label = glyph + short_duration(int(tick * 1000))
            if col + len(label) > bar_w:  # the last tick: its label goes to the left of the mark
                label = short_duration(int(tick * 1000)) + glyph
                col = bar_w - len(label)
            if col < free_from:
                continue
            cells[col : col + len(label)] = label
            free_from = col + len(label) + 1
        style = self._style("ruler")
        return Strip([RichSegment(" " * label_w, style), RichSegment("".join(cells), style)])

    def _track_line(self, track: Track, number: int, label_w: int, bar_w: int, total_ms: int) -> Strip:
        from ...protocol import TrackType

        icon, ascii_icon, cls, key = track_look(track.kind)
        icon = ascii_icon if self.ascii_only else icon
        label = fit(f" {icon} {t(key, self.lang)} {number}", label_w)
        # The label wears its track's colour as text colour, so rows read even without the blocks.
        label_style = self._style("label") + Style(color=self._style(cls).bgcolor, bold=True)
        segments = [RichSegment(label, label_style)]
        cursor = 0
        styles = (self._style(cls), self._style(f"{cls}-alt"))
        gap_style = self._style("gap")
        edge = "|" if self.ascii_only else "▌"
        for index, (start_ms, end_ms, seg) in enumerate(track.layout()):
            start = int(start_ms / total_ms * bar_w)
            end = max(int(end_ms / total_ms * bar_w), start + 1)
            start = max(start, cursor)  # overlapping segments draw after the previous one
            if start >= bar_w:
                break
            end = min(end, bar_w)
            if start > cursor:
                segments.append(RichSegment("·" * (start - cursor), gap_style))
            name = seg.name or "—"
            if track.kind == TrackType.TEXT and seg.text:
                name = f'"{seg.text}"'
            name = one_line(name)
            info = f"{name} {short_duration(seg.duration_ms)}"
            if track.kind == TrackType.AUDIO and seg.volume is not None:
                info += f" {round(seg.volume * 100)}%"
            segments.append(RichSegment(fit(edge + info, end - start), styles[index % 2]))
            cursor = end
        if cursor < bar_w:
            segments.append(RichSegment("·" * (bar_w - cursor), gap_style))
        return Strip(segments)

    # ---- actions ---------------------------------------------------------------------------------

    def action_copy_summary(self) -> None:
        if not self.summary:
            self.notify(t("timeline.nothing", self.lang), markup=False)
            return
        self.app.copy_to_clipboard(self.summary)
        self.notify(t("timeline.copied", self.lang, summary=self.summary), markup=False)
