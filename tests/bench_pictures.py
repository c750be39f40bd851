"""Picture benchmark: `python -m tests.bench_pictures [--json] [--only sharpness|motion]`.

sharpness  A clip generated the way the app does for a 1920x1080 project (at the engine's stored size),
           exported to 1920x1080 by render_draft, frame at t = 2 s; the same scene painted natively at
           1920x1080. Reported: the spectral energy of the exported frame's luma above 135 cycles per
           picture height (detail finer than 270 rows can hold) as a fraction of the native frame's,
           and the same above 270 cycles (finer than 540 rows).
motion     18 prompts painted at the size the app paints them, 5 s clips: mean absolute change of
           luma (grey levels, 0-255) from one frame to the next over t = 2..3 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from itertools import pairwise
from pathlib import Path

import av
import numpy as np

from nemo_tui.engine.config import EngineConfig
from nemo_tui.engine.media.render import render_draft
from nemo_tui.engine.media.scenes import generate_clip, make_painter, paint_size
from nemo_tui.engine.turns import generation_size
from nemo_tui.protocol import Draft

SHARPNESS_PROMPTS = (
    "a sunset over the ocean with waves crashing",
    "night city skyline",
    "snowy forest with mountains",
)
MOTION_PROMPTS = (
    "a sunset over the ocean with waves crashing",
    "night city skyline",
    "snowy forest with mountains",
    "aurora over mountains",
    "rain in the city",
    "campfire at night",
    "desert dunes at dawn",
    "foggy day at the lake with hills",
    "a starry night with the full moon",
    "mountains at dawn",
    "a quiet forest in the morning",
    "beach at noon",
    "a campfire on the beach at sunset",
    "city street at dusk",
    "snowy peaks in winter",
    "日落时的海浪",
    "下雪的森林",
    "城市夜景",
)
HEIGHT, WIDTH = 1080, 1920
# The engine's default cap on a generated clip's stored height (EngineConfig.max_generate_height).
STORED_HEIGHT = EngineConfig.__dataclass_fields__["max_generate_height"].default


def luma(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.float64)
    return rgb[..., 0] * 0.2126 + rgb[..., 1] * 0.7152 + rgb[..., 2] * 0.0722


def high_energy(rgb: np.ndarray, cycles_per_height: float) -> float:
    """Spectral energy of the (Hann-windowed) luma above a radial frequency, in cycles per height."""
    y = luma(rgb)
    y = (y - y.mean()) * np.outer(np.hanning(y.shape[0]), np.hanning(y.shape[1]))
    power = np.abs(np.fft.rfft2(y)) ** 2
    fy = np.fft.fftfreq(y.shape[0])[:, None] * y.shape[0]
    fx = np.fft.rfftfreq(y.shape[1])[None, :] * y.shape[0]  # cycles per picture height, both axes
    return float(power[np.sqrt(fx * fx + fy * fy) > cycles_per_height].sum())


def frame_number(path: Path, index: int) -> np.ndarray:
    with av.open(str(path)) as c:
        for i, frame in enumerate(c.decode(video=0)):
            if i == index:
                return frame.to_ndarray(format="rgb24")
    raise ValueError(f"{path} has no frame {index}")


def sharpness(work: Path) -> dict:
    stored = generation_size(WIDTH, HEIGHT, STORED_HEIGHT)
    out: dict = {"stored": f"{stored[0]}x{stored[1]}", "painted": "x".join(map(str, paint_size(*stored)))}
    for k, prompt in enumerate(SHARPNESS_PROMPTS):
        clip, export = work / f"clip{k}.mp4", work / f"export{k}.mp4"
        generate_clip(prompt, 3.0, *stored, clip)
        draft = Draft.from_wire({"t": [{"tt": 0, "sg": [{"d": 3000, "m": {"source": "clip"}}]}]})
        render_draft(draft, {"clip": clip}.get, export, width=WIDTH, height=HEIGHT)
        exported = frame_number(export, 60)
        _, painter = make_painter(prompt, WIDTH, HEIGHT, 3.0, seed=0)
        native = painter.frame(2.0, 60)
        out[prompt] = {
            f"above {c}": round(high_energy(exported, c) / high_energy(native, c), 3) for c in (135, 270)
        }
    return out


def motion() -> dict:
    size = paint_size(*generation_size(WIDTH, HEIGHT, STORED_HEIGHT))
    out: dict = {"painted": f"{size[0]}x{size[1]}"}
    for prompt in MOTION_PROMPTS:
        _, painter = make_painter(prompt, *size, 5.0, seed=0)
        frames = [luma(painter.frame(i / 30, i)) for i in range(60, 91)]
        out[prompt] = round(float(np.mean([np.abs(b - a).mean() for a, b in pairwise(frames)])), 2)
    values = [v for k, v in out.items() if k != "painted"]
    out["below 0.7"] = sum(v < 0.7 for v in values)
    out["median"] = round(float(np.median(values)), 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench_pictures", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=("sharpness", "motion"))
    args = parser.parse_args(argv)
    result: dict = {}
    with tempfile.TemporaryDirectory(prefix="nemo-pictures-") as tmp:
        if args.only in (None, "sharpness"):
            result["sharpness"] = sharpness(Path(tmp))
        if args.only in (None, "motion"):
            result["motion"] = motion()
    print(json.dumps(result, indent=None if args.json else 2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
