"""Envelope codes and HTTP statuses map to typed errors carrying the seed's messages."""

import json

import pytest

from nemo_tui.protocol import (
    SUPPORTED_FORMATS,
    ExportBlocked,
    FileTooLarge,
    MissingClientId,
    NoCredits,
    RateLimited,
    ServerError,
    SessionNotFound,
    TokenExpired,
    UnsupportedFile,
    error_for,
    unwrap,
)


def body(**kw):
    return json.dumps(kw).encode()


def test_success_returns_data_and_accepts_msg():
    assert unwrap(200, body(code=0, msg="ok", data={"token": "x"})) == {"token": "x"}
    assert unwrap(200, body(code=0, message="ok", data=None)) is None


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (200, {"code": 1001, "message": "token expired"}, TokenExpired),
        (401, {"code": 1001, "msg": "bad token"}, TokenExpired),
        (200, {"code": 1002, "message": "no such session"}, SessionNotFound),
        (404, {"detail": "Session not found: abc"}, SessionNotFound),
        (200, {"code": 2001, "message": "no credits"}, NoCredits),
        (200, {"code": 4001, "message": "bad format"}, UnsupportedFile),
        (200, {"code": 4002, "message": "too big"}, FileTooLarge),
        (400, {"code": 400, "message": "missing X-Client-Id"}, MissingClientId),
        (400, {"detail": "X-Client-Id header required"}, MissingClientId),
        (402, {"code": 402, "message": "upgrade"}, ExportBlocked),
        (402, None, ExportBlocked),
        (429, {"code": 429, "message": "slow down"}, RateLimited),
        (500, None, ServerError),
        (200, {"code": 9999, "message": "weird"}, ServerError),
    ],
)
def test_error_mapping(status, payload, expected):
    err = error_for(status, json.dumps(payload).encode() if payload is not None else b"oops")
    assert type(err) is expected
    with pytest.raises(expected):
        unwrap(status, json.dumps(payload).encode() if payload is not None else b"oops")


def test_seed_messages():
    assert ExportBlocked().user_message() == "Register or upgrade your plan to unlock export."
    assert "credit" not in ExportBlocked().user_message().lower()  # 402 is a plan problem, not credits
    assert all(fmt in UnsupportedFile().user_message() for fmt in SUPPORTED_FORMATS)
    msg = FileTooLarge().user_message()
    assert "200 MB" in msg and "ompress" in msg and "trim" in msg
    assert "导出" in ExportBlocked().user_message("zh")


def test_no_credits_anonymous_gets_bind_link_registered_gets_top_up():
    err = error_for(200, body(code=2001, message="no credits", data={"bind_id": "task-42"}))
    assert isinstance(err, NoCredits)
    assert "?bind=task-42" in err.user_message()
    registered = NoCredits("", anonymous=False)
    assert registered.user_message() == "You're out of credits. Top up credits in your account."
    assert registered.registration_link is None


def test_not_json_success_is_a_clear_server_error():
    err = error_for(200, b"<html>gateway</html>")
    assert isinstance(err, ServerError) and "not JSON" in str(err)


def test_long_server_detail_is_shortened():
    err = error_for(500, json.dumps({"message": "x" * 5000}).encode())
    assert len(str(err)) < 400
