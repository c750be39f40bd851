"""Which picture each video segment gets in the timeline's filmstrip (core/filmstrip.py)."""

from __future__ import annotations

from nemo_tui.core.filmstrip import media_urls, shots
from nemo_tui.protocol import Draft, SessionState


def test_one_shot_per_openable_video_segment_from_its_middle_and_never_a_local_file():
    draft = Draft.from_wire(
        {
            "t": [
                {
                    "tt": 0,
                    "sg": [
                        {"d": 4000, "m": {"source": "media_a"}},
                        {"d": 2000, "m": {"source": "media_gone"}},  # no URL for it: no picture
                        {"d": 2000, "m": {"source": "https://cdn.example/b.mp4?sig=1"}},
                        {"d": 2000, "m": {"source": "media_local"}},
                    ],
                },
                {"tt": 1, "sg": [{"d": 9000, "m": {"source": "media_music"}}]},
            ]
        }
    )
    state = SessionState.model_validate(
        {
            "generated_media": [
                {"id": "media_a", "url": "http://127.0.0.1:9/files/media/media_a/a.mp4?exp=1&sig=2"},
                {"id": "media_local", "url": "file:///home/someone/.ssh/id_rsa"},
                {"id": "media_music", "url": "http://127.0.0.1:9/m.mp3"},
            ]
        }
    )
    found = shots(draft, media_urls(state))
    assert [(s.key, s.at_s, s.start_ms, s.end_ms) for s in found] == [
        ("media_a", 2.0, 0, 4000),
        ("https://cdn.example/b.mp4", 1.0, 6000, 8000),  # cached by clip, not by signed link
    ]
