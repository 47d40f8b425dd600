"""Browse, Mistakes, the detail panel, the run picker and the app's navigation, driven by Textual pilots."""

import numpy as np
import pytest
from textual.worker import WorkerCancelled

from digits.tui.app import DigitsApp
from digits.tui.browse_filter import BrowseFilter
from digits.tui.screens.detail import DetailScreen
from digits.tui.screens.mistakes import mistakes
from digits.tui.widgets.digit_grid import DigitGrid


async def opened(app, pilot):
    for _ in range(3):  # a load replaced by a later one ends as cancelled: wait for the rest
        try:
            await app.workers.wait_for_complete()
            break
        except WorkerCancelled:
            continue
    await pilot.pause()
    return app.lab


def shown_indices(app) -> list[int]:
    grid = app.screen.query_one(DigitGrid)
    return [int(grid.indices[position]) for position in grid.visible_positions()]


def status(app) -> str:
    return str(app.screen.query_one("#browse-status").render())


@pytest.mark.parametrize("task", ["baseline", "subliminal", "distill"])
async def test_browse_opens_every_kind_of_run(mnist, tui_runs, task):
    root, ids = tui_runs
    app = DigitsApp(mnist, root, run=ids[task])
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await opened(app, pilot)
        assert app.current_mode == "browse"
        assert lab.info["run_id"] == ids[task]
        first = lab.model_names[0]
        assert first == {"baseline": "model", "subliminal": "teacher", "distill": "teacher"}[task]
        shown = shown_indices(app)
        assert shown == list(range(len(shown))) and len(shown) >= 10  # 5 × 2 cards at 80×24, by index
        assert f"accuracy {lab.views[first].accuracy:.2%}" in status(app)


async def test_filters_sort_and_paging(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root, run=ids["subliminal"])
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await opened(app, pilot)
        teacher = lab.views["teacher"]
        await pilot.press("w")  # wrong only
        wrong = np.flatnonzero(~teacher.correct)
        assert shown_indices(app) and shown_indices(app) == wrong[: len(shown_indices(app))].tolist()
        assert f"of {len(wrong):,}" in status(app)
        await pilot.press("t", "t", "t", "t")  # true class 3
        expected = np.flatnonzero(~teacher.correct & (lab.labels == 3))
        assert shown_indices(app) and shown_indices(app) == expected[: len(shown_indices(app))].tolist()
        await pilot.press("T")  # shift+t: one class back
        expected = np.flatnonzero(~teacher.correct & (lab.labels == 2))
        assert shown_indices(app) and shown_indices(app) == expected[: len(shown_indices(app))].tolist()
        kept = app.screen.query_one(DigitGrid).selected_index
        await pilot.press("x", "s")  # clear filters, sort by confidence: the cursor stays on its digit
        assert app.screen.query_one(DigitGrid).selected_index == kept
        order = np.argsort(-teacher.confidence, kind="stable")
        k = int(np.flatnonzero(order == shown_indices(app)[0])[0])
        assert shown_indices(app) == order[k: k + len(shown_indices(app))].tolist()
        await pilot.press("home")
        page = shown_indices(app)
        assert page == order[: len(page)].tolist()
        await pilot.press("pagedown")
        assert shown_indices(app) == order[len(page): 2 * len(page)].tolist()
        await pilot.press("end")
        assert app.screen.query_one(DigitGrid).selected_index == int(order[-1])
        assert f"of {len(lab.labels):,}" in status(app)


async def test_model_filter_and_no_match(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root, run=ids["subliminal"])
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await opened(app, pilot)
        student = lab.views["student"]
        common = int(np.bincount(student.predicted, minlength=10).argmax())
        await pilot.press("m", *["p"] * (common + 1))  # student, predicted: its most frequent answer
        expected = np.flatnonzero(student.predicted == common)
        assert shown_indices(app) and shown_indices(app) == expected[: len(shown_indices(app))].tolist()
        screen = app.screen
        screen.filter = BrowseFilter(model="teacher", true=1, predicted=1, show="wrong")
        screen.apply()
        await pilot.pause()
        assert shown_indices(app) == []
        assert "no digit passes these filters" in status(app)


