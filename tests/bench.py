"""Media benchmark: `python -m tests.bench [--json] [--repeat N] [--strict]`.

Times, as ratios to a plain ffmpeg encode measured in the same run (so a slow or busy machine does not
skew them):
  reference  ffmpeg -f lavfi -i testsrc2=size=1920x1080:rate=30 -t 10 -c:v libx264 -preset veryfast
  generate   generate_clip(), 10 s for a 1920x1080 project, at the   target <= 2.5x the reference
             size the engine stores it (960x540: painted at that size, scaled once on export),
             with its 270-row preview proxy in the same run, as the engine makes it
  export     render_draft(), 10 s at 1080x1920: two clips (as stored: target <= 1.5x the reference
             540x960), a title and background music at 35 %; peak memory of python + ffmpeg
             during it < 600 MB
  sse        one 10 MB reply event read in 64 KB pieces by the client's  target <= 0.5x the reference
             SSE parser and turn assembler (linear: a quadratic one takes minutes)
Each is run --repeat times (default 3) and the median kept.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from nemo_tui.engine.config import EngineConfig
from nemo_tui.engine.media.ffmpeg import ffmpeg_exe
from nemo_tui.engine.media.music import generate_music
from nemo_tui.engine.media.render import render_draft
from nemo_tui.engine.media.scenes import generate_clip
from nemo_tui.engine.turns import generation_size
from nemo_tui.protocol import Draft

TARGETS = {"generate": 2.5, "export": 1.5, "export_peak_mb": 600, "sse": 0.5}
# The engine stores a generated clip at reduced size (EngineConfig.max_generate_height on its short side).
STORED = EngineConfig.__dataclass_fields__["max_generate_height"].default
GENERATE_SIZE = generation_size(1920, 1080, STORED)
EXPORT_CLIP_SIZE = generation_size(1080, 1920, STORED)


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    kids = [int(k) for k in f.read().split()]
                found += kids
                todo += kids
        except OSError:
            continue
    return found


class PeakMemory:
    """Polls the RSS of this process plus its child processes (ffmpeg) every 20 ms."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = _rss_kb(me) + sum(_rss_kb(p) for p in _descendants(me))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(0.02)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sse_10mb() -> None:
    """The client reading one 10 MB text event that arrives in 64 KB reads."""
    import json as _json

    from nemo_tui.client.sse import SseParser
    from nemo_tui.client.stream import TurnAssembler

    text = "x" * (10 * 1024 * 1024)
    body = b"data: " + _json.dumps({"content": {"parts": [{"text": text}]}}).encode() + b"\n\n"
    parser = SseParser()
    items = []
    for i in range(0, len(body), 65536):
        items += parser.feed(body[i : i + 65536])
    [delta] = TurnAssembler().handle(items[0])
    assert len(delta.text) == len(text)


def reference(out: Path) -> None:
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1920x1080:rate=30",
            "-t",
            "10",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            str(out),
        ],
        check=True,
    )


def export_draft() -> Draft:
    return Draft.from_wire(
        {
            "t": [
                {
                    "tt": 0,
                    "sg": [
                        {"d": 5000, "m": {"name": "sunset", "source": "sunset"}},
                        {"d": 5000, "m": {"name": "city", "source": "city"}},
                    ],
                },
                {"tt": 7, "sg": [{"d": 3000, "m": {"text": "Urban Dreams", "position": "center"}}]},
                {"tt": 1, "sg": [{"d": 10000, "m": {"name": "Lo-fi", "source": "bgm", "volume": 35}}]},
            ]
        }
    )


def export_media(d: Path) -> dict[str, Path]:
    """The export draft's inputs, made once and not timed: what the engine would have generated
    earlier (two 5 s clips as stored, 10 s of music), keyed by the draft's `source` names."""
    media = {"sunset": d / "sunset.mp4", "city": d / "city.mp4", "bgm": d / "bgm.m4a"}
    generate_clip("a sunset over the ocean with waves crashing", 5, *EXPORT_CLIP_SIZE, media["sunset"])
    generate_clip("night city skyline with lights", 5, *EXPORT_CLIP_SIZE, media["city"], seed=1)
    generate_music("lofi", 10, media["bgm"])
    return media


