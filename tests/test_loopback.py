"""The one loopback rule (nemo_tui/loopback.py) the engine, the client and core share."""

import pytest

from nemo_tui.loopback import is_loopback_host, is_loopback_url


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "localhost", "LocalHost."]
)
def test_hosts_on_this_machine(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize(
    "host",
    ["", "10.0.0.1", "0.0.0.0", "127.example.com", "localhost.example.com", "mega-api-prod.nemovideo.ai"],
)
def test_hosts_elsewhere(host: str) -> None:
    assert not is_loopback_host(host)


def test_urls() -> None:
    assert is_loopback_url("http://127.0.0.1:8765/api/credits/balance/simple")
    assert is_loopback_url("http://[::1]:8765/")
    assert not is_loopback_url("http://127.evil.example/")  # a name, not an address
    assert not is_loopback_url("https://mega-api-prod.nemovideo.ai")
    assert not is_loopback_url("http://[::1/")  # malformed: nowhere, not a crash
