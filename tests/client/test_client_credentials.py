"""The credentials file: permissions, atomic writes, expiry, slots."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

from client_helpers import SECRET
from pydantic import SecretStr

from nemo_tui.client.credentials import CredentialStore, StoredCredentials, default_credentials_path
from tests.leaks import assert_hidden


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_with_0600_in_a_0700_folder_even_under_a_loose_umask(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "cfg" / "nemo-tui" / "credentials.json")
    old = os.umask(0o000)
    try:
        store.save(
            "local", StoredCredentials(client_id="c-1", token=SecretStr(SECRET), expires_at=time.time() + 100)
        )
    finally:
        os.umask(old)
    assert mode(store.path) == 0o600
    assert mode(store.path.parent) == 0o700
    # No temporary file is left beside it.
    assert [p.name for p in store.path.parent.iterdir()] == ["credentials.json"]


def test_an_existing_loose_file_is_replaced_by_a_private_one(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    path.write_text("{}")
    os.chmod(path, 0o644)
    CredentialStore(path).save("k", StoredCredentials(client_id="c"))
    assert mode(path) == 0o600


def test_round_trip_per_slot_and_forget(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "c.json")
    store.save("local", StoredCredentials(client_id="a", token=SecretStr("t-a"), expires_at=1e12))
    store.save("https://cloud", StoredCredentials(client_id="b", token=SecretStr("t-b")))
    assert store.load("local").token.get_secret_value() == "t-a"
    assert store.load("https://cloud").client_id == "b"
    store.forget("local")
    assert store.load("local") is None and store.load("https://cloud") is not None


def test_expired_tokens_are_not_usable() -> None:
    now = time.time()
    fresh = StoredCredentials(client_id="c", token=SecretStr("t"), expires_at=now + 3600)
    stale = StoredCredentials(client_id="c", token=SecretStr("t"), expires_at=now - 1)
    nearly = StoredCredentials(client_id="c", token=SecretStr("t"), expires_at=now + 10)
    assert fresh.usable_token(now) is not None
    assert stale.usable_token(now) is None
    assert nearly.usable_token(now) is None  # would die on the way


def test_a_corrupt_file_is_ignored_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{not json")
    store = CredentialStore(path)
    assert store.load("local") is None
    store.save("local", StoredCredentials(client_id="c"))
    assert json.loads(path.read_text())["slots"]["local"]["client_id"] == "c"


def test_the_token_stays_out_of_repr() -> None:
    creds = StoredCredentials(client_id="c", token=SecretStr(SECRET))
    assert_hidden(SECRET, repr(creds), str(creds))


def test_default_path_is_the_user_config_dir() -> None:
    from platformdirs import user_config_dir

    assert default_credentials_path() == Path(user_config_dir("nemo-tui")) / "credentials.json"
