"""The Inside screen (6): first-layer units as pictures, the cosines and moves shown beside them
are numpy's, keys change the unit and the models, and every kind of run opens."""

import re

import numpy as np
import pytest
from tui_support import lab_app, show_screen, text_of

from digits.tui.widgets.weights import UnitGrid, WeightImage, diverging, legend


def first_layer(app, name: str) -> np.ndarray:
    return app.lab.nets[name][0].layers[0].W


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def number_after(label: str, text: str) -> str:
    found = re.search(rf"{re.escape(label)}\s+([+-]?\d+\.\d+%?)", text)
    assert found, (label, text)
    return found.group(1)


async def test_cosines_and_moves_are_numpys(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "subliminal")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "6")
        screen = app.screen
        T, S, W0 = (first_layer(app, name) for name in ("teacher", "student", "untrained"))
        for unit in (0, 1):
            stats = text_of(screen.query_one("#inside-stats"))
            assert "cos(L, R)" in stats
            assert number_after(f"unit {unit}", stats) == f"{cosine(T[:, unit], S[:, unit]):+.3f}"
            moves = re.search(r"L\s+(\d+\.\d)%\s+(\d+\.\d)%\nR\s+(\d+\.\d)%\s+(\d+\.\d)%", stats)
            assert moves, stats
            for model, (unit_move, layer_move) in ((T, moves.group(1, 2)), (S, moves.group(3, 4))):
                w, w0 = model[:, unit], W0[:, unit]
                assert unit_move == f"{100 * np.linalg.norm(w - w0) / np.linalg.norm(w0):.1f}"
                assert layer_move == f"{100 * np.linalg.norm(model - W0) / np.linalg.norm(W0):.1f}"
            delta = stats[stats.index("cos(ΔL, ΔR)"):]
            moved_alike = cosine(T[:, unit] - W0[:, unit], S[:, unit] - W0[:, unit])
            assert number_after(f"unit {unit}", delta) == f"{moved_alike:+.3f}"
            mean = np.mean([cosine(T[:, j] - W0[:, j], S[:, j] - W0[:, j]) for j in range(T.shape[1])])
            assert number_after("mean", delta) == f"{mean:+.3f}"
            await pilot.press("n")
            await pilot.pause()


async def test_keys_change_the_unit(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "subliminal")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "6")
        screen = app.screen
        T, S = first_layer(app, "teacher"), first_layer(app, "student")
        left = screen.query_one("#inside-left-image", WeightImage)
        right = screen.query_one("#inside-right-image", WeightImage)

        async def unit_after(*keys) -> int:
            await pilot.press(*keys)
            await pilot.pause()
            shown = int(re.search(r"unit (\d+) of 32", text_of(screen.query_one("#inside-pair"))).group(1))
            assert shown == screen.unit
            np.testing.assert_array_equal(left.weights, T[:, shown].reshape(28, 28))
            np.testing.assert_array_equal(right.weights, S[:, shown].reshape(28, 28))
            return shown

        assert await unit_after() == 0
        assert await unit_after("n", "n") == 2
        assert await unit_after("p") == 1
        assert await unit_after("right") == 2
        assert await unit_after("left", "left", "left") == 31  # wraps around
        columns = screen.query_one(UnitGrid).columns()
        assert columns == 5  # 14-column thumbnails in 80 columns
        assert await unit_after("down") == (31 + columns) % 32
        assert await unit_after("up") == 31
        grid = text_of(screen.query_one(UnitGrid))
        assert "▶ 31 ◀" in grid and "▶" not in grid.replace("▶ 31 ◀", "")


async def test_models_cycle_and_controls_are_explained(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "subliminal")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "6")
        screen = app.screen
        assert [app.lab.model_names[i] for i in (screen.left, screen.right)] == ["teacher", "student"]
        await pilot.press("b", "b")  # student -> untrained -> aux_different_init
        await pilot.pause()
        assert screen.shown == ["teacher", "aux_different_init"]
        assert "other init" in text_of(screen.query_one("#inside-stats"))
        assert "aux_different_init started from other random weights" in text_of(screen.query_one("#inside-note"))
        assert "R  aux_different_init" in text_of(screen.query_one("#inside-right-title"))
        np.testing.assert_array_equal(screen.query_one("#inside-right-image", WeightImage).weights,
                                      first_layer(app, "aux_different_init")[:, 0].reshape(28, 28))
        await pilot.press("g")  # the grid shows the right model's units
        await pilot.pause()
        assert text_of(screen.query_one("#inside-grid-title")).startswith("aux_different_init:")
        await pilot.press("s", "a")
        await pilot.pause()
        assert screen.shown == ["all_same_init", "teacher"]


