"""Settings from the environment, with the token kept secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_tui.core.settings import DEFAULT_API_BASE, Settings, SettingsError


def test_defaults() -> None:
    s = Settings.from_env({})
    assert (s.backend, s.api_base, s.token) == ("auto", DEFAULT_API_BASE, None)
    assert s.export_dir.is_absolute() and s.db_path.name == "nemo.db"


def test_environment_and_overrides(tmp_path: Path) -> None:
    env = {
        "NEMO_BACKEND": "Local",
        "NEMO_API_BASE": "http://127.0.0.1:9/",
        "NEMO_EXPORT_DIR": "~/out",
        "NEMO_TOKEN": "tok-very-secret",
    }
    s = Settings.from_env(env)
    assert (s.backend, s.api_base) == ("local", "http://127.0.0.1:9")
    assert s.export_dir == Path("~/out").expanduser()
    assert s.token is not None and s.token.get_secret_value() == "tok-very-secret"
    assert "tok-very-secret" not in repr(s) and "tok-very-secret" not in str(s)
    assert Settings.from_env(env, backend="cloud", export_dir=tmp_path).export_dir == tmp_path


def test_empty_variables_count_as_unset() -> None:
    assert Settings.from_env({"NEMO_BACKEND": "", "NEMO_TOKEN": "  "}).token is None


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"NEMO_BACKEND": "mars"}, "NEMO_BACKEND (cloud, local or auto)"),
        ({"NEMO_API_BASE": "ftp://x"}, "NEMO_API_BASE: Value error, must start with http"),
        ({"NEMO_LANG": "klingon"}, "NEMO_LANG (en, zh or auto)"),
    ],
)
def test_bad_values_get_a_clear_message(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match="Invalid setting") as info:
        Settings.from_env({**env, "NEMO_TOKEN": "tok-very-secret"})
    assert says in str(info.value)
    assert "tok-very-secret" not in str(info.value)


def test_vendor_variable_names() -> None:
    """NEMO_API_URL / NEMO_WEB_URL / NEMO_CLIENT_ID are the vendor tools' names; NEMO_API_BASE stays
    an alias, and the vendor's name wins when both are set."""
    s = Settings.from_env(
        {
            "NEMO_API_URL": "https://api.example/",
            "NEMO_API_BASE": "http://127.0.0.1:9",
            "NEMO_WEB_URL": "https://web.example/",
            "NEMO_CLIENT_ID": "abc-123",
            "NEMO_POLL_INTERVAL_S": "0.25",
        }
    )
    assert (s.api_base, s.web_base, s.client_id, s.poll_interval_s) == (
        "https://api.example",
        "https://web.example",
        "abc-123",
        0.25,
    )
    assert Settings.from_env({"NEMO_API_BASE": "http://127.0.0.1:9"}).api_base == "http://127.0.0.1:9"
    assert Settings.from_env({}).web_base == "https://nemovideo.com"
    assert Settings.from_env({}).poll_interval_s is None


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"NEMO_API_URL": "ftp://x"}, "NEMO_API_URL: Value error, must start with http"),
        ({"NEMO_POLL_INTERVAL_S": "0"}, "NEMO_POLL_INTERVAL_S: Input should be greater than 0"),
        ({"NEMO_POLL_INTERVAL_S": "soon"}, "NEMO_POLL_INTERVAL_S"),
        ({"NEMO_CLIENT_ID": "x" * 65}, "NEMO_CLIENT_ID: String should have at most 64 characters"),
    ],
)
def test_bad_vendor_values_name_their_variable(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match="Invalid setting") as info:
        Settings.from_env(env)
    assert says in str(info.value)


def test_nemo_lang_chooses_the_apps_language_and_the_flag_wins() -> None:
    assert Settings.from_env({}).lang == "auto"
    assert Settings.from_env({"NEMO_LANG": "ZH"}).lang == "zh"
    assert Settings.from_env({"NEMO_LANG": "zh_CN.UTF-8"}).lang == "zh", "a locale-style value works"
    assert Settings.from_env({"NEMO_LANG": "en_US"}).lang == "en"
    assert Settings.from_env({"NEMO_LANG": "zh"}, lang="auto").lang == "auto"
