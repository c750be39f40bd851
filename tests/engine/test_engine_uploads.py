"""Uploads: multipart streamed to disk, JSON URLs, and the server-side format and size checks."""

from __future__ import annotations

import os
import socket
import time
import tracemalloc

import pytest
from engine_helpers import Api, make_test_clip, owner, upload_file

from nemo_tui.protocol import MAX_UPLOAD_BYTES


@pytest.fixture
def api(engine_server):
    client = Api(engine_server.base_url).sign_in().new_session()
    yield client
    client.close()


def uploads_dir(engine_server):
    folder = engine_server.config.data_dir / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_multipart_upload_is_stored_probed_and_served(api, tmp_path):
    clip = tmp_path / "holiday clip.mp4"
    make_test_clip(clip, seconds=1.0)
    body = upload_file(api, clip).json()
    assert body["code"] == 0
    (media,) = body["data"]["media"]
    assert (media["name"], media["kind"], media["duration_ms"], media["size"]) == (
        "holiday clip.mp4",
        "video",
        1000,
        clip.stat().st_size,
    )
    served = api.http.get(media["url"])
    assert served.status_code == 200 and served.content == clip.read_bytes()


def test_a_chinese_file_name_is_kept(api, tmp_path):
    clip = tmp_path / "海边 日落.mp4"
    make_test_clip(clip, seconds=1.0)
    body = upload_file(api, clip).json()
    assert body["code"] == 0, body
    (media,) = body["data"]["media"]
    assert media["name"] == "海边 日落.mp4"
    assert api.http.get(media["url"]).content == clip.read_bytes()


def test_unsupported_extension_answers_4001_and_keeps_nothing(api, engine_server, tmp_path):
    doc = tmp_path / "notes.txt"
    doc.write_text("hello")
    body = upload_file(api, doc).json()
    assert body["code"] == 4001
    assert ".txt" in body["message"] and "mp4" in body["message"]
    assert uploads_dir(engine_server) == []


def test_a_file_that_is_not_media_answers_4001(api, engine_server, tmp_path):
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"this is not a video at all" * 100)
    body = upload_file(api, fake).json()
    assert body["code"] == 4001 and "fake.mp4" in body["message"]
    assert uploads_dir(engine_server) == []


def test_more_than_200_mb_answers_4002_without_storing_it(api, engine_server):
    boundary = "nemoboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    chunk = bytes(4 * 1024 * 1024)

    def body():
        yield head
        remaining = MAX_UPLOAD_BYTES + 1
        while remaining > 0:
            yield chunk[: min(len(chunk), remaining)]
            remaining -= len(chunk)
        yield tail

    resp = api.post(
        f"/api/upload-video/nemo_agent/me/{api.session_id}",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert resp.json()["code"] == 4002 and "200 MB" in resp.json()["message"]
    assert uploads_dir(engine_server) == []


def test_declared_oversize_is_refused_before_reading(api, engine_server):
    """A Content-Length over the limit is answered at once, without waiting for the body."""
    host, port = engine_server.host, engine_server.port
    request = (
        f"POST /api/upload-video/nemo_agent/me/{api.session_id} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {api.token}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {MAX_UPLOAD_BYTES * 2}\r\n\r\n--b\r\n"
    ).encode()
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request)
        reply = b""
        while b"}" not in reply:
            reply += sock.recv(65536)
    assert b'"code":4002' in reply


def test_url_upload_from_loopback_is_fetched(api, engine_server, tmp_path):
    clip = tmp_path / "first.mp4"
    make_test_clip(clip, seconds=1.0)
    served_url = upload_file(api, clip).json()["data"]["media"][0]["url"]
    body = api.post(
        f"/api/upload-video/nemo_agent/me/{api.session_id}",
        headers=owner(engine_server),
        json={"urls": [served_url], "source_type": "url"},
    ).json()
    assert body["code"] == 0
    (media,) = body["data"]["media"]
    assert media["remote"] is False and media["duration_ms"] == 1000
    assert api.http.get(media["url"]).content == clip.read_bytes()


def test_file_url_is_copied(api, engine_server, tmp_path):
    clip = tmp_path / "local.mp4"
    make_test_clip(clip, seconds=1.0)
    body = api.post(
        f"/api/upload-video/nemo_agent/me/{api.session_id}",
        headers=owner(engine_server),
        json={"urls": [clip.as_uri()], "source_type": "url"},
    ).json()
    assert body["data"]["media"][0]["size"] == clip.stat().st_size


