"""Preview proxies (media/proxy.py): a generated clip gets a 270-row copy beside it, written in the
same ffmpeg run; preview renders decode the copy, exports the clip itself; uploads get none."""

from __future__ import annotations

from pathlib import Path

import av
from engine_helpers import Api, make_test_clip, upload_file

from nemo_tui.engine.media.proxy import proxy_path
from nemo_tui.engine.runner import EngineServer
from tests.conftest import small_engine_config


def _engine(data: Path) -> EngineServer:
    # Clips at the size people get (540 rows): the test config's 72-row clips are too small to need one.
    return EngineServer(data, config=small_engine_config(data, max_generate_height=540))


def _render(api: Api, render_id: str, quality: str) -> tuple[dict, bytes]:
    assert api.start_render(render_id=render_id, quality=quality).json()["code"] == 0
    done = api.wait_render(render_id)
    content = api.http.get(done["output"]["url"]).content if done["status"] == "completed" else b""
    return done, content


def _video(path: Path) -> tuple[int, int, float, float]:
    with av.open(str(path)) as container:
        v = container.streams.video[0]
        return v.width, v.height, float(v.average_rate), float(container.duration) / 1e6


def test_previews_decode_the_proxy_and_exports_the_clip(tmp_path: Path) -> None:
    data = tmp_path / "engine"
    with _engine(data) as engine:
        api = Api(engine.base_url).sign_in().new_session()
        api.turn("generate a 1 second video of a sunset over the sea")
        (clip,) = [p for p in (data / "media").glob("*.mp4") if not p.name.endswith(".proxy.mp4")]
        proxy = proxy_path(clip)
        # Beside the clip: half its rows, the same frame rate and length.
        (w, h, fps, seconds), (pw, ph, pfps, pseconds) = _video(clip), _video(proxy)
        assert (w, h) == (960, 540) and (pw, ph) == (480, 270)
        assert pfps == fps and abs(pseconds - seconds) < 0.05

        exported, before = _render(api, "render_export_1", "high")
        assert exported["status"] == "completed"
        # Without the clip, a preview still renders (it reads the proxy); an export says what is missing.
        clip.rename(tmp_path / "away.mp4")
        preview, _ = _render(api, "render_preview_1", "preview")
        assert preview["status"] == "completed", preview
        failed, _ = _render(api, "render_export_2", "high")
        assert failed["status"] == "failed" and "could not be found" in failed["error"], failed
        # Without the proxy, a preview falls back to the clip; the export is the same file as before.
        (tmp_path / "away.mp4").rename(clip)
        proxy.rename(tmp_path / "proxy.mp4")
        preview, _ = _render(api, "render_preview_2", "preview")
        assert preview["status"] == "completed", preview
        again, after = _render(api, "render_export_3", "high")
        assert again["status"] == "completed" and after == before
        (tmp_path / "proxy.mp4").rename(proxy)
        api.close()
    with _engine(data):  # the start-up sweep keeps a clip's proxy: the database names the clip
        assert proxy.is_file() and clip.is_file()


def test_an_upload_gets_no_proxy(tmp_path: Path) -> None:
    data = tmp_path / "engine"
    source = tmp_path / "mine.mp4"
    make_test_clip(source, seconds=1.0, size="960x540")
    with _engine(data) as engine:
        api = Api(engine.base_url).sign_in().new_session()
        assert upload_file(api, source).json()["code"] == 0
        api.close()
    assert not [p for p in data.rglob("*") if p.name.endswith(".proxy.mp4")]
