"""Run by test_crash_safety.py in a child process that the test kills with SIGKILL: the headless
flow (Conversation over a real NemoClient) making a clip and exporting it.

Usage: python headless_export.py <engine base url> <root folder>
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from reliability_helpers import CLIP, collect, make_harness


async def main(base_url: str, root: Path) -> None:
    h = make_harness(base_url, root)
    await collect(h.conv.start())
    await collect(h.conv.handle(CLIP))
    print("turn done", flush=True)
    await collect(h.conv.export())
    print("export done", flush=True)  # only reached when the test failed to kill us in time
    await h.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
