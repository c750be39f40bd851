"""Where the .tcss files are: inside the package once installed (the wheel force-includes the
top-level `styles/` as `nemo_tui/styles/`), beside the package in a source checkout."""

from __future__ import annotations

from pathlib import Path, PurePath

import nemo_tui


def styles_dir() -> Path:
    package = Path(nemo_tui.__file__).resolve().parent
    for candidate in (package / "styles", package.parent / "styles"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"nemo-tui's styles are missing (looked in {package}/styles and {package.parent}/styles)"
    )


def stylesheets(*names: str) -> list[str | PurePath]:  # Textual's CSS_PATH
    base = styles_dir()
    return [base / name for name in names] if names else sorted(base.glob("*.tcss"))
