"""`output.quality: "preview"`: the engine answers it with a small, fast encode for the in-terminal
player (at most 480 px tall, 15 frames a second, x264 ultrafast), and an export stays a full one."""

from __future__ import annotations

import io
import sqlite3

import av
import pytest
from engine_helpers import Api

from nemo_tui.engine.store import SCHEMA_VERSION, EngineStore


@pytest.fixture
def edited(engine_server):
    api = Api(engine_server.base_url).sign_in().new_session()
    api.turn("generate a 1 second video of a sunset over the sea")
    yield api
    api.close()


def _rendered(api: Api, render_id: str, quality: str) -> tuple[dict, bytes]:
    assert api.start_render(render_id=render_id, quality=quality).json()["code"] == 0
    done = api.wait_render(render_id)
    assert done["status"] == "completed", done
    return done, api.http.get(done["output"]["url"]).content


def _x264_options(mp4: bytes) -> str:
    """The settings x264 writes into the stream (an SEI message), e.g. "cabac=0 ... bframes=0"."""
    start = mp4.index(b"options: ")
    return mp4[start : mp4.index(b"\x00", start)].decode("ascii", "replace")


def test_a_preview_is_at_most_480_tall_and_encoded_ultrafast(edited, engine_server):
    engine_server.config.max_render_height = None  # the draft's own 1920x1080, as people get
    engine_server.config.render_fps = 30  # as people get; the player shows 15 a second
    done, mp4 = _rendered(edited, "render_preview", "preview")
    assert (done["width"], done["height"]) == (852, 480)
    with av.open(io.BytesIO(mp4)) as container:
        video = container.streams.video[0]
        assert (video.width, video.height) == (852, 480)
        assert video.average_rate == 15
        assert abs(float(container.duration) / 1e6 - 1.0) < 0.3
    options = _x264_options(mp4)
    # ultrafast: CAVLC instead of CABAC, no B-frames; the export preset (superfast) has both.
    assert "cabac=0" in options and "bframes=0" in options


def test_an_export_keeps_the_full_encoder_settings(edited):
    _, mp4 = _rendered(edited, "render_export", "high")
    options = _x264_options(mp4)
    assert "cabac=1" in options and "bframes=3" in options


def test_a_data_dir_from_before_previews_is_upgraded(tmp_path):
    db = sqlite3.connect(tmp_path / "engine.sqlite3")
    db.executescript(
        "CREATE TABLE renders (render_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, session_id TEXT NOT NULL,"
        " status TEXT NOT NULL, progress REAL NOT NULL DEFAULT 0, error TEXT, output_path TEXT,"
        " draft TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, created_at REAL NOT NULL,"
        " updated_at REAL NOT NULL);"
        "INSERT INTO renders VALUES ('render_old','c','s','completed',1,NULL,'x.mp4','{}',2,2,0,0);"
        "PRAGMA user_version=1;"
    )
    db.close()
    store = EngineStore(tmp_path)
    try:
        assert store.get_render("render_old")["quality"] == "high"
        job, created = store.create_render("render_new", "c", "s", {"t": []}, 2, 2, "preview")
        assert created and job["quality"] == "preview"
    finally:
        store.close()
    check = sqlite3.connect(tmp_path / "engine.sqlite3")
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    check.close()
