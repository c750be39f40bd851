"""Graphics detection without Textual: the terminal's answers taken out of the key stream (whole,
split over reads, late), what they decide, the overrides, tmux and the per-terminal cache."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from nemo_tui.core import graphics
from nemo_tui.core.term_replies import KITTY_QUERY, QUERIES, ReplyFilter, tmux_wrap

KITTY_OK = "\x1b_Gi=31;OK\x1b\\"
DA1_SIXEL = "\x1b[?62;4;22c"
DA1_PLAIN = "\x1b[?1;2c"
XTVERSION = "\x1bP>|kitty(0.35.2)\x1b\\"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_whole_answers_are_taken_out_and_keys_pass() -> None:
    replies = ReplyFilter()
    assert replies.feed("ab" + KITTY_OK + "c" + DA1_SIXEL + "\x1b[A") == "abc\x1b[A"
    assert replies.replies == [KITTY_OK, DA1_SIXEL]


def test_an_answer_split_over_reads_is_held_until_it_ends() -> None:
    clock = Clock()
    replies = ReplyFilter(clock)
    kept = [replies.feed(part) for part in ("x\x1b", "_Gi=3", "1;O", "K\x1b", "\\y")]
    assert "".join(kept) == "xy" and replies.replies == [KITTY_OK]
    clock.now += 1.0
    assert replies.feed("\x1b[?6") == "" and replies.tick() == ""  # unambiguous: still waiting
    assert replies.feed("2;4c") == "" and replies.replies[-1] == "\x1b[?62;4c"


def test_a_held_escape_goes_on_as_a_key_at_the_next_tick() -> None:
    clock = Clock()
    replies = ReplyFilter(clock)
    assert replies.feed("\x1b") == ""  # a lone Escape, or the start of an answer
    assert replies.tick() == "\x1b"
    assert replies.feed("\x1b_Gi=31;O") == ""
    clock.now += 5  # never finished: the bytes are not lost, they go on
    assert replies.tick() == "\x1b_Gi=31;O" and replies.replies == []


def test_what_the_answers_decide() -> None:
    kitty_env = {"TERM": "xterm-kitty"}
    assert graphics.from_replies(kitty_env, [KITTY_OK, DA1_PLAIN]).mode == "kitty"
    assert graphics.from_replies({"TERM": "xterm-256color"}, [KITTY_OK, XTVERSION, DA1_PLAIN]).mode == "kitty"
    # WezTerm / Konsole answer the graphics query but draw no placeholders: Sixel (DA1 has 4).
    wezterm = {"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}
    assert graphics.from_replies(wezterm, [KITTY_OK, DA1_SIXEL]).mode == "sixel"
    assert graphics.from_replies({}, [DA1_PLAIN]) == graphics.GraphicsChoice("halfblock", "query")
    assert graphics.from_replies({}, []) == graphics.GraphicsChoice("halfblock", "no answer")


def test_overrides_environment_first_then_config() -> None:
    assert graphics.forced({"NEMO_GRAPHICS": "none"}, "kitty") == graphics.GraphicsChoice(
        "none", "NEMO_GRAPHICS"
    )
    assert graphics.forced({}, "Sixel") == graphics.GraphicsChoice("sixel", "config.toml")
    assert graphics.forced({"NEMO_GRAPHICS": "auto"}, "kitty") is None
    assert graphics.forced({}, None) is None
    bad = graphics.forced({"NEMO_GRAPHICS": "pixels"})
    assert bad is not None and bad.source == "rejected" and bad.rejected == "pixels"
    assert graphics.graphics_mode({"NEMO_GRAPHICS": "kitty"}) == "kitty"
    assert graphics.graphics_mode({}) == "halfblock"


def test_the_cache_is_per_terminal(tmp_path: Path) -> None:
    env = {"TERM": "xterm-kitty", "NEMO_CACHE_DIR": str(tmp_path)}
    assert graphics.without_asking(env) is None  # nothing known: ask
    graphics.remember(env, "kitty")
    assert graphics.without_asking(env) == graphics.GraphicsChoice("kitty", "cache")
    assert graphics.cached({**env, "TERM": "foot"}) is None
    assert (tmp_path / graphics.CACHE_FILE).is_file()


@pytest.mark.parametrize(("answer", "mode"), [("off", "halfblock"), ("on", None)])
def test_tmux_without_passthrough_gets_half_blocks(tmp_path: Path, answer: str, mode: str | None) -> None:
    tmux = tmp_path / "tmux"
    tmux.write_text(f"#!{sys.executable}\nprint({answer!r})\n", encoding="utf-8")
    tmux.chmod(0o755)
    env = {"TMUX": "/tmp/tmux-1/default,1,0", "PATH": str(tmp_path), "NEMO_CACHE_DIR": str(tmp_path)}
    choice = graphics.without_asking(env)
    assert (choice.mode if choice else None) == mode


def test_a_full_screen_player_fits_the_placeholder_table() -> None:
    from nemo_tui.core import kitty

    assert kitty.fits(200, 60) and not kitty.fits(400, 60) and not kitty.fits(0, 1)


def test_queries_through_tmux_are_wrapped() -> None:
    wrapped = tmux_wrap(KITTY_QUERY)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b_G") and wrapped.endswith("\x1b\x1b\\\x1b\\")
    assert QUERIES.endswith("\x1b[c")  # DA1 last: its answer ends the wait
