"""`DrawCanvas`: a 28×28 canvas to draw a digit on, with the mouse or the keyboard.

Each character cell shows two pixels stacked ("▀", the upper pixel as foreground, the lower as
background), so the canvas is 28 columns × 14 rows, and a mouse position (a cell) paints at the
point between its two pixels. The brush is MNIST-thick and soft (imaging/mnist_style.py); successive
drag points are joined by a stroke so fast drags leave no gaps. Every stroke can be undone.
The canvas posts `DrawCanvas.Changed` with a copy of its pixels after each change.
"""

from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Offset, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from digits.imaging.mnist_style import line, stamp
from digits.imaging.render import half_block_cells

SIDE = 28
ROWS = SIDE // 2
HISTORY = 100  # strokes that can be undone
PEN_GLYPH = {False: "+", True: "●"}  # the keyboard cursor: pen up, pen down


@lru_cache(maxsize=1024)
def cell_style(upper: int, lower: int) -> Style:
    return Style(color=Color.from_rgb(upper, upper, upper), bgcolor=Color.from_rgb(lower, lower, lower))


@lru_cache(maxsize=256)
def cursor_style(upper: int, lower: int) -> Style:
    """The cursor over a cell: its mean grey behind, black or white in front (readable without colour)."""
    grey = (upper + lower) // 2
    ink = 0 if grey >= 128 else 255
    return Style(color=Color.from_rgb(ink, ink, ink), bgcolor=Color.from_rgb(grey, grey, grey), bold=True)


def cell_point(cell: Offset) -> tuple[float, float]:
    """The pixel coordinates (x, y) a cell paints at: its column's centre, between its two pixels."""
    return cell.x + 0.5, 2.0 * cell.y + 1.0


