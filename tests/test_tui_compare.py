"""The Compare screen (4): the numbers it shows are the models' own, keys pick the two models
compared, and every kind of run opens."""

import re

import numpy as np
import pytest
from tui_support import lab_app, show_screen, text_of

from digits.core.runs.inspection import confusion_matrix
from digits.tui.widgets.class_bars import ClassBars
from digits.tui.widgets.confusion import AgreementGrid, ConfusionGrid


def grid_values(text: str) -> np.ndarray:
    """The 10×10 numbers of a confusion grid's text ("·" is 0), header line dropped."""
    rows = [line.split()[1:] for line in text.splitlines()[1:]]
    return np.array([[0 if cell == "·" else int(cell) for cell in row] for row in rows])


async def test_table_lists_every_models_accuracy(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "subliminal")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "4")
        screen = app.screen
        table = text_of(screen.query_one("#compare-models"))
        assert len(app.lab.model_names) == 6
        for name, view in app.lab.views.items():
            shown = re.search(rf"^[\sLR]*\b{name}\s+(\d+\.\d\d)%", table, re.MULTILINE)
            assert shown, name
            assert shown.group(1) == f"{100 * view.accuracy:.2f}"
        assert "control: aux, different init" in table
        pair = text_of(screen.query_one("#compare-pair"))
        assert "teacher" in pair and "student" in pair
        assert f"{app.lab.views['teacher'].accuracy:.2%}" in pair


async def test_confusion_cells_are_row_percentages_and_counts(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "subliminal")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "4")
        lab = app.lab
        counts = {name: confusion_matrix(lab.labels, lab.views[name].predicted) for name in ("teacher", "student")}
        for side, name in (("left", "teacher"), ("right", "student")):
            grid = app.screen.query_one(f"#confusion-{side}", ConfusionGrid)
            assert grid.numbers() == "%"  # 80 columns: two grids of 3-character cells
            rates = np.rint(100 * counts[name] / counts[name].sum(axis=1, keepdims=True)).astype(int)
            np.testing.assert_array_equal(grid_values(text_of(grid)), rates)
        assert "% of the row" in text_of(app.screen.query_one("#compare-confusion-legend"))
        await pilot.press("c")  # counts do not fit in 80 columns: said so, % kept
        await pilot.pause()
        assert "wider terminal" in text_of(app.screen.query_one("#compare-confusion-legend"))

        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        for side, name in (("left", "teacher"), ("right", "student")):
            grid = app.screen.query_one(f"#confusion-{side}", ConfusionGrid)
            assert grid.numbers() == "counts"
            np.testing.assert_array_equal(grid_values(text_of(grid)), counts[name])


async def test_agreement_is_the_share_of_equal_predictions(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "subliminal")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "4")
        lines = text_of(app.screen.query_one("#compare-agreement", AgreementGrid)).splitlines()
        names = app.lab.model_names
        assert len(lines) == 1 + len(names)
        for i, line in enumerate(lines[1:]):
            cells = line.split()[1:]
            for j, cell in enumerate(cells):
                if i == j:
                    assert cell == "—"
                    continue
                same = np.mean(app.lab.views[names[i]].predicted == app.lab.views[names[j]].predicted)
                assert cell == f"{100 * same:.1f}", (names[i], names[j])


async def test_distill_marks_and_scores_the_omitted_class(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "distill")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "4")
        lab = app.lab
        assert lab.omitted == (3,)
        table = text_of(app.screen.query_one("#compare-models"))
        assert "on 3*" in table
        threes = lab.labels == 3
        for name, view in lab.views.items():
            row = next(line for line in table.splitlines() if f" {name} " in line)
            assert f"{view.accuracy:.2%}" in row and f"{view.correct[threes].mean():.2%}" in row
        bars = text_of(app.screen.query_one(ClassBars)).splitlines()
        assert bars[1 + 3].split()[0] == "3*" and bars[1 + 2].split()[0] == "2"
        per_class = [lab.views["student"].correct[lab.labels == c].mean() for c in range(10)]
        assert all(f"{acc:.1%}" in bars[1 + c] for c, acc in enumerate(per_class))
        assert "3: never seen" in text_of(app.screen.query_one("#compare-classes-title"))
        grid = text_of(app.screen.query_one("#confusion-left", ConfusionGrid)).splitlines()
        assert "3*" in grid[0] and grid[1 + 3].startswith("3*")


async def test_keys_cycle_and_swap_the_models(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, "subliminal")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "4")
        screen = app.screen
        names = app.lab.model_names

        def pair():
            return names[screen.left], names[screen.right]

        def titles():
            return [text_of(screen.query_one(f"#confusion-{side}-title")).split()[1] for side in ("left", "right")]

        assert pair() == ("teacher", "student")
        await pilot.press("b")
        assert pair() == ("teacher", "untrained")
        await pilot.press("a")  # the left model skips the right one
        assert pair() == ("student", "untrained")
        await pilot.press("A")
        assert pair() == ("teacher", "untrained")
        await pilot.press("B", "B")  # back past student (skipping teacher) to the last model
        assert pair() == ("teacher", "all_different_init")
        await pilot.press("s")
        await pilot.pause()
        assert pair() == ("all_different_init", "teacher")
        assert titles() == ["all_different_init", "teacher"]
        counts = confusion_matrix(app.lab.labels, app.lab.views["all_different_init"].predicted)
        rates = np.rint(100 * counts / counts.sum(axis=1, keepdims=True)).astype(int)
        np.testing.assert_array_equal(grid_values(text_of(screen.query_one("#confusion-left"))), rates)
        bars = text_of(screen.query_one(ClassBars)).splitlines()
        assert bars[0].split()[1:3] == ["all_different_init", "teacher"]


async def test_without_a_run_it_says_so(mnist, tui_runs):
    app = lab_app(mnist, tui_runs, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "4")
        assert "No run loaded" in text_of(app.screen.query_one("#compare-pair"))
        await pilot.press("a", "b", "s", "c")  # no models: nothing happens, no error


@pytest.mark.parametrize("task", ["baseline", "subliminal", "distill"])
async def test_every_fixture_run_opens(mnist, tui_runs, task):
    app = lab_app(mnist, tui_runs, task)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_screen(app, pilot, "4")
        screen = app.screen
        assert type(screen).__name__ == "CompareScreen"
        single = task == "baseline"
        assert screen.query_one("#confusion-right-box").display is not single
        assert screen.query_one("#compare-agreement-box").display is not single
        pair = text_of(screen.query_one("#compare-pair"))
        assert ("vs" not in pair.split()) is single
        if single:
            assert "one model" in pair
            await pilot.press("a", "s")  # nothing to cycle: no error
            assert screen.left == 0
        await pilot.press("end")
        await pilot.pause()
        assert screen.query_one("#compare-body").scroll_y > 0  # taller than 24 rows: it scrolls


def test_compare_snapshot(mnist, tui_runs, snap_compare, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)  # the shades and bars in colour

    async def run_before(pilot):
        await show_screen(pilot.app, pilot, "4")

    assert snap_compare(lab_app(mnist, tui_runs, "distill"), terminal_size=(80, 24), run_before=run_before)
