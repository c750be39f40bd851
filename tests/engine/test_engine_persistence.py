"""A restart loses nothing: tokens, sessions, drafts, undo history, credits and media survive."""

from __future__ import annotations

from engine_helpers import Api

from nemo_tui.engine.runner import EngineServer


def test_everything_survives_a_restart(engine_server):
    api = Api(engine_server.base_url).sign_in().new_session()
    api.turn("generate a 2 second video of a city at night")
    api.turn("add a title 'After dark' for the first 1 seconds")
    before = {"state": api.state(), "credits": api.credits()}
    media_url = before["state"]["generated_media"][0]["url"]

    engine_server.stop()
    engine_server.start()

    assert api.state() == before["state"]
    assert api.credits() == before["credits"] == {"available": 98, "frozen": 0, "total": 98}
    assert api.http.get(media_url).status_code == 200
    # The undo history came back too.
    api.turn("undo")
    assert [t["tt"] for t in api.draft()["t"]] == [0]


def test_a_new_server_on_the_same_data_dir_knows_the_old_tokens(engine_server):
    api = Api(engine_server.base_url).sign_in().new_session()
    api.turn("make it vertical")
    engine_server.stop()
    with EngineServer(engine_server.config.data_dir) as again:
        api.http.base_url = again.base_url
        assert api.draft()["m"]["height"] == 1920
        assert api.credits()["available"] == 100
