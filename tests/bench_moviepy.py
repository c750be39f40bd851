"""Export against MoviePy: `python -m tests.bench_moviepy [--repeat N] [--frames DIR] [--json]`.

The export measured by tests/bench.py (a 10 s 1080x1920 draft: two 540x960 clips as the engine stores
them, the title "Urban Dreams" centred over 0-3 s, background music at 35 % with the engine's 1 s / 2 s
fades), timed three ways on the same inputs:
  engine          render_draft(), exactly as tests/bench.py calls it (one ffmpeg run; libx264
                  superfast, CRF 20, x264's own thread count)
  moviepy         the same composition written with MoviePy: the clips concatenated and resized
                  (lanczos), a TextClip in the engine's font and size with its outline, the music as
                  the audio track, write_videofile() to H.264 + AAC 160k at 30 fps, preset superfast,
                  CRF 20, threads=2
  moviepy-medium  the same at MoviePy's default preset (medium), still CRF 20
Each is run --repeat times (default 1) and the median kept. MoviePy is not a dependency of nemo-tui:
install it in a separate environment (with this checkout: `pip install moviepy && pip install -e .`).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from nemo_tui.engine.media.ffmpeg import X264_CRF, X264_PRESET, ffmpeg_exe, probe
from nemo_tui.engine.media.fonts import font_for
from nemo_tui.engine.media.render import render_draft
from nemo_tui.engine.media.text import font_size
from tests.bench import export_draft, export_media, timed

WIDTH, HEIGHT, FPS = 1080, 1920, 30
TITLE, TITLE_END_S = "Urban Dreams", 3.0
MUSIC_VOLUME = 0.35
MUSIC_FADE_IN_S, MUSIC_FADE_OUT_S = 1.0, 2.0  # segtime.music_fades for a 10 s segment
MISSING = "MoviePy is not installed: pip install moviepy in a separate environment to run this comparison"


def load_moviepy() -> Any | None:
    # MoviePy runs the same ffmpeg as the engine (imageio-ffmpeg's, unless NEMO_FFMPEG says otherwise).
    os.environ.setdefault("FFMPEG_BINARY", ffmpeg_exe())
    try:
        import moviepy  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return moviepy


def moviepy_export(mp: Any, media: dict[str, Path], out: Path, preset: str) -> None:
    """The draft written with MoviePy 2.x, as someone would write it by hand."""
    clips = [mp.VideoFileClip(str(media["sunset"])), mp.VideoFileClip(str(media["city"]))]
    video = mp.concatenate_videoclips(clips).resized(new_size=(WIDTH, HEIGHT))
    font = font_for(TITLE)
    assert font is not None, "no font for the title"
    size = font_size(None, WIDTH, HEIGHT)  # as drawtext_filters sizes a plain title
    title = (
        mp.TextClip(
            font=str(font.path),
            text=TITLE,
            font_size=size,
            color="white",
            stroke_color="#00000099",  # drawtext's bordercolor=black@0.6
            stroke_width=max(1, size // 18),
            # MoviePy 2.x sizes a label without its outline and cuts the bottom of the letters off;
            # a margin keeps them whole (still centred: it is added above and below).
            margin=(None, size // 4),
            duration=TITLE_END_S,
        )
        .with_start(0)
        .with_position("center")
    )
    music = mp.AudioFileClip(str(media["bgm"])).with_effects(
        [
            mp.afx.MultiplyVolume(MUSIC_VOLUME),
            mp.afx.AudioFadeIn(MUSIC_FADE_IN_S),
            mp.afx.AudioFadeOut(MUSIC_FADE_OUT_S),
        ]
    )
    final = mp.CompositeVideoClip([video, title], size=(WIDTH, HEIGHT)).with_audio(music)
    final = final.with_duration(video.duration)
    final.write_videofile(
        str(out),
        fps=FPS,
        codec="libx264",
        audio_codec="aac",
        audio_bitrate="160k",
        preset=preset,
        threads=2,
        ffmpeg_params=["-crf", X264_CRF],
        logger=None,
    )
    for clip in (final, music, *clips):
        clip.close()


def describe(path: Path) -> dict:
    info = probe(path)
    return {
        "duration_s": info.duration_s,
        "size": f"{info.width}x{info.height}",
        "video": info.has_video,
        "audio": info.has_audio,
        "bytes": path.stat().st_size,
    }


def frame_png(video: Path, at_s: float, png: Path) -> None:
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{at_s}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            str(png),
        ],
        check=True,
    )


def run(mp: Any, repeat: int, frames: Path | None) -> dict:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="nemo-bench-moviepy-") as tmp:
        d = Path(tmp)
        media = export_media(d)
        draft = export_draft()
        outs = {"engine": d / "engine.mp4", "moviepy": d / "moviepy.mp4", "moviepy-medium": d / "medium.mp4"}
        runs: dict[str, list[float]] = {k: [] for k in outs}
        for _ in range(repeat):
            runs["engine"].append(
                timed(lambda: render_draft(draft, media.get, outs["engine"], width=WIDTH, height=HEIGHT))
            )
            runs["moviepy"].append(timed(lambda: moviepy_export(mp, media, outs["moviepy"], X264_PRESET)))
            runs["moviepy-medium"].append(
                timed(lambda: moviepy_export(mp, media, outs["moviepy-medium"], "medium"))
            )
        files = {k: describe(p) for k, p in outs.items()}
        if frames is not None:
            frames.mkdir(parents=True, exist_ok=True)
            for k, p in outs.items():
                for at in (1.5, 7.0):  # the sunset under the title; the city
                    frame_png(p, at, frames / f"{k}-{at:g}s.png")
    med = {k: statistics.median(v) for k, v in runs.items()}
    return {
        "cpus": os.cpu_count(),
        "repeat": repeat,
        # the installed distribution's version: moviepy 2.2.1's own __version__ still says 2.1.2
        "moviepy_version": importlib.metadata.version("moviepy"),
        "engine_s": round(med["engine"], 2),
        "moviepy_s": round(med["moviepy"], 2),
        "moviepy_medium_s": round(med["moviepy-medium"], 2),
        "ratio": round(med["moviepy"] / med["engine"], 2),
        "ratio_medium": round(med["moviepy-medium"] / med["engine"], 2),
        "runs": {k: [round(x, 2) for x in v] for k, v in runs.items()},
        "files": files,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


def table(r: dict) -> str:
    lines = [
        f"engine (render_draft, x264 {X264_PRESET} CRF {X264_CRF})      {r['engine_s']:6.2f} s",
        f"MoviePy {r['moviepy_version']} ({X264_PRESET}, CRF {X264_CRF}, threads=2)  "
        f"{r['moviepy_s']:6.2f} s  {r['ratio']:.2f}x the engine's",
        f"MoviePy {r['moviepy_version']} (medium, CRF {X264_CRF}, threads=2)     "
        f"{r['moviepy_medium_s']:6.2f} s  {r['ratio_medium']:.2f}x the engine's",
    ]
    for k, f in r["files"].items():
        lines.append(
            f"  {k}: {f['duration_s']:.2f} s {f['size']} video={f['video']} audio={f['audio']} {f['bytes']} B"
        )
    lines.append(
        f"(median of {r['repeat']} on {r['cpus']} CPUs; load average {r['loadavg_before'][0]:.2f} before, "
        f"{r['loadavg_after'][0]:.2f} after)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench_moviepy", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the median is kept")
    parser.add_argument("--frames", type=Path, help="write a frame of each output (1.5 s, 7 s) as PNG here")
    args = parser.parse_args(argv)
    mp = load_moviepy()
    if mp is None:
        print(MISSING, file=sys.stderr)
        return 2
    result = run(mp, max(1, args.repeat), args.frames)
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
