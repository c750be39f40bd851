"""How the terminal can show pixels: decided once per start from the environment, never by a query
that could leave stray bytes in the prompt.

`NEMO_GRAPHICS=kitty|sixel|halfblock|none` wins. Without it: half-block cells (`▀`, 24-bit colour),
which every truecolour terminal shows, tmux and mosh included. `none` keeps today's text-only app.
kitty / sixel are accepted names but drawn as half-blocks for now: those protocols need a terminal
query after the first paint (textual-image) and tmux passthrough detection, not wired in yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

GraphicsMode = Literal["halfblock", "none"]


def graphics_mode(env: Mapping[str, str]) -> GraphicsMode:
    """ "none" when NEMO_GRAPHICS says so, else half-blocks (kitty, sixel, halfblock or anything else)."""
    return "none" if (env.get("NEMO_GRAPHICS") or "").strip().lower() == "none" else "halfblock"