class DrawCanvas(Widget, can_focus=True):
    """Draw with the mouse (press and drag), or move the cursor with the arrows (shift: 4 cells at a
    time) and paint with space (a dot) or `enter` (pen down: moves draw; `enter` again lifts it)."""

    ALLOW_SELECT = False  # a drag draws; it must not start a text selection
    BINDINGS = [
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("shift+up", "move(0, -4)", "Up 4", show=False),
        Binding("shift+down", "move(0, 4)", "Down 4", show=False),
        Binding("shift+left", "move(-4, 0)", "Left 4", show=False),
        Binding("shift+right", "move(4, 0)", "Right 4", show=False),
        Binding("space", "dot", "Dot", show=False),
        Binding("enter", "pen", "Pen"),
        Binding("escape", "pen(False)", "Lift pen", show=False),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("c", "clear", "Clear"),
    ]
    DEFAULT_CSS = """
    DrawCanvas {
        width: auto;
        height: auto;
        border: round $foreground 50%;
        border-title-align: left;
        border-subtitle-align: right;
    }
    DrawCanvas:focus {
        border: heavy $accent;
    }
    """

    class Changed(Message):
        """The pixels changed; `canvas` is a copy (28×28 float32 in [0, 1])."""

        def __init__(self, draw_canvas: "DrawCanvas", canvas: np.ndarray):
            super().__init__()
            self.draw_canvas = draw_canvas
            self.canvas = canvas

        @property
        def control(self) -> "DrawCanvas":
            return self.draw_canvas

        def can_replace(self, message: Message) -> bool:
            # Only the newest picture matters: queued changes collapse into one redraw and prediction.
            return isinstance(message, DrawCanvas.Changed) and message.draw_canvas is self.draw_canvas

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.canvas = np.zeros((SIDE, SIDE), np.float32)
        self.cursor = Offset(SIDE // 2, ROWS // 2)
        self.pen_down = False
        self.history: list[np.ndarray] = []  # the canvas before each stroke, newest last
        self._cells: tuple[np.ndarray, np.ndarray] | None = None  # (upper, lower) greys, rebuilt on change
        self._dragging = False
        self._last: tuple[float, float] | None = None  # the previous point of the stroke being drawn
        self.border_title = "draw"
        self._show_pen()

    # drawing

    def begin_stroke(self) -> None:
        self.history.append(self.canvas.copy())
        del self.history[:-HISTORY]

    def paint_to(self, cell: Offset) -> None:
        """Continue the current stroke to `cell` (or start it with a dab)."""
        point = cell_point(cell)
        if self._last is None:
            stamp(self.canvas, *point)
        else:
            line(self.canvas, *self._last, *point)
        self._last = point
        self._changed()

    def _changed(self) -> None:
        self._cells = None
        self.refresh()
        self.post_message(self.Changed(self, self.canvas.copy()))

    def _show_pen(self) -> None:
        self.border_subtitle = "pen DOWN" if self.pen_down else "pen up"

    def _lift(self) -> None:
        self.pen_down = False
        self._last = None
        self._show_pen()

    def _clamp(self, cell: Offset) -> Offset:
        return Offset(min(max(cell.x, 0), SIDE - 1), min(max(cell.y, 0), ROWS - 1))

    # keyboard

    def action_move(self, dx: int, dy: int) -> None:
        self.cursor = self._clamp(self.cursor + (dx, dy))
        if self.pen_down:
            self.paint_to(self.cursor)
        else:
            self.refresh()

    def action_dot(self) -> None:
        self._lift()
        self.begin_stroke()
        self.paint_to(self.cursor)
        self._last = None

    def action_pen(self, down: bool | None = None) -> None:
        down = not self.pen_down if down is None else down
        if down == self.pen_down:
            return
        if down:
            self.pen_down = True
            self._show_pen()
            self.begin_stroke()
            self.paint_to(self.cursor)
        else:
            self._lift()
            self.refresh()

    def action_undo(self) -> None:
        self._lift()
        if not self.history:
            self.app.bell()
            return
        self.canvas = self.history.pop()
        self._changed()

    def action_clear(self) -> None:
        self._lift()
        if not self.canvas.any():
            return
        self.begin_stroke()  # a clear can be undone too
        self.canvas = np.zeros_like(self.canvas)
        self._changed()

    # mouse

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = event.get_content_offset(self)
        if offset is None or event.button != 1:
            return
        event.stop()
        self._lift()
        self._dragging = True
        self.capture_mouse()
        self.cursor = self._clamp(offset)
        self.begin_stroke()
        self.paint_to(offset)  # not clamped: the stroke follows the mouse, the canvas keeps what falls inside

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = event.get_content_offset_capture(self)
        if cell_point(offset) == self._last:
            return
        self.cursor = self._clamp(offset)
        self.paint_to(offset)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self.release_mouse()
            self._end_drag()

    def on_mouse_release(self, event: events.MouseRelease) -> None:
        self._end_drag()

    def _end_drag(self) -> None:
        if self._dragging:
            self._dragging = False
            self._last = None

    # rendering

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return SIDE

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return ROWS

    def render_line(self, y: int) -> Strip:
        if self._cells is None:
            self._cells = half_block_cells(self.canvas)
        upper, lower = self._cells
        if y >= ROWS:  # (a style on every segment: Textual's NO_COLOR filter needs one)
            return Strip.blank(self.size.width, self.rich_style)
        top, bottom = upper[y], lower[y]
        # runs of equal cells share one segment; the cursor's cell is a run of its own
        codes = top.astype(np.int32) * 256 + bottom
        starts = set((np.flatnonzero(np.diff(codes)) + 1).tolist())
        cursor_here = self.has_focus and y == self.cursor.y
        if cursor_here:
            starts |= {self.cursor.x, self.cursor.x + 1}
        bounds = sorted(starts | {0, SIDE})
        segments = []
        for start, end in zip(bounds[:-1], bounds[1:], strict=True):
            if start >= SIDE:
                break
            a, b = int(top[start]), int(bottom[start])
            if cursor_here and start == self.cursor.x:
                segments.append(Segment(PEN_GLYPH[self.pen_down], cursor_style(a, b)))
            else:
                segments.append(Segment("▀" * (end - start), cell_style(a, b)))
        return Strip(segments, SIDE).adjust_cell_length(self.size.width, self.rich_style)
