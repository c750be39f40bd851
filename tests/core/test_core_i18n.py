"""Every app message exists in English and Chinese, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import nemo_tui.core
from nemo_tui.core.i18n import MESSAGES, format_credits, format_seconds, format_size, t
from nemo_tui.languages import LANGS, locale_language, norm_lang

CORE = Path(nemo_tui.core.__file__).parent


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(LANGS)
    assert all(entry[lang].strip() for lang in LANGS)
    assert _fields(entry["en"]) == _fields(entry["zh"])


def test_every_key_used_in_core_exists_and_every_key_is_used() -> None:
    used: set[str] = set()
    prefixes: set[str] = set()
    for source in CORE.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", text))
        used |= set(re.findall(r"""["']((?:activity)\.\w+)["']""", text))  # the tool-label table
        # keys built from a prefix: t(f"gui.{action}", …) and t(f"confirm.{kind.value}", …)
        prefixes |= set(re.findall(r"""\bt\(\s*f["']([\w.]+)\.\{""", text))
    assert len(used) > 30
    assert sorted(used - set(MESSAGES)) == []
    assert all(any(k.startswith(p + ".") for k in MESSAGES) for p in prefixes)
    unused = [k for k in MESSAGES if k not in used and not any(k.startswith(p + ".") for p in prefixes)]
    assert unused == []


def test_language_choice_and_formatting() -> None:
    assert norm_lang("zh-CN") == norm_lang("zh") == "zh"
    assert norm_lang("fr") == norm_lang(None) == "en"
    assert t("upload.missing", "zh-Hans", path="/x.mp4") == "/x.mp4 不存在。请检查路径后重试。"
    assert t("setup", "fr") == "Setting up..."
    assert (format_seconds(10.0), format_seconds(2.54, "zh")) == ("10 s", "2.5 秒")
    assert (format_size(512), format_size(1536), format_size(5 * 1024**3)) == ("512 B", "1.5 KB", "5.0 GB")
    assert [format_credits(v) for v in (100, 100.0, 12.5, 12.341, 0)] == ["100", "100", "12.5", "12.34", "0"]


@pytest.mark.parametrize("lang", ["zh", "zh-CN", "ZH-hans", "zh_TW", "en", "EN-us", "fr", "", None])
def test_app_words_and_error_words_pick_the_same_language(lang: str | None) -> None:
    # Errors (protocol), the app's own messages (core) and the UI's strings must never answer in
    # two languages.
    from nemo_tui.protocol import UnsupportedFile
    from nemo_tui.ui.strings import t as ui_t

    chinese = UnsupportedFile().user_message(lang or "") == UnsupportedFile().user_message("zh")
    assert chinese == (norm_lang(lang) == "zh")
    assert (t("setup", lang) == t("setup", "zh")) == chinese
    assert (ui_t("status.offline", lang or "") == ui_t("status.offline", "zh")) == chinese


def test_the_locale_picks_the_language() -> None:
    assert locale_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert locale_language({"NEMO_LANG": "en", "LANG": "zh_CN.UTF-8"}) == "en"
    assert locale_language({"LC_ALL": " ", "LANG": "ZH_tw"}) == "zh"
    assert locale_language({}) == "en"