def run(repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="nemo-bench-") as tmp:
        d = Path(tmp)
        media = export_media(d)
        draft = export_draft()
        runs: dict[str, list[float]] = {
            "reference": [],
            "generate": [],
            "export": [],
            "export_peak_mb": [],
            "sse": [],
        }
        for _ in range(repeat):
            runs["reference"].append(timed(lambda: reference(d / "ref.mp4")))
            runs["generate"].append(
                timed(
                    lambda: generate_clip(
                        "a sunset over the ocean with waves crashing",
                        10,
                        *GENERATE_SIZE,
                        d / "gen.mp4",
                        proxy=True,  # as the engine generates: with the preview proxy
                    )
                )
            )
            with PeakMemory() as mem:
                runs["export"].append(
                    timed(lambda: render_draft(draft, media.get, d / "export.mp4", width=1080, height=1920))
                )
            runs["export_peak_mb"].append(mem.peak_kb / 1024)
            runs["sse"].append(timed(sse_10mb))
    med = {k: statistics.median(v) for k, v in runs.items()}
    ref = med["reference"]
    return {
        "cpus": os.cpu_count(),
        "repeat": repeat,
        "reference_s": round(ref, 3),
        "generate_s": round(med["generate"], 3),
        "export_s": round(med["export"], 3),
        "generate_ratio": round(med["generate"] / ref, 3),
        "export_ratio": round(med["export"] / ref, 3),
        "sse_s": round(med["sse"], 3),
        "sse_ratio": round(med["sse"] / ref, 3),
        "export_peak_mb": round(med["export_peak_mb"], 1),
        "runs": {k: [round(x, 3) for x in v] for k, v in runs.items()},
        "targets": TARGETS,
    }


def passed(r: dict) -> dict[str, bool]:
    return {
        "generate": r["generate_ratio"] <= TARGETS["generate"],
        "export": r["export_ratio"] <= TARGETS["export"],
        "export_peak_mb": r["export_peak_mb"] < TARGETS["export_peak_mb"],
        "sse": r["sse_ratio"] <= TARGETS["sse"],
    }


def table(r: dict) -> str:
    ok = passed(r)
    mark = {True: "yes", False: "NO"}
    rows = [
        ("measure", "seconds", "ratio", "target", "met"),
        ("reference: testsrc2 1920x1080 10 s", f"{r['reference_s']:.2f}", "1.00", "", ""),
        (
            "generate: 10 s clip {}x{} (stored)".format(*GENERATE_SIZE),
            f"{r['generate_s']:.2f}",
            f"{r['generate_ratio']:.2f}",
            f"<= {TARGETS['generate']}x",
            mark[ok["generate"]],
        ),
        (
            "export: 10 s draft 1080x1920",
            f"{r['export_s']:.2f}",
            f"{r['export_ratio']:.2f}",
            f"<= {TARGETS['export']}x",
            mark[ok["export"]],
        ),
        (
            "export peak RSS, python + ffmpeg",
            f"{r['export_peak_mb']:.0f} MB",
            "",
            f"< {TARGETS['export_peak_mb']} MB",
            mark[ok["export_peak_mb"]],
        ),
        (
            "sse: one 10 MB event in 64 KB reads",
            f"{r['sse_s']:.2f}",
            f"{r['sse_ratio']:.2f}",
            f"<= {TARGETS['sse']}x",
            mark[ok["sse"]],
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines) + f"\n(median of {r['repeat']} runs on {r['cpus']} CPUs)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure; the median is kept")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    result = run(max(1, args.repeat))
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 1 if args.strict and not all(passed(result).values()) else 0


if __name__ == "__main__":
    sys.exit(main())
