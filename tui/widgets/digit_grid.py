"""`DigitGrid`: a virtualised grid of captioned digits with a keyboard cursor.

Only what fits on screen is drawn, so 10,000 digits page as fast as 20. In the text modes the
grid is one widget drawing its lines itself (Textual's line API); widgets per card cost ~2 ms
each in the compositor, 100 ms per page on a 160×50 terminal. With Sixel or Kitty graphics it
keeps a pool of `DigitCard` widgets (one graphics image each) and rebinds them while paging.
The grid knows nothing of models: the screen gives it the indices to show and a function
captioning each.
"""

from collections.abc import Callable

import numpy as np
from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from digits.tui.widgets.digit import GRAPHICS_MODES, PLAIN, DigitImage, digit_strips

CARD_WIDTH = 16  # 14 columns of digit + a column of padding on each side
IMAGE_ROWS = 7


class DigitCard(DigitImage):
    """One small digit with caption lines under it, drawn by one widget (three widgets per card
    made a page of 50 digits cost ~110 ms in the compositor). `position` is its place in the
    grid's index list."""

    def __init__(self, caption_lines: int):
        super().__init__(small=True, caption_lines=caption_lines)
        self.remove_class("small")  # sized by the grid's rules, not those of a bare small digit
        self.position = -1
        self.styles.height = IMAGE_ROWS + caption_lines

    def bind(self, position: int, image: np.ndarray | None, caption: str, wrong: bool, selected: bool) -> None:
        self.position = position
        self.caption = caption
        self.image = image
        self.set_class(wrong, "wrong")
        self.set_class(selected, "selected")
        if self.display != (image is not None):  # a display change costs a layout pass
            self.display = image is not None


