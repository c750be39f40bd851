"""Language detection for create_session: scripts, short prompts, longer sentences."""

from __future__ import annotations

import threading

import pytest

from nemo_tui.client.language import detect_language, warm_up


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Short English editing prompts: langdetect alone gets several of these wrong.
        ("make it 8 seconds", "en"),
        ("add a title", "en"),
        ("make the music quieter", "en"),
        ("export 1080p MP4", "en"),
        ("generate a 10-second video of a sunset over the ocean with waves crashing", "en"),
        # Scripts decide at once, whatever the length.
        ("加字幕", "zh"),
        ("生成一个十秒的日落视频", "zh"),
        ("夕日のビデオを作って", "ja"),
        ("タイトルを追加", "ja"),
        ("일몰 영상을 만들어 줘", "ko"),
        # Longer sentences in other languages go to langdetect.
        ("Ajoute une musique douce en arrière-plan de la vidéo", "fr"),
        ("ajoute une musique de fond douce", "fr"),
        ("Pon el título en rojo y hazlo más lento por favor", "es"),
        ("haz que el video dure ocho segundos", "es"),
        ("mach das Video bitte etwas langsamer", "de"),
    ],
)
def test_detects(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["ok", "hola", "merci beaucoup", "", "   "])
def test_fewer_than_three_words_keep_the_previous_language(text: str) -> None:
    assert detect_language(text, previous="fr") == "fr"
    assert detect_language(text) == "en"


def test_script_beats_the_previous_language() -> None:
    assert detect_language("好的", previous="fr") == "zh"


def test_same_text_same_answer() -> None:
    text = "rendi il video più lento per favore"
    assert {detect_language(text) for _ in range(5)} == {"it"}


def test_warm_up_in_a_thread_while_detecting() -> None:
    # The UI warms up in a thread at start while the loop may already detect: no crash, same answer.
    thread = threading.Thread(target=warm_up)
    thread.start()
    result = detect_language("Ajoute une musique douce en arrière-plan de la vidéo")
    thread.join()
    assert result == "fr"
