"""The Draw screen (7): mouse and keyboard drawing, undo/clear, live predictions of every model."""

import numpy as np
import pytest
from textual.widgets import Static

from digits.core.runs.inspection import find_run
from digits.imaging.mnist_style import line, preprocess, stamp
from digits.tui.app import DigitsApp
from digits.tui.widgets.canvas import DrawCanvas
from digits.tui.widgets.digit import DigitImage

SIZE = (80, 24)


def point(x: int, y: int) -> tuple[float, float]:
    """Where the canvas paints for cell (x, y): the column's centre, between the cell's two pixels."""
    return x + 0.5, 2 * y + 1.0


def strokes(*paths: list[tuple[int, int]]) -> np.ndarray:
    """The canvas expected after drawing each path of cells as one stroke."""
    canvas = np.zeros((28, 28), np.float32)
    for path in paths:
        stamp(canvas, *point(*path[0]))
        for a, b in zip(path, path[1:], strict=False):
            line(canvas, *point(*a), *point(*b))
    return canvas


async def open_draw(pilot, run: str | None = None) -> tuple[DrawCanvas, Static]:
    """The Draw screen, with `run` loaded straight into it (other screens are not involved)."""
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    if run is not None:
        app.open_run(find_run(app.runs_root, run), then="draw")
        await app.workers.wait_for_complete()
        await pilot.pause()
    else:
        await pilot.press("7")
        await pilot.pause()
    assert app.current_mode == "draw"
    return app.screen.query_one(DrawCanvas), app.screen.query_one("#draw-predictions", Static)


async def drag(pilot, canvas: DrawCanvas, path: list[tuple[int, int]]) -> None:
    """Press at the first cell, move through the rest, release (offsets skip the canvas border)."""
    first, *rest = [(x + 1, y + 1) for x, y in path]
    await pilot.mouse_down(canvas, offset=first)
    for offset in rest:
        await pilot.hover(canvas, offset=offset)
    await pilot.mouse_up(canvas, offset=rest[-1] if rest else first)
    await pilot.pause()


def check_predictions(app: DigitsApp, drawn: np.ndarray, panel: Static) -> dict[str, np.ndarray]:
    """The screen shows every model's guess for preprocess(drawn), as the Lab computes it."""
    screen, lab = app.screen, app.lab
    expected = lab.predict(preprocess(drawn))
    assert set(screen.predictions) == set(lab.nets)
    for name, probs in expected.items():
        assert np.allclose(screen.predictions[name], probs, atol=1e-6)
    rows = {row.split()[0]: row for row in panel.content.plain.splitlines() if row.strip()}
    for name, probs in expected.items():
        top = int(np.argmax(probs))
        assert f"{top} ({probs[top]:.0%})" in rows[name]
    return expected


async def test_mouse_strokes_undo_and_clear_on_baseline(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root, run=ids["baseline"])
    async with app.run_test(size=SIZE) as pilot:
        canvas, panel = await open_draw(pilot)
        assert app.screen.predictions is None and "Draw a digit" in panel.content.plain
        assert canvas.has_focus

        stem = [(14, 1), (14, 4), (13, 8), (13, 12)]  # far apart: the stroke must still be unbroken
        await drag(pilot, canvas, stem)
        assert np.array_equal(canvas.canvas, strokes(stem))
        assert (canvas.canvas[3:25, 13:15] > 0.5).any(axis=1).all()  # no gaps between the drag points
        first = check_predictions(app, canvas.canvas, panel)
        seen = app.screen.query_one("#draw-seen-small", DigitImage).image
        assert np.array_equal(seen, preprocess(canvas.canvas))

        bar = [(8, 2), (20, 2)]
        await drag(pilot, canvas, bar)
        assert np.array_equal(canvas.canvas, strokes(stem, bar))
        second = check_predictions(app, canvas.canvas, panel)
        assert not np.allclose(first["model"], second["model"])

        await pilot.press("u")
        await pilot.pause()
        assert np.array_equal(canvas.canvas, strokes(stem))
        assert np.allclose(app.screen.predictions["model"], first["model"])

        await pilot.press("c")
        await pilot.pause()
        assert not canvas.canvas.any() and app.screen.predictions is None
        await pilot.press("ctrl+z")  # a clear can be undone
        await pilot.pause()
        assert np.array_equal(canvas.canvas, strokes(stem))
        check_predictions(app, canvas.canvas, panel)


