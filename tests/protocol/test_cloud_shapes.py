"""Every shape the vendor publishes (CLOUD_FACTS.md), verbatim, read by the protocol package alone.

Each case is the published JSON text as the wire carries it (through `unwrap`, as the client reads
it), so a 19-digit id sent as a number is exercised exactly as it would arrive.
"""

from __future__ import annotations

import json

import pytest

from nemo_tui.protocol import (
    AnonymousToken,
    ClaimToken,
    Credits,
    ExportBlocked,
    NoCredits,
    RenderJob,
    ServerError,
    SessionInfo,
    StateResponse,
    UploadResult,
    error_for,
    read_answer,
    unwrap,
)

# ---- verbatim examples ---------------------------------------------------------------------------

TOKEN_ISO = '{"code":0,"data":{"token":"nmv_usr_xxxxxx","user_id":"anon_abc123","expires_at":"2026-03-18T00:00:00Z","credits":100}}'
SESSION = (
    '{"code":0,"data":{"task_id":"task_xxx","session_id":"5529798706024415232","user_id":"anon_abc123"}}'
)
SESSION_NUMERIC = (
    '{"code":0,"data":{"task_id":"task_xxx","session_id":5529798706024415232,"user_id":"anon_abc123"}}'
)
CREDITS = '{"code":0,"data":{"available":25000,"frozen":40,"total":25040}}'
UPLOAD = """{"code":0,"data":{"files":[{"filename":"video.mp4","file_type":"video",
  "cdn_url":"https://cdn.example.com/videos/xxx/video.mp4","duration":30.5,"width":1920,"height":1080,
  "fps":30,"hash":"abc123"}],"session_state_applied":true}}"""
RENDER_START = '{"success":true,"data":{"id":"render_xxx","status":"pending","progress":5}}'
RENDER_DONE_V2 = """{"success":true,"data":{"id":"render_xxx","status":"completed","progress":100,
  "outputUrl":"https://static1.nemovideo.ai/render-result/render_xxx.mp4","createdAt":1773423613616,
  "completedAt":1773423641222}}"""
RENDER_DONE_V1 = """{"taskId":"render_xxx","status":"completed","progress":100,
  "output":{"url":"https://static1.nemovideo.ai/render-result/render_xxx.mp4","duration":10,"size":1234}}"""
RENDER_DONE_SEED = (
    '{"status":"completed","output":{"url":"https://static1.nemovideo.ai/render-result/render_xxx.mp4"}}'
)
STATE = """{"code":0,"data":{"session_id":"5529798706024415232","task_id":"task_xxx","task_name":"My Video Project",
  "state":{"draft":{"t":[{"tt":0,"sg":[{"d":10000,"m":{"title":"Sunset","width":1920,"height":1080}}]}]},
  "video_infos":[{"cdn_url":"https://cdn.example.com/a.mp4","duration":10.0,"filename":"a.mp4"}],
  "generated_media":[{"url":"https://cdn.example.com/g.mp4","type":"video"}],
  "canvas_config":{"width":1920,"height":1080,"aspect":"16:9"},
  "video_analyses":[{"summary":"a beach"}]}}}"""
CLAIM = '{"code":0,"data":{"claim_token":"clm_abc","expires_in":604800}}'


def answer(text: str, status: int = 200):
    return unwrap(status, text.encode())


@pytest.mark.parametrize(
    "body",
    [
        TOKEN_ISO,
        # the SKILL.md form: the token object itself, no envelope
        '{"token":"nmv_usr_xxxxxx","user_id":"anon_abc123","expires_at":"2026-03-18T00:00:00Z","credits":100}',
        '{"code":0,"data":{"token":"nmv_usr_xxxxxx","user_id":"anon_abc123","expires_at":1773792000}}',
        '{"code":0,"data":{"token":"nmv_usr_xxxxxx","user_id":"anon_abc123","expires_at":1773792000000}}',
        '{"code":0,"data":{"token":"nmv_usr_xxxxxx","user_id":"anon_abc123","expires_at":"1773792000"}}',
        '{"code":0,"data":{"token":"nmv_usr_xxxxxx","user_id":"anon_abc123","expires_at":"2026-03-18T08:00:00+08:00"}}',
    ],
)
def test_the_anonymous_token_in_every_expiry_form(body: str):
    token = read_answer(AnonymousToken, answer(body), "token")
    assert token.token == "nmv_usr_xxxxxx" and token.user_id == "anon_abc123"
    assert token.expires_at == 1773792000.0  # 2026-03-18T00:00:00Z
    assert "nmv_usr_xxxxxx" not in repr(token)


def test_an_unreadable_expiry_is_unknown_not_an_error():
    token = read_answer(AnonymousToken, {"token": "t", "expires_at": "next tuesday"})
    assert token.expires_at is None


@pytest.mark.parametrize("body", [SESSION, SESSION_NUMERIC])
def test_a_19_digit_session_id_comes_out_exactly_as_a_string_or_a_number(body: str):
    info = read_answer(SessionInfo, answer(body), "session")
    assert info.session_id == "5529798706024415232"  # above 2^53: a float would give ...5232 → ...5200
    assert info.task_id == "task_xxx" and info.user_id == "anon_abc123"


