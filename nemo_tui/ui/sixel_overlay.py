"""Sixel pictures over Textual's cells (graphics "sixel"; the encoder is core/sixel.py).

Sixel has no placeholders: an image is drawn where the cursor is, and the terminal keeps it until
text is written over those cells. So a widget that shows one renders blank cells for it and hands
its pictures here (`show`); after each screen update (the app's `_display`, inside Textual's
synchronized-update bracket when the terminal has one) the overlay writes, through the same terminal
writer as kitty images: cursor save, a move to the picture's cells (1-based CUP), the Sixel data,
cursor restore. A picture is written again only when it changed, when it moved (resize, scroll,
layout) or when that update rewrote any of its cells (Textual's text wipes an image under it); it is
not drawn while its widget is off the current screen (the player closed, a dialog over the
timeline), clipped, or touching the last screen row (the terminal would scroll); under something
drawn above it (a toast) only its rows above that are drawn (whole Sixel bands, cut without
encoding again). When a picture shrinks or goes, its widget is repainted: Textual's text over
those cells clears the old picture.
"""

from __future__ import annotations

import fcntl
import struct
import sys
import termios
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.dom import NoScreen
from textual.geometry import Region
from textual.widget import Widget

from ..core import sixel

DEFAULT_CELL = (10, 20)  # pixels of one cell when the terminal says nothing (a 10x20 font is common)
_EVERYWHERE = Region(0, 0, 1 << 20, 1 << 20)


@dataclass(frozen=True)
class SixelPicture:
    """One image of a widget: its Sixel data and the cells it covers, from the top-left of the
    widget's scrollable content (virtual coordinates: the overlay subtracts the scroll)."""

    data: str
    x: int
    y: int
    columns: int
    rows: int


def terminal_cell_size(fds: Iterable[int] | None = None) -> tuple[int, int] | None:
    """The cell size in pixels the terminal reports through TIOCGWINSZ (kitty, foot, WezTerm, xterm
    fill it in); None when it says 0 or there is no terminal."""
    for fd in fds if fds is not None else _tty_fds():
        try:
            rows, columns, width, height = struct.unpack(
                "HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, bytes(8))
            )
        except OSError:
            continue
        if rows and columns and width and height:
            return max(width // columns, 1), max(height // rows, 1)
    return None


def _tty_fds() -> list[int]:
    fds = []
    for stream in (sys.__stderr__, sys.__stdout__):  # Textual writes to stderr
        try:
            if stream is not None and stream.isatty():
                fds.append(stream.fileno())
        except (OSError, ValueError):
            continue
    return fds


def damage_of(update: object) -> list[Region]:
    """The cells an update of Textual's compositor writes. A partial update rewrites a line from the
    start of the chop its span begins in, so each span counts from column 0 (never too little)."""
    if update is None:
        return []
    if isinstance(update, LayoutUpdate):
        return [update.region]
    if isinstance(update, ChopsUpdate):
        return [Region(0, y, x2, 1) for y, _x1, x2 in update.spans]
    return [_EVERYWHERE]  # inline or anything else: assume all of it


class SixelOverlay:
    """One per app: the Sixel pictures of every widget that shows some, drawn after screen updates."""

    def __init__(self, write: Callable[[str], None], cell: tuple[int, int] = DEFAULT_CELL) -> None:
        self.write = write
        self.cell = cell  # (width, height) in pixels
        self._pictures: dict[Widget, list[SixelPicture]] = {}
        self._drawn: dict[Widget, list[Region | None]] = {}
        self._fresh: set[Widget] = set()
        self._damage: list[Region] | None = None  # what the update being displayed rewrites
        self.writes = 0  # sequences written (tests)

    # ---- widgets ---------------------------------------------------------------------------------
    def show(self, widget: Widget, pictures: list[SixelPicture]) -> None:
        """Draw these pictures for `widget` from now on (replacing its previous ones)."""
        self._pictures[widget] = pictures
        self._fresh.add(widget)
        if widget.is_attached:
            widget.call_after_refresh(self.paint)

    def forget(self, widget: Widget) -> None:
        """No more pictures for `widget` (its cells are Textual's again at their next repaint)."""
        self._pictures.pop(widget, None)
        self._drawn.pop(widget, None)
        self._fresh.discard(widget)

    # ---- the app's display -----------------------------------------------------------------------
    def before_display(self, update: object) -> None:
        self._damage = damage_of(update)

    def after_display(self) -> None:
        """Draw what the update just displayed needs (once, inside or after Textual's bracket)."""
        if self._damage is not None:
            damage, self._damage = self._damage, None
            self.paint(damage)

    def paint(self, damage: list[Region] | None = None) -> None:
        """Write every picture that is new, moved, or under `damage`; where a picture can no longer
        be drawn whole, have Textual repaint its widget's cells (the old picture goes)."""
        parts: list[str] = []
        for widget, pictures in list(self._pictures.items()):
            if not widget.is_attached:
                self.forget(widget)
                continue
            fresh = widget in self._fresh
            self._fresh.discard(widget)
            before = self._drawn.get(widget, [])
            placed = self._place(widget, pictures)
            shrunk = False
            for index, (picture, region) in enumerate(zip(pictures, placed, strict=True)):
                old = before[index] if index < len(before) else None
                shrunk |= old is not None and (region is None or region.height < old.height)
                hit = region is not None and damage is not None and any(region.overlaps(d) for d in damage)
                if region is not None and (fresh or region != old or hit):
                    data = picture.data
                    if region.height < picture.rows:  # the rows above what covers it
                        data = sixel.top(data, region.height * (sixel.size_of(data)[1] // picture.rows))
                    parts.append(f"\x1b[{region.y + 1};{region.x + 1}H{data}")
            self._drawn[widget] = placed
            if shrunk:
                widget.refresh()
        if parts:
            self.writes += len(parts)
            self.write("\x1b7" + "".join(parts) + "\x1b8")

    def _place(self, widget: Widget, pictures: list[SixelPicture]) -> list[Region | None]:
        """Each picture's cells on the screen, None where it can't be drawn now."""
        nowhere: list[Region | None] = [None] * len(pictures)
        try:
            screen = widget.screen
        except NoScreen:
            return nowhere
        if screen is not widget.app.screen or not screen.is_current:
            return nowhere
        visible = screen._compositor.visible_widgets
        if widget not in visible:
            return nowhere
        region, clip = visible[widget]
        area = widget.scrollable_content_region.intersection(region.intersection(clip))
        above = []  # what is drawn over the widget (toasts, tooltips, docked bars)
        for other, (other_region, other_clip) in visible.items():
            if other is widget:
                break
            drawn = other_region.intersection(other_clip)
            if drawn.overlaps(area):
                above.append(drawn)
        content = widget.scrollable_content_region
        scroll_x, scroll_y = int(widget.scroll_offset.x), int(widget.scroll_offset.y)
        placed: list[Region | None] = []
        for picture in pictures:
            cells = Region(
                content.x + picture.x - scroll_x,
                content.y + picture.y - scroll_y,
                picture.columns,
                picture.rows,
            )
            if not area.contains_region(cells) or cells.bottom >= screen.size.height:
                placed.append(None)
                continue
            covered_from = min((a.y for a in above if a.overlaps(cells)), default=cells.bottom)
            rows = covered_from - cells.y  # whole rows above the first one covered
            placed.append(cells._replace(height=rows) if rows > 0 else None)
        return placed