async def test_drag_outside_the_canvas_keeps_drawing_inside(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root)
    async with app.run_test(size=SIZE) as pilot:
        canvas, panel = await open_draw(pilot, ids["baseline"])
        await drag(pilot, canvas, [(20, 7), (40, 7)])  # the mouse is captured: it ends over the next panel
        assert np.array_equal(canvas.canvas, strokes([(20, 7), (40, 7)]))
        assert canvas.canvas[14:16, 20:].min() == 1
        check_predictions(app, canvas.canvas, panel)


async def test_keyboard_drawing_on_distill_marks_the_omitted_class(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root)
    async with app.run_test(size=SIZE) as pilot:
        canvas, panel = await open_draw(pilot, ids["distill"])
        assert app.lab.omitted == (3,)
        assert "3 left out of the students' transfer set" in panel.content.plain
        start = canvas.cursor
        await pilot.press("space")  # a dot at the cursor
        await pilot.pause()
        dot = [(start.x, start.y)]
        assert np.array_equal(canvas.canvas, strokes(dot))
        check_predictions(app, canvas.canvas, panel)

        await pilot.press("up", "up", "up", "enter", "right", "right", "down", "shift+left", "enter", "right")
        await pilot.pause()
        x, y = start.x, start.y - 3
        # the pen goes down at (x, y) and draws each move; the last `right` comes after it is lifted
        pen = [(x, y), (x + 1, y), (x + 2, y), (x + 2, y + 1), (x - 2, y + 1)]
        assert not canvas.pen_down and canvas.cursor == (x - 1, y + 1)
        assert np.array_equal(canvas.canvas, strokes(dot, pen))
        check_predictions(app, canvas.canvas, panel)

        await pilot.press("u")
        await pilot.pause()
        assert np.array_equal(canvas.canvas, strokes(dot))
        await pilot.press("u", "u")  # the dot; then nothing is left to undo
        await pilot.pause()
        assert not canvas.canvas.any() and app.screen.predictions is None


async def test_every_subliminal_model_gets_a_row(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root)
    async with app.run_test(size=SIZE) as pilot:
        canvas, panel = await open_draw(pilot, ids["subliminal"])
        await drag(pilot, canvas, [(10, 3), (18, 3), (12, 12)])
        expected = check_predictions(app, canvas.canvas, panel)
        assert set(expected) == {"teacher", "student", "untrained", "aux_different_init", "all_same_init",
                                 "all_different_init"}
        assert "left out" not in panel.content.plain


async def test_without_a_run_the_canvas_still_works(mnist, tui_runs):
    root, _ids = tui_runs
    app = DigitsApp(mnist, root)
    async with app.run_test(size=SIZE) as pilot:
        canvas, panel = await open_draw(pilot)
        assert app.lab is None and "Press 1" in panel.content.plain
        await drag(pilot, canvas, [(14, 2), (14, 12)])
        assert np.array_equal(canvas.canvas, strokes([(14, 2), (14, 12)]))
        assert app.screen.predictions is None and "Press 1" in panel.content.plain
        seen = app.screen.query_one("#draw-seen-small", DigitImage).image
        assert np.array_equal(seen, preprocess(canvas.canvas)) and seen.any()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_a_seven(mnist, tui_runs, snap_compare, monkeypatch, size):
    monkeypatch.setenv("NO_COLOR", "1")  # the meaning must survive the monochrome filter
    root, ids = tui_runs

    async def draw_seven(pilot):
        canvas, _panel = await open_draw(pilot, ids["subliminal"])
        await drag(pilot, canvas, [(9, 3), (19, 3), (14, 12)])

    assert snap_compare(DigitsApp(mnist, root), terminal_size=size, run_before=draw_seven)