def test_ids_never_pass_through_float():
    assert read_answer(SessionInfo, {"session_id": 2**63 - 1, "task_id": 7}).session_id == str(2**63 - 1)
    assert read_answer(SessionInfo, {"session_id": 12.0}).session_id == "12"
    with pytest.raises(ServerError):
        read_answer(SessionInfo, {"session_id": 5529798706024415232.0})  # already lost its digits
    with pytest.raises(ServerError):
        read_answer(SessionInfo, {"session_id": True})


def test_credits_published_and_missing():
    credits = read_answer(Credits, answer(CREDITS), "credits")
    assert (credits.available, credits.frozen, credits.total) == (25000, 40, 25040)
    # issue 9 item 13: `code: 0` with no data is unreadable, never "0 credits"
    for body in ('{"code":0,"message":"ok"}', '{"code":0,"data":null}'):
        with pytest.raises(ServerError, match="credits answer had no data"):
            read_answer(Credits, answer(body), "credits")
    with pytest.raises(ServerError, match="available is missing"):
        read_answer(Credits, answer('{"code":0,"data":{}}'), "credits")
    with pytest.raises(ServerError):
        read_answer(Credits, {"available": float("inf")}, "credits")


def test_upload_answer_with_files():
    result = read_answer(UploadResult, answer(UPLOAD), "upload")
    [media] = result.media
    assert media.name == "video.mp4" and media.kind == "video"
    assert media.url == "https://cdn.example.com/videos/xxx/video.mp4"
    assert media.duration_ms == 30500 and (media.width, media.height) == (1920, 1080)
    assert media.id == "abc123" and result.session_state_applied is True


def test_upload_answer_of_the_local_engine_still_reads():
    body = {
        "session_id": "s",
        "media": [
            {
                "id": "media_1",
                "name": "a.png",
                "kind": "image",
                "url": "http://127.0.0.1:1/files/a.png",
                "duration_ms": 0,
                "size": 9,
            }
        ],
    }
    [media] = read_answer(UploadResult, body).media
    assert (media.id, media.name, media.duration_ms, media.size) == ("media_1", "a.png", 0, 9)


def test_state_with_every_published_field():
    answer_ = read_answer(StateResponse, answer(STATE), "state")
    assert (answer_.session_id, answer_.task_id, answer_.task_name) == (
        "5529798706024415232",
        "task_xxx",
        "My Video Project",
    )
    state = answer_.state
    assert state.draft.duration_ms == 10000 and state.draft.tracks[0].segments[0].name == "Sunset"
    assert [v.url for v in state.videos] == ["https://cdn.example.com/a.mp4"]
    assert state.videos[0].duration_ms == 10000 and state.videos[0].name == "a.mp4"
    assert [g.kind for g in state.generated] == ["video"]
    assert state.canvas_config is not None and (state.canvas_config.width, state.canvas_config.aspect) == (
        1920,
        "16:9",
    )
    assert state.video_analyses == [{"summary": "a beach"}]


def test_state_elements_of_any_shape_are_tolerated():
    body = {
        "state": {
            "video_infos": [1, "x", None, {"url": 5}, {"cdnUrl": "https://c/v.mp4"}],
            "generated_media": {"m1": {"url": "https://c/g.mp4"}},
            "canvas_config": "16:9",
            "video_analyses": None,
        }
    }
    state = read_answer(StateResponse, body, "state").state
    assert [v.url for v in state.videos] == ["5", "https://c/v.mp4"]
    assert [g.url for g in state.generated] == ["https://c/g.mp4"]
    assert state.canvas_config is None and state.video_analyses == []


@pytest.mark.parametrize(
    "body",
    [
        '{"code":0,"message":"ok"}',
        '{"code":0,"data":{}}',
        '{"code":0,"data":{"session_id":"s","state":null}}',
    ],
)
def test_a_state_answer_without_a_state_is_unreadable_not_an_empty_timeline(body: str):
    with pytest.raises(ServerError, match="state answer"):
        read_answer(StateResponse, answer(body), "state")


def test_missing_session_and_token_answers_are_clear_errors():
    with pytest.raises(ServerError, match="session answer had no data"):
        read_answer(SessionInfo, answer('{"code":0}'), "session")
    with pytest.raises(ServerError, match="token answer could not be read"):
        read_answer(AnonymousToken, answer('{"code":0,"data":{"user_id":"anon_1"}}'), "token")


