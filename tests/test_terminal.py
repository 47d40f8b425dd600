"""Choosing the render mode: DA1 parsing, the env override, and what pipes and terminals get."""

import io

import pytest
from rich.console import Console

from digits.commands.terminal import choose_mode, kitty_in_reply, sixel_in_da1
from digits.core.errors import ConfigError


@pytest.mark.parametrize("reply, sixel", [
    ("\x1b[?63;1;2;4;6;9;15;22c", True),   # xterm -ti vt340
    ("\x1b[?1;2c", False),                  # tmux 3.3, default xterm
    ("\x1b[?64;1;2;6;22c", False),          # 64 contains a 4 but is not attribute 4
    ("\x1b[?62;4c", True),
    ("\x1b[?4c", True),
    ("garbage 4;4", False),
    ("", False),
])
def test_sixel_is_attribute_4_of_the_da1_reply(reply, sixel):
    assert sixel_in_da1(reply) is sixel


def test_kitty_reply():
    assert kitty_in_reply("\x1b_Gi=31;OK\x1b\\\x1b[?62;c")
    assert not kitty_in_reply("\x1b_Gi=31;ENOTSUPPORTED\x1b\\")


def console(terminal: bool, no_color: bool = False) -> Console:
    return Console(file=io.StringIO(), force_terminal=terminal, color_system="256" if terminal else None,
                   no_color=no_color)


def never_asked():
    raise AssertionError("the terminal must not be queried")


def test_pipes_get_ascii_without_a_query(monkeypatch):
    monkeypatch.delenv("DIGITS_RENDER", raising=False)
    assert choose_mode("auto", console(False), interactive=False, ask=never_asked) == "ascii"


def test_colour_terminal_without_graphics_gets_blocks(monkeypatch):
    monkeypatch.delenv("DIGITS_RENDER", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert choose_mode("auto", console(True), interactive=True, ask=lambda: "\x1b[?1;2c") == "blocks"
    assert choose_mode("auto", console(True, no_color=True), interactive=True, ask=lambda: "") == "ascii"


def test_graphics_terminals(monkeypatch):
    monkeypatch.delenv("DIGITS_RENDER", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert choose_mode("auto", console(True), interactive=True, ask=lambda: "\x1b[?63;1;2;4c") == "sixel"
    assert choose_mode("auto", console(True), interactive=True,
                       ask=lambda: "\x1b_Gi=31;OK\x1b\\\x1b[?62c") == "kitty"


def test_explicit_mode_and_env_override(monkeypatch):
    monkeypatch.setenv("DIGITS_RENDER", "sixel")
    assert choose_mode("auto", console(False), interactive=False, ask=never_asked) == "sixel"
    assert choose_mode("ascii", console(False), ask=never_asked) == "ascii"  # an explicit --render wins
    monkeypatch.setenv("DIGITS_RENDER", "png")
    with pytest.raises(ConfigError, match="DIGITS_RENDER='png'"):
        choose_mode("auto", console(False), interactive=False)
    with pytest.raises(ConfigError, match="--render 'gif'"):
        choose_mode("gif", console(False))