async def test_detail_panel_shows_every_model(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root, run=ids["subliminal"])
    async with app.run_test(size=(100, 40)) as pilot:
        lab = await opened(app, pilot)
        await pilot.press("right", "right", "enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.index == 2
        summary = str(app.screen.query_one("#detail-summary").render())
        for name, view in lab.views.items():
            guess = int(view.predicted[2])
            assert f"{lab.short(name)}" in summary
            assert f"{guess} {view.probs[2, guess]:.0%}" in summary
        await pilot.press("right")
        assert app.screen.index == 3
        await pilot.press("escape")
        assert app.current_mode == "browse" and not isinstance(app.screen, DetailScreen)


async def test_mistakes_most_confident_first(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root, run=ids["distill"])
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await opened(app, pilot)
        await pilot.press("3")
        assert app.current_mode == "mistakes"
        teacher = lab.views["teacher"]
        wrong = mistakes(lab, "teacher")
        assert not teacher.correct[wrong].any() and len(wrong) == (~teacher.correct).sum()
        assert np.all(np.diff(teacher.confidence[wrong]) <= 0)
        assert shown_indices(app) and shown_indices(app) == wrong[: len(shown_indices(app))].tolist()
        await pilot.press("m")  # student
        assert shown_indices(app)[0] == mistakes(lab, "student")[0]
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.index == mistakes(lab, "student")[0]


async def test_run_picker_opens_a_run_and_dataset_alone(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.current_mode == "runs"
        summary = str(app.screen.query_one("#run-summary").render())
        assert ids["distill"] in summary  # newest first
        await pilot.press("down", "enter")
        lab = await opened(app, pilot)
        assert app.current_mode == "browse" and lab.info["run_id"] == ids["subliminal"]
        await pilot.press("1", "d")
        lab = await opened(app, pilot)
        assert lab.info is None and lab.views == {}
        assert "#0" in status(app) and "says" not in status(app)


async def test_keys_in_one_batch_and_reopening_runs(mnist, tui_runs):
    """A filter key arriving with `end` (stale cursor messages), reopening the loaded run, and two
    loads in a row (the later wins)."""
    from digits.core.runs.inspection import find_run

    root, ids = tui_runs
    app = DigitsApp(mnist, root, run=ids["subliminal"])
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await opened(app, pilot)
        screen = app.screen
        screen.query_one(DigitGrid).action_jump(-1)
        screen.action_cycle("true")  # before the grid's Moved message for `end` is handled
        await pilot.pause()
        assert shown_indices(app)[0] == int(np.flatnonzero(lab.labels == 0)[0])
        app.open_run(find_run(root, ids["subliminal"]))  # the run already open
        reopened = await opened(app, pilot)
        assert reopened is not lab and reopened.info["run_id"] == ids["subliminal"]
        app.open_run(find_run(root, ids["subliminal"]))
        app.open_run(find_run(root, ids["baseline"]))
        lab = await opened(app, pilot)
        assert lab.info["run_id"] == ids["baseline"] and app.current_mode == "browse"


async def test_empty_runs_dir_offers_a_quick_baseline(mnist, tmp_path):
    app = DigitsApp(mnist, tmp_path / "none")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#no-runs").display
        assert "No runs yet" in str(app.screen.query_one("#no-runs-text").render())


async def test_unknown_run_falls_back_to_the_picker(mnist, tui_runs):
    root, _ = tui_runs
    app = DigitsApp(mnist, root, run="nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.current_mode == "runs"


async def test_help_and_quit(mnist, tui_runs):
    root, ids = tui_runs
    app = DigitsApp(mnist, root, run=ids["baseline"])
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(app, pilot)
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape", "q")
    assert app.return_code == 0


def test_browse_snapshot(snap_compare, mnist, tui_runs, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    root, ids = tui_runs

    async def ready(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("w", "right")

    assert snap_compare(DigitsApp(mnist, root, run=ids["subliminal"]), terminal_size=(80, 24), run_before=ready)


def test_detail_snapshot(snap_compare, mnist, tui_runs, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    root, ids = tui_runs

    async def ready(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("3", "enter")

    assert snap_compare(DigitsApp(mnist, root, run=ids["distill"]), terminal_size=(80, 24), run_before=ready)


async def test_graphics_mode_pages_a_pool_of_image_cards(mnist, tui_runs):
    """With Sixel the grid is a pool of card widgets, each a textual-image widget, rebound on paging."""
    from digits.tui.widgets.digit_grid import DigitCard

    root, ids = tui_runs
    app = DigitsApp(mnist, root, run=ids["baseline"], render_mode="sixel")
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await opened(app, pilot)
        grid = app.screen.query_one(DigitGrid)
        await pilot.press("pagedown")
        cards = [card for card in grid.query(DigitCard) if card.display]
        assert len(cards) == grid.cols * grid.rows == 10
        assert [card.position for card in cards] == grid.visible_positions() == list(range(10, 20))
        assert all(np.array_equal(card.image, lab.images[10 + i]) for i, card in enumerate(cards))
        assert all(card._graphic is not None and card._graphic.image is not None for card in cards)
