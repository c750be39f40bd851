"""Which ffmpeg the app runs: NEMO_FFMPEG (a system build, >= 5.1) wins, else the static build of the
imageio-ffmpeg wheel. A leaf module (nothing of nemo_tui): the engine's clips and renders and core's
preview frames find the same program the same way, each raising its own error for a person.
"""

from __future__ import annotations

import os
import shutil

FFMPEG_VAR = "NEMO_FFMPEG"


class FFmpegNotFound(Exception):
    """NEMO_FFMPEG names no program that can be run; str(e) says so, for a person."""


def find_ffmpeg() -> str:
    override = os.environ.get(FFMPEG_VAR)
    if override:
        found = shutil.which(override)
        if not found:
            raise FFmpegNotFound(
                f"{FFMPEG_VAR} is set to {override!r}, which is not a program that can be run"
            )
        return found
    import imageio_ffmpeg  # deferred: importing it is cheap, but only media work needs it

    exe: str = imageio_ffmpeg.get_ffmpeg_exe()
    return exe