async def test_delta_shows_the_change_since_the_initial_weights(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "subliminal")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "6")
        screen = app.screen
        W0 = first_layer(app, "untrained")
        await pilot.press("n", "d")
        await pilot.pause()
        left = screen.query_one("#inside-left-image", WeightImage)
        np.testing.assert_allclose(left.weights, (first_layer(app, "teacher") - W0)[:, 1].reshape(28, 28))
        assert "Δ = W − W₀" in text_of(screen.query_one("#inside-left-title"))
        await pilot.press("b")  # the untrained model itself: no change to draw
        await pilot.pause()
        right = screen.query_one("#inside-right-image", WeightImage)
        assert right.weights is None and "no change" in right.message


async def test_models_of_different_widths_get_no_cosine(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "distill")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "6")
        screen = app.screen
        assert first_layer(app, "teacher").shape[1] == 64 and first_layer(app, "student").shape[1] == 32
        stats = text_of(screen.query_one("#inside-stats"))
        assert "don't" in stats and "correspond" in stats and "cos" not in stats.replace("cosine", "")
        assert "unit 0 of 64" in text_of(screen.query_one("#inside-pair"))
        await pilot.press("p")  # unit 63: the teacher has it, the student does not
        await pilot.pause()
        np.testing.assert_array_equal(screen.query_one("#inside-left-image", WeightImage).weights,
                                      first_layer(app, "teacher")[:, 63].reshape(28, 28))
        right = screen.query_one("#inside-right-image", WeightImage)
        assert right.weights is None and "32 units" in right.message
        await pilot.press("d")  # no initial weights in a distill run: nothing happens
        await pilot.pause()
        assert screen.delta is False


async def test_without_a_run_it_says_so(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "6")
        assert "No run loaded" in text_of(app.screen.query_one("#inside-pair"))
        await pilot.press("a", "b", "s", "n", "down", "d", "g")  # no models: nothing happens, no error


@pytest.mark.parametrize("task", ["baseline", "subliminal", "distill"])
async def test_every_fixture_run_opens(mnist, tui_runs, task):
    app = lab_app(mnist, tui_runs, task)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "6")
        screen = app.screen
        assert type(screen).__name__ == "InsideScreen"
        assert screen.query_one("#inside-right").display is (task != "baseline")
        # The pictures, the numbers and the legend fit in 80×24 without scrolling.
        visible = "\n".join(strip.text for strip in screen._compositor.render_strips())
        assert legend(True) in visible  # NO_COLOR in the tests: the grey scale is explained
        assert visible.count("▀" * 28) == (14 if task == "baseline" else 28)
        if task == "baseline":
            assert "one model" in text_of(screen.query_one("#inside-pair"))
            await pilot.press("a", "b", "g")  # nothing to cycle: no error
            assert screen.shown == ["model"]


def test_diverging_palette_is_symmetric_and_grey_is_monotonic():
    values = np.array([[-2.0, -1.0, 0.0, 1.0, 2.0]])
    colour, grey = diverging(values), diverging(values, grey=True)
    np.testing.assert_array_equal(colour[0, 2], [0, 0, 0])  # 0 is black
    assert colour[0, 0, 2] > colour[0, 0, 0] and colour[0, 4, 0] > colour[0, 4, 2]  # blue −, orange +
    assert (np.abs(2 * colour[0, 1].astype(int) - colour[0, 0]) <= 1).all()  # max|w| sets the scale
    assert (np.diff(grey[0, :, 0].astype(int)) > 0).all() and grey[0, 2, 0] == 128


def test_inside_snapshot(mnist, tui_runs, snap_compare, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)  # the diverging palette in colour

    async def run_before(pilot):
        await show_screen(pilot.app, pilot, "6")

    assert snap_compare(lab_app(mnist, tui_runs, "subliminal"), terminal_size=(80, 24), run_before=run_before)
