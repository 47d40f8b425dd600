"""`BrowseScreen`: the 10,000 test digits through the eyes of the run's models.

A virtualised grid (`DigitGrid`) of the digits that pass the filters (true class, predicted
class, right/wrong for one model), sorted by index, confidence or loss. Every setting is a key
and a clickable item of the filter bar. `enter` opens the digit's details: every model's
probabilities side by side.
"""

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from digits.tui.browse_filter import BrowseFilter
from digits.tui.lab import Lab
from digits.tui.screens.base import LabScreen
from digits.tui.screens.detail import DetailScreen
from digits.tui.widgets.digit_grid import DigitGrid


class BrowseScreen(LabScreen):
    CSS_PATH = "browse.tcss"
    BINDINGS = [
        Binding("w", "cycle('show')", "Wrong/right"),
        Binding("t", "cycle('true')", "True class"),
        Binding("p", "cycle('predicted')", "Predicted"),
        Binding("s", "cycle('sort')", "Sort"),
        Binding("m", "cycle('model')", "Model"),
        # Shift+letter arrives as the capital letter in every terminal.
        Binding("T", "cycle('true', -1)", "True class back", show=False),
        Binding("P", "cycle('predicted', -1)", "Predicted back", show=False),
        Binding("x", "clear", "Clear filters"),
    ]

    def __init__(self):
        super().__init__()
        self.filter = BrowseFilter()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="filter-bar")
        yield DigitGrid(id="grid")
        yield Static(id="browse-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DigitGrid).focus()
        if self.app.lab is None:
            self.query_one("#browse-status", Static).update("no run loaded: press 1 to pick one (or d there "
                                                            "for the test set alone)")

    def show_lab(self, lab: Lab) -> None:
        self.filter = BrowseFilter(model=lab.model_names[0] if lab.model_names else None)
        self.apply(cursor=0)

    def apply(self, cursor: int | None = None) -> None:
        lab = self.app.lab
        if lab is None:
            return
        grid = self.query_one(DigitGrid)
        keep = grid.selected_index
        indices = self.filter.indices(lab)
        if cursor is None:  # stay on the same digit if it is still shown
            hits = (indices == keep).nonzero()[0] if keep is not None else []
            cursor = int(hits[0]) if len(hits) else 0
        view = lab.views.get(self.filter.model) if self.filter.model else None

        def caption(index: int) -> tuple[str, bool]:
            label = int(lab.labels[index])
            if view is None:
                return f"#{index:<5} [b]{label}[/b]", False
            guess = int(view.predicted[index])
            if guess == label:
                return f"#{index:<5} {label}→{guess} ✓", False
            return f"#{index:<5} {label}→[b]{guess}[/b] ✗", True

        grid.show(lab.images, indices, caption, cursor)
        bar = " · ".join(f"[@click=screen.cycle('{field}')]{escape(text)}[/]"
                        for field, text in self.filter.describe() if field != "model" or view is not None)
        self.query_one("#filter-bar", Static).update(bar, layout=False)

    def action_cycle(self, field: str, step: int = 1) -> None:
        if self.app.lab is not None:
            self.filter = self.filter.cycled(field, self.app.lab, step)
            self.apply()

    def action_clear(self) -> None:
        self.filter = BrowseFilter(model=self.filter.model, sort=self.filter.sort)
        self.apply()

    def on_digit_grid_moved(self, message: DigitGrid.Moved) -> None:
        lab = self.app.lab
        if lab is None:
            return
        if message.index is None:
            text = "no digit passes these filters (x clears them)"
        else:
            index = message.index  # from the message: the grid may have moved on since
            text = (f"{message.first + 1}–{message.first + message.shown} of {message.total:,} · "
                    f"#{index}: a {int(lab.labels[index])}")
            view = lab.views.get(self.filter.model) if self.filter.model else None
            if view is not None:
                text += (f" · {view.name} says {int(view.predicted[index])} ({view.confidence[index]:.0%})"
                         f" · accuracy {view.accuracy:.2%}")
        self.query_one("#browse-status", Static).update(text, layout=False)

    def on_digit_grid_selected(self, message: DigitGrid.Selected) -> None:
        self.app.push_screen(DetailScreen(self.app.lab, message.index, self.query_one(DigitGrid).indices))