class DigitGrid(Widget, can_focus=True):
    """Cards for `indices` (positions into the images), `cursor` the selected position."""

    COMPONENT_CLASSES = {"digit-grid--selected", "digit-grid--wrong"}

    BINDINGS = [
        Binding("left", "move(-1, 0)", "←", show=False),
        Binding("right", "move(1, 0)", "→", show=False),
        Binding("up", "move(0, -1)", "↑", show=False),
        Binding("down", "move(0, 1)", "↓", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Details"),
    ]

    class Selected(Message):
        """Enter or a click on a card: `index` is the digit's index in the test set."""

        def __init__(self, index: int):
            super().__init__()
            self.index = index

    class Moved(Message):
        """The cursor or page changed: `index` is the selected digit's test-set index (None: no digits)."""

        def __init__(self, cursor: int, first: int, shown: int, total: int, index: int | None):
            super().__init__()
            self.cursor, self.first, self.shown, self.total, self.index = cursor, first, shown, total, index

    def __init__(self, caption_lines: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.caption_lines = caption_lines
        self.images: np.ndarray | None = None
        self.indices = np.zeros(0, dtype=np.int64)
        self.caption: Callable[[int], tuple[str, bool]] = lambda index: (f"#{index}", False)
        self.cursor = 0
        self.first = 0  # position of the top-left card
        self.cols = self.rows = 1
        self._digits: dict[int, list[Strip]] = {}  # text modes: test-set index -> its strips

    @property
    def uses_widgets(self) -> bool:
        """Graphics modes draw each digit with a widget of its own (a pool of cards)."""
        return getattr(self.app, "render_mode", "blocks") in GRAPHICS_MODES

    @property
    def card_height(self) -> int:
        return IMAGE_ROWS + self.caption_lines

    def visible_positions(self) -> list[int]:
        """Positions (into `indices`) of the digits on screen, in reading order."""
        return list(range(self.first, min(self.first + self.cols * self.rows, len(self.indices))))

    def show(self, images: np.ndarray, indices: np.ndarray, caption: Callable[[int], tuple[str, bool]],
             cursor: int = 0) -> None:
        """Show images[indices]; caption(index) -> (markup, is a mistake)."""
        if images is not self.images:
            self._digits.clear()
        self.images, self.indices, self.caption = images, np.asarray(indices), caption
        self.cursor = min(max(cursor, 0), max(len(self.indices) - 1, 0))
        self.first = (self.cursor // self.cols) * self.cols
        self._keep_cursor_visible()
        self._fill()

    @property
    def selected_index(self) -> int | None:
        return int(self.indices[self.cursor]) if len(self.indices) else None

    def on_resize(self) -> None:
        cols = max(1, self.size.width // CARD_WIDTH)
        rows = max(1, (self.size.height + 1) // (self.card_height + 1))  # +1: a blank line between rows
        if not self.uses_widgets:
            self.cols, self.rows = cols, rows
            self._refit()
            return
        if (cols, rows) != (self.cols, self.rows) or len(self.children) != cols * rows:
            self.cols, self.rows = cols, rows
            self.styles.grid_size_columns = cols
            self.styles.grid_rows = str(IMAGE_ROWS + self.caption_lines)  # rows packed at the top
            self.remove_children()
            self.mount_all([DigitCard(self.caption_lines) for _ in range(cols * rows)])
            self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        self.first = (self.first // self.cols) * self.cols
        self._keep_cursor_visible()
        self._fill()

    def _keep_cursor_visible(self) -> None:
        page = self.cols * self.rows
        if self.cursor < self.first:
            self.first = (self.cursor // self.cols) * self.cols
        elif self.cursor >= self.first + page:
            self.first = (self.cursor // self.cols - self.rows + 1) * self.cols

    def _fill(self) -> None:
        if self.images is None:
            return
        if not self.uses_widgets:
            self.refresh()
            shown = len(self.visible_positions())
            self.post_message(self.Moved(self.cursor, self.first, shown, len(self.indices), self.selected_index))
            return
        cards = list(self.query(DigitCard))
        for offset, card in enumerate(cards):
            position = self.first + offset
            if position < len(self.indices):
                index = int(self.indices[position])
                caption, wrong = self.caption(index)
                card.bind(position, self.images[index], caption, wrong, position == self.cursor)
            else:
                card.bind(position, None, "", False, False)
        self.post_message(self.Moved(self.cursor, self.first, min(len(cards), len(self.indices) - self.first),
                                     len(self.indices), self.selected_index))

    def _go(self, cursor: int) -> None:
        if not len(self.indices):
            return
        self.cursor = min(max(cursor, 0), len(self.indices) - 1)
        self._keep_cursor_visible()
        self._fill()

    def action_move(self, dx: int, dy: int) -> None:
        self._go(self.cursor + dx + dy * self.cols)

    def action_page(self, direction: int) -> None:
        page = self.cols * self.rows
        self.first = min(max(self.first + direction * page, 0), max(len(self.indices) - 1, 0) // self.cols * self.cols)
        self._go(min(max(self.cursor + direction * page, self.first), self.first + page - 1))

    def action_jump(self, where: int) -> None:
        self._go(where if where >= 0 else len(self.indices) - 1)

    def action_select(self) -> None:
        if len(self.indices):
            self.post_message(self.Selected(int(self.indices[self.cursor])))

    def render_line(self, y: int) -> Strip:
        """Text modes: line y of the grid, every card's slice of it side by side."""
        width, base = self.size.width, self.rich_style
        row, line = divmod(y, self.card_height + 1)
        if self.uses_widgets or self.images is None or row >= self.rows or line == self.card_height:
            return Strip.blank(width, base)
        segments: list[Segment] = []
        for col in range(self.cols):
            segments.extend(self._card_line(self.first + row * self.cols + col, line, base))
        return Strip(segments).crop_extend(0, width, base)

    def _card_line(self, position: int, line: int, base) -> list[Segment]:
        """One line (CARD_WIDTH cells) of the card at `position`: a digit row or a caption line."""
        if position >= len(self.indices):
            return [Segment(" " * CARD_WIDTH, base)]
        index = int(self.indices[position])
        style = base + self.get_component_rich_style("digit-grid--selected") if position == self.cursor else base
        pad = Segment(" ", style)
        inner = CARD_WIDTH - 2
        if line < IMAGE_ROWS:
            strips = self._digits.get(index)
            if strips is None:
                if len(self._digits) > 4096:
                    self._digits.clear()
                strips = self._digits[index] = digit_strips(self.images[index], self.app.render_mode, True)
            return [pad, *strips[line].crop_extend(0, inner, PLAIN), pad]
        caption, wrong = self.caption(index)
        text_style = style + self.get_component_rich_style("digit-grid--wrong", partial=True) if wrong else style
        lines = Text.from_markup(caption, style=text_style).split("\n")
        k = line - IMAGE_ROWS
        if k >= len(lines):
            return [Segment(" " * CARD_WIDTH, style)]
        text = lines[k]
        text.truncate(inner, pad=True)
        return [pad, *Strip(list(text.render(self.app.console))).apply_style(text_style)
                .crop_extend(0, inner, text_style), pad]

    def on_click(self, event) -> None:
        if not self.uses_widgets:
            col, row = event.x // CARD_WIDTH, event.y // (self.card_height + 1)
            position = self.first + row * self.cols + col
            if col < self.cols and row < self.rows and position < len(self.indices):
                if position == self.cursor and event.chain >= 2:
                    self.action_select()
                self._go(position)
            return
        card = next((w for w in event.widget.ancestors_with_self if isinstance(w, DigitCard)), None) \
            if event.widget is not None else None
        if card is not None and 0 <= card.position < len(self.indices):
            if card.position == self.cursor and event.chain >= 2:
                self.action_select()
            self._go(card.position)

    def on_mouse_scroll_down(self, event) -> None:
        event.stop()
        self._go(self.cursor + self.cols)

    def on_mouse_scroll_up(self, event) -> None:
        event.stop()
        self._go(self.cursor - self.cols)
