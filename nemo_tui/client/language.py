"""Which language a person writes in, for `create_session`'s `language` field.

Order of rules, cheapest and surest first:
1. Script: any kana → "ja" (Japanese mixes in Han), any hangul → "ko", any Han → "zh".
2. Fewer than three words → keep the previous language (too little to go on).
3. ASCII-only text where common English words make up a good share → "en" (langdetect calls short
   English prompts like "make it 8 seconds" Somali or Norwegian).
4. langdetect, seeded so the same text always gives the same answer.
"""

from __future__ import annotations

import re
import threading

DEFAULT_LANGUAGE = "en"

_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z']+")

# Words that are English and not also everyday words in French, Spanish, German, Italian,
# Portuguese or Dutch ("a", "en", "de", "is", "me", "video" are left out on purpose).
_ENGLISH_WORDS = frozenset(
    (
        "the it its to and of with make add please this that are my your for from into onto "
        "remove change set seconds second title titles music background slower faster longer "
        "shorter clip clips put can you at by some more less generate create export show delete "
        "cut trim what how need want give use all will would should just then after before over "
        "about like sound voice text caption captions track tracks scene sunset ocean city rain "
        "snow night day color colour bigger smaller louder quieter fade out up down start end "
        "first last next each every make made only also too very much many few now again there "
        "here they them their our we us be been was were has have had do does did not no yes "
        "could let lets let's i i'm it's don't can't"
    ).split()
)

_lock = threading.Lock()
_seeded = False


def _langdetect(text: str) -> str | None:
    """langdetect, seeded once, behind a lock (its factory is global and lazily built)."""
    global _seeded
    from langdetect import DetectorFactory, detect  # deferred: loading profiles costs ~175 ms
    from langdetect.lang_detect_exception import LangDetectException

    with _lock:
        if not _seeded:
            DetectorFactory.seed = 0
            _seeded = True
        try:
            code: str = detect(text)
        except LangDetectException:  # no letters at all ("123 !!!")
            return None
    return code.split("-")[0].lower()  # zh-cn / zh-tw → zh


def _looks_english(text: str) -> bool:
    if not text.isascii():
        return False
    words = _WORD.findall(text.lower())
    if not words:
        return False
    hits = sum(1 for w in words if w in _ENGLISH_WORDS)
    return hits >= 1 and hits / len(words) >= 0.25


def detect_language(text: str, previous: str | None = None) -> str:
    """An ISO 639-1 code ("en", "zh", "fr", …) for `text`; `previous` when there is too little."""
    fallback = previous or DEFAULT_LANGUAGE
    text = (text or "").strip()
    if not text:
        return fallback
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "zh"
    if len(text.split()) < 3:
        return fallback
    if _looks_english(text):
        return "en"
    return _langdetect(text) or fallback


def warm_up() -> None:
    """Load langdetect's profiles now (blocking, ~175 ms): call it in a thread at start-up."""
    _langdetect("This sentence only loads the language profiles.")