def test_internet_url_is_recorded_as_remote_and_honest_about_it(api):
    url = "https://example.com/videos/surf.mp4"
    body = api.post(
        f"/api/upload-video/nemo_agent/me/{api.session_id}", json={"urls": [url], "source_type": "url"}
    ).json()
    (media,) = body["data"]["media"]
    assert media["remote"] is True and media["url"] == url and "offline" in media["note"]
    assert api.state()["video_infos"][0]["url"] == url
    # A remote item is not something the agent can put on the timeline.
    assert "Upload one first" in api.turn("use my upload").texts(partial=False)[0]


def test_url_with_unsupported_format_answers_4001(api):
    body = api.post(
        f"/api/upload-video/nemo_agent/me/{api.session_id}",
        json={"urls": ["https://example.com/doc.pdf"], "source_type": "url"},
    ).json()
    assert body["code"] == 4001


def test_upload_to_a_missing_session_answers_1002(api, tmp_path):
    clip = tmp_path / "a.mp4"
    make_test_clip(clip)
    api.session_id = "gone"
    assert upload_file(api, clip).json()["code"] == 1002


def test_upload_without_a_file_explains_the_format(api):
    body = api.post(
        f"/api/upload-video/nemo_agent/me/{api.session_id}",
        content=b"hi",
        headers={"Content-Type": "text/plain"},
    ).json()
    assert body["code"] == 4000 and "files" in body["message"]


def test_multipart_upload_does_not_hold_the_file_in_memory(api, engine_server, tmp_path):
    """A 40 MB upload lands on disk whole while Python never holds more than a few MB of it
    (the engine runs in this process, so tracemalloc sees its allocations too)."""
    clip = tmp_path / "pad.mp4"
    make_test_clip(clip)
    padded = tmp_path / "big.mp4"
    with open(padded, "wb") as fh:
        fh.write(clip.read_bytes())
        for _ in range(40):
            fh.write(os.urandom(1024 * 1024))
    tracemalloc.start()
    try:
        body = upload_file(api, padded).json()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert body["code"] == 0 and body["data"]["media"][0]["size"] == padded.stat().st_size
    assert peak < 16 * 1024 * 1024


def test_malformed_multipart_is_a_clear_400(api, engine_server):
    resp = api.post(
        f"/api/upload-video/nemo_agent/me/{api.session_id}",
        content=b"--b\r\ngarbage\r\n\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert resp.status_code == 400 and "malformed" in resp.json()["message"]
    assert uploads_dir(engine_server) == []


def test_an_uploaded_image_becomes_a_5_second_segment(api, tmp_path):
    import subprocess

    import imageio_ffmpeg

    picture = tmp_path / "poster.png"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x48",
            "-frames:v",
            "1",
            str(picture),
        ],
        check=True,
    )
    (media,) = upload_file(api, picture).json()["data"]["media"]
    assert media["kind"] == "image" and media["duration_ms"] is None
    api.turn("use my upload")
    (segment,) = api.draft()["t"][0]["sg"]
    assert segment == {"d": 5000, "m": {"name": "poster.png", "source": media["id"], "kind": "image"}}


def test_one_bad_file_in_a_batch_records_none_of_them(api, engine_server, tmp_path):
    """A refused batch leaves no half-listed upload whose file was deleted."""
    clip, fake = tmp_path / "good.mp4", tmp_path / "bad.mp4"
    make_test_clip(clip, seconds=0.5)
    fake.write_bytes(b"not a video" * 100)
    with open(clip, "rb") as good_fh, open(fake, "rb") as bad_fh:
        resp = api.post(
            f"/api/upload-video/nemo_agent/me/{api.session_id}",
            files=[
                ("files", ("good.mp4", good_fh, "video/mp4")),
                ("files", ("bad.mp4", bad_fh, "video/mp4")),
            ],
        )
    assert resp.json()["code"] == 4001 and "bad.mp4" in resp.json()["message"]
    assert api.state()["video_infos"] == []
    assert uploads_dir(engine_server) == []


def test_a_client_that_leaves_mid_upload_leaves_no_partial_file(api, engine_server):
    host, port = engine_server.host, engine_server.port
    head = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="cut.mp4"\r\n'
        b"Content-Type: video/mp4\r\n\r\n"
    ) + bytes(256 * 1024)
    request = (
        f"POST /api/upload-video/nemo_agent/me/{api.session_id} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {api.token}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {len(head) * 4}\r\n\r\n"
    ).encode() + head
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request)
        deadline = time.monotonic() + 10
        while not uploads_dir(engine_server) and time.monotonic() < deadline:
            time.sleep(0.02)  # the engine has started writing the part to disk
        assert uploads_dir(engine_server), "the engine never started storing the upload"
    deadline = time.monotonic() + 10
    while uploads_dir(engine_server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uploads_dir(engine_server) == []
