"""Front-end adapters of the renderers: digits as Rich text (ascii, blocks) or as raw graphics
escapes (sixel, kitty), and a grid of captioned digits that fills the terminal width.

Text modes go through Rich, so Rich wraps, pads and downgrades colours. Graphics modes write
the escape sequence straight to the console's file: a gallery row is one image (the digits side
by side, transparent gaps between them) with the captions printed below, each under its digit.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import typer
from rich.color import Color
from rich.columns import Columns
from rich.console import Console, Group
from rich.panel import Panel
from rich.style import Style
from rich.text import Text

from digits.commands.common import out_console
from digits.commands.terminal import MODES, cell_pixels, choose_mode, explicit
from digits.imaging import kitty, sixel
from digits.imaging.render import ascii_art, grey_levels, half_block_cells, upscale

RENDER_OPTION = typer.Option("auto", "--render", help=f"How to draw digits: {', '.join(MODES)} (auto: Sixel or "
                                                      "Kitty graphics when the terminal has them, else colour "
                                                      "blocks, else ASCII; or set DIGITS_RENDER).")
SCALE_OPTION = typer.Option(None, "--scale", min=1, max=8, help="Pixel size multiplier (default depends on --render).")
INVERT_OPTION = typer.Option(False, "--invert", help="Dark strokes for light terminal backgrounds.")
GAP_PIXELS = 8  # transparent pixels between the digits of a graphics row
TEXT_MODES = ("ascii", "blocks")


def result_console(requested: str, interactive: bool | None = None) -> tuple[Console, str]:
    """The stdout console that draws digits, and the mode they are drawn in: detected on stdout
    (a pipe gets ascii), or as asked, then with colour even into a pipe (`--render blocks > f`)."""
    mode = choose_mode(requested, out_console(), interactive=interactive)
    return out_console(colour=mode == "blocks" and explicit(requested)), mode


@dataclass
class Card:
    """One digit with caption lines (Rich markup); `ok` colours its border (None: neutral)."""

    image: np.ndarray
    caption: list[str] = field(default_factory=list)
    ok: bool | None = None


def default_scale(mode: str, large: bool) -> int:
    """Digits at a readable size: `large` for `show`, small for galleries."""
    if mode in TEXT_MODES:
        return 2 if large and mode == "blocks" else 1
    return 4 if large else 2


def blocks_text(image, scale: int = 1, invert: bool = False) -> Text:
    """Half blocks: the upper pixel as the foreground of "▀", the lower as its background."""
    top, bottom = half_block_cells(image, scale, invert)
    text = Text(no_wrap=True, overflow="crop")
    styles: dict[tuple[int, int], Style] = {}
    for r in range(top.shape[0]):
        pairs = list(zip(top[r].tolist(), bottom[r].tolist()))
        start = 0
        for c in range(1, len(pairs) + 1):  # runs of equal cells share one style span
            if c < len(pairs) and pairs[c] == pairs[start]:
                continue
            upper, lower = pairs[start]
            style = styles.get(pairs[start])
            if style is None:
                style = styles[pairs[start]] = Style(color=Color.from_rgb(upper, upper, upper),
                                                     bgcolor=Color.from_rgb(lower, lower, lower))
            text.append("▀" * (c - start), style)
            start = c
        if r < top.shape[0] - 1:
            text.append("\n")
    return text


def ascii_text(image, scale: int = 1, invert: bool = False, compact: bool = False) -> Text:
    if compact:
        lines = ascii_art(image, invert=invert, stretch=1, rows_per_line=2, scale=scale)
    else:
        lines = ascii_art(image, invert=invert, stretch=2, scale=scale)
    return Text("\n".join(lines), no_wrap=True, overflow="crop")


def text_image(image, mode: str, scale: int, invert: bool, compact: bool) -> Text:
    return blocks_text(image, scale, invert) if mode == "blocks" else ascii_text(image, scale, invert, compact)


def graphics(image, mode: str, scale: int, invert: bool) -> str:
    return sixel.encode(image, scale, invert=invert) if mode == "sixel" else kitty.encode(image, scale, invert)


def print_cards(console: Console, cards: list[Card], mode: str, scale: int, invert: bool = False,
                compact: bool = False) -> None:
    """The cards in rows as wide as the terminal."""
    if not cards:
        return
    if mode in TEXT_MODES:
        panels = [Panel(Group(text_image(c.image, mode, scale, invert, compact),
                              Text.from_markup("\n".join(c.caption))), expand=False, padding=(0, 1),
                        border_style="dim" if c.ok is None else "green" if c.ok else "red")
                  for c in cards]
        console.print(Columns(panels, padding=(0, 1)))
        return
    print_graphics_rows(console, cards, mode, scale, invert)


def print_graphics_rows(console: Console, cards: list[Card], mode: str, scale: int, invert: bool) -> None:
    cell_w, _ = cell_pixels()
    side = cards[0].image.shape[-1] * scale
    caption_width = max(len(Text.from_markup(line).plain) for c in cards for line in c.caption or [""])
    tile_cells = max(math.ceil((side + GAP_PIXELS) / cell_w), caption_width + 1)
    per_row = max(1, console.width // tile_cells)
    tile_pixels = tile_cells * cell_w
    for start in range(0, len(cards), per_row):
        row = cards[start:start + per_row]
        canvas = np.full((side, tile_pixels * len(row)), np.nan, np.float32)
        for i, card in enumerate(row):
            canvas[:, i * tile_pixels:i * tile_pixels + side] = upscale(grey_levels(card.image), scale)
        console.file.flush()
        console.file.write(graphics(canvas, mode, 1, invert) + "\n")
        console.file.flush()
        lines = max(len(c.caption) for c in row)
        for n in range(lines):
            line = Text(no_wrap=True, overflow="crop")
            for card in row:
                piece = Text.from_markup(card.caption[n]) if n < len(card.caption) else Text()
                piece.truncate(tile_cells - 1)
                piece.pad_right(tile_cells - piece.cell_len)
                line.append_text(piece)
            console.print(line)
        console.print()