URL = "https://static1.nemovideo.ai/render-result/render_xxx.mp4"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (RENDER_START, ("render_xxx", "queued", 0.05, None)),
        (RENDER_DONE_V2, ("render_xxx", "completed", 1.0, URL)),
        (RENDER_DONE_V1, ("render_xxx", "completed", 1.0, URL)),
        (RENDER_DONE_SEED, ("", "completed", 1.0, URL)),
        (
            '{"success":true,"data":{"id":"r","status":"processing","progress":42}}',
            ("r", "rendering", 0.42, None),
        ),
        (
            '{"success":true,"data":{"id":"r","status":"processing","progress":0.42}}',
            ("r", "rendering", 0.42, None),
        ),
        ('{"renderId":"r","overallProgress":0.42}', ("r", "rendering", 0.42, None)),  # no status word
        (
            '{"success":true,"data":{"id":"r","status":"completed","progress":100}}',
            ("r", "rendering", 0.99, None),
        ),
        (
            f'{{"code":0,"data":{{"id":"r","status":"completed","outputUrl":"{URL}"}}}}',
            ("r", "completed", 1.0, URL),
        ),
        ('{"id":"r","status":"pending"}', ("r", "queued", 0.0, None)),
        (f'{{"id":"r","overallProgress":1,"done":true,"outputFile":"{URL}"}}', ("r", "completed", 1.0, URL)),
    ],
)
def test_render_status_in_every_published_shape(body: str, expected):
    job = read_answer(RenderJob, answer(body), "render status")
    assert (job.id, job.status, round(job.progress, 4), job.url) == expected


def test_a_failed_render_keeps_its_error_text():
    job = read_answer(
        RenderJob, answer('{"success":true,"data":{"id":"r","status":"failed","error":"Lambda timed out"}}')
    )
    assert job.status == "failed" and job.error == "Lambda timed out"
    bare = read_answer(RenderJob, answer('{"success":true,"data":{"id":"r","status":"failed"}}'))
    assert bare.error == "render failed"


def test_the_success_envelope_error_and_bare_bodies():
    assert unwrap(200, b'{"success":true,"data":{"a":1}}') == {"a": 1}
    assert unwrap(200, b'{"success":true,"id":"r"}') == {"id": "r"}
    err = error_for(200, b'{"success":false,"error":"Render id already exists"}')
    assert isinstance(err, ServerError) and "Render id already exists" in str(err)
    with pytest.raises(ServerError, match="duplicate"):
        unwrap(200, b'{"success":false,"error":{"message":"duplicate id"}}')
    # with an HTTP error status, the status says what kind of error it is
    assert isinstance(error_for(402, b'{"success":false,"error":"upgrade"}'), ExportBlocked)
    assert isinstance(
        error_for(200, b'{"success":false,"error":{"code":2001,"message":"no credits"}}'), NoCredits
    )


def test_claim_token_answer():
    claim = read_answer(ClaimToken, answer(CLAIM), "claim")
    assert claim.claim_token == "clm_abc" and claim.expires_in == 604800
    with pytest.raises(ServerError):
        read_answer(ClaimToken, answer('{"code":0,"data":{"claim_token":""}}'), "claim")


# ---- escape sequences (issue 9 item 10) ----------------------------------------------------------

HOSTILE = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]0;pwned\x07"


@pytest.mark.parametrize("status", [200, 400, 429, 500])
def test_server_error_text_is_cleaned_before_anyone_can_print_it(status: int):
    for body in (
        {"code": 5000, "message": f"bad{HOSTILE} thing"},
        {"detail": f"bad{HOSTILE} thing"},
        {"success": False, "error": f"bad{HOSTILE} thing"},
    ):
        err = error_for(status, json.dumps(body).encode())
        if status == 200 and "detail" in body:
            assert err is None  # a 200 without an error code is a success
            continue
        assert err is not None
        for text in (str(err), err.user_message(), err.user_message("zh"), err.detail):
            assert "\x1b" not in text and "\x07" not in text
        assert "bad thing" in str(err)


def test_a_2001_answer_with_escapes_in_its_link_and_bind_id():
    body = {
        "code": 2001,
        "message": f"no credits{HOSTILE}",
        "data": {"register_url": f"https://nemovideo.com/register{HOSTILE}", "bind_id": f"anon_1{HOSTILE}"},
    }
    err = error_for(200, json.dumps(body).encode())
    assert isinstance(err, NoCredits)
    for text in (err.registration_link, err.user_message(), err.user_message("zh"), str(err)):
        assert "\x1b" not in text and "\x07" not in text
    assert err.bind_id == "anon_1"


def test_a_register_url_that_is_not_a_web_link_is_not_shown():
    err = NoCredits(bind_id="anon_1", register_url="javascript:alert(1)")
    assert err.registration_link == "https://nemovideo.com/register?bind=anon_1"
    err = NoCredits(bind_id="anon_1 x&y", register_url="https://web.test/register")
    assert err.registration_link == "https://web.test/register?bind=anon_1%20x%26y"


def test_the_agents_own_registration_link_wins():
    text = "You are out of credits. Register here: https://nemovideo.com/register?bind=anon_77. Thanks!"
    err = error_for(200, json.dumps({"code": 2001, "message": text}).encode())
    assert isinstance(err, NoCredits)
    assert err.registration_link == "https://nemovideo.com/register?bind=anon_77"
    given = NoCredits(register_url="https://web.test/register?bind=anon_5", bind_id="other")
    assert given.registration_link == "https://web.test/register?bind=anon_5"
    assert NoCredits(anonymous=False, agent_text=text).registration_link is None
