"""A fake NemoVideo cloud for tests: the real local engine, speaking only the vendor's published shapes.

It is the engine of `nemo_tui/engine` over real HTTP on loopback, configured as the cloud behaves
(../shared/CLOUD_FACTS.md):

- `dialect="vendor"`: `{"code","message","data"}` envelopes with `nmv_usr_…` tokens, `anon_…` user
  ids and ISO `expires_at`; 19-digit session ids sent as JSON numbers; `files[]` upload answers;
  state with `video_infos`/`generated_media`/`canvas_config`; render answers `{"success","data"}`
  with `outputUrl`; type-tagged SSE (`text`, `tool_call`, `tool_result`, `error`,
  `{"type":"heartbeat"}`) and no done event;
- turns are detached: a stream that drops does not stop the generation, whose clip lands in
  state and is charged once;
- post-production: `post_production_s` after a generation turn, BGM and a title are added;
- `ask_question` on an ambiguous request ("make a video", "做个视频").

Use it as a context manager or through the `fake_cloud` fixture (import it into a conftest or test
module: `from tests.fakecloud import fake_cloud  # noqa: F401`):

    with FakeCloud(tmp_path / "cloud") as cloud:
        cloud.base_url                        # NEMO_API_URL
        cloud.web_url                         # NEMO_WEB_URL (the engine serves /workspace/claim)
        cloud.cut_stream_during_generation(land_after_s=2.5)   # stream cut after the generation's
                                                               # tool_call; the clip lands 2.5 s later
        cloud.faults.break_output_url = 404   # any engine fault, flipped live (see engine/config.py)
        cloud.heal()                          # every fault off again
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nemo_tui.engine.config import EngineConfig, Faults
from nemo_tui.engine.runner import EngineServer

POST_PRODUCTION_S = 1.0


def vendor_config(data_dir: Path, **overrides: Any) -> EngineConfig:
    """The fake cloud's engine settings: vendor shapes, detached turns, post-production, questions,
    and the small, quick media of the other engine tests."""
    from tests.conftest import small_engine_config

    values: dict[str, Any] = dict(
        dialect="vendor",
        detach_turns=True,
        post_production_s=POST_PRODUCTION_S,
        ask_on_ambiguous=True,
        test_faults=False,
    )  # no faults route, like the cloud
    values.update(overrides)
    return small_engine_config(data_dir, **values)


class FakeCloud:
    """The running fake cloud. `faults` and `config` are the live objects the engine reads."""

    def __init__(self, data_dir: Path, **config_overrides: Any) -> None:
        self.server = EngineServer(Path(data_dir), config=vendor_config(data_dir, **config_overrides))

    # ---- where it listens -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def web_url(self) -> str:
        """The web base for claim links: `$web_url/workspace/claim?ct=…` is served by the engine."""
        return self.server.base_url

    @property
    def faults(self) -> Faults:
        return self.server.faults

    @property
    def config(self) -> EngineConfig:
        return self.server.config

    # ---- switches -------------------------------------------------------------------------------
    def cut_stream_during_generation(self, *, land_after_s: float = 0.0) -> None:
        """The next generation turns break their stream off right after the generation's tool_call
        (no tool_result, no text after it, no clean end); the clip keeps being made and lands in
        state `land_after_s` after it is drawn, charged once."""
        self.faults.drop_stream_during_generation = True
        self.faults.generation_delay_s = float(land_after_s)

    def delay_results(self, seconds: float) -> None:
        """A generated clip lands in state this long after it is drawn (the stream waits too,
        with heartbeats)."""
        self.faults.generation_delay_s = float(seconds)

    def set_post_production(self, seconds: float | None) -> None:
        """Seconds after a generation turn until BGM and a title are added; None turns it off."""
        self.config.post_production_s = seconds

    def heal(self) -> None:
        """Every fault off (the switches above included)."""
        self.faults.reset()

    # ---- lifetime -------------------------------------------------------------------------------
    def start(self) -> FakeCloud:
        self.server.start()
        return self

    def stop(self) -> None:
        self.faults.reset()
        self.server.stop()

    def __enter__(self) -> FakeCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture
def fake_cloud(tmp_path: Path) -> Iterator[FakeCloud]:
    """A running FakeCloud with its own data dir (fresh per test)."""
    with FakeCloud(tmp_path / "fake-cloud") as cloud:
        yield cloud
