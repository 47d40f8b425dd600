"""`MistakesScreen`: one model's errors on the test set, the most confident first.

Each card shows the true class, the model's wrong answer and its confidence, and below it what
the run's other models said (in the order the bar lists them; ✓ where they were right). `m`
cycles the model, `enter` opens a mistake's details.
"""

import numpy as np
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from digits.tui.lab import Lab
from digits.tui.screens.base import LabScreen
from digits.tui.screens.detail import DetailScreen
from digits.tui.widgets.digit_grid import DigitGrid


def mistakes(lab: Lab, model: str) -> np.ndarray:
    """Indices of `model`'s errors, most confident first (ties by index)."""
    view = lab.views[model]
    wrong = np.flatnonzero(~view.correct)
    return wrong[np.argsort(-view.confidence[wrong], kind="stable")]


class MistakesScreen(LabScreen):
    CSS_PATH = "browse.tcss"
    BINDINGS = [
        Binding("m", "cycle_model(1)", "Model"),
        Binding("M", "cycle_model(-1)", "Model back", show=False),  # shift+m arrives as "M"
    ]

    def __init__(self):
        super().__init__()
        self.model: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="filter-bar")
        yield DigitGrid(caption_lines=2, id="grid")
        yield Static(id="browse-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DigitGrid).focus()
        if self.app.lab is None:
            self.query_one("#browse-status", Static).update("no run loaded: press 1 to open one")

    def show_lab(self, lab: Lab) -> None:
        self.model = lab.model_names[0] if lab.model_names else None
        self.draw()

    def action_cycle_model(self, step: int) -> None:
        lab = self.app.lab
        if lab is not None and lab.model_names:
            names = lab.model_names
            self.model = names[(names.index(self.model) + step) % len(names)]
            self.draw()

    def draw(self) -> None:
        lab, grid = self.app.lab, self.query_one(DigitGrid)
        bar = self.query_one("#filter-bar", Static)
        if self.model is None:
            bar.update("this run has no models: open a run with models (1) to see its mistakes")
            grid.show(lab.images, np.zeros(0, dtype=np.int64), lambda i: ("", False))
            return
        view = lab.views[self.model]
        others = [name for name in lab.model_names if name != self.model]
        wrong = mistakes(lab, self.model)

        def caption(index: int) -> tuple[str, bool]:
            label, guess = int(lab.labels[index]), int(view.predicted[index])
            said = "".join(f"{int(lab.views[o].predicted[index])}{'✓' if lab.views[o].correct[index] else ' '}"
                           for o in others)
            return f"{label}→[b]{guess}[/b] {view.confidence[index]:4.0%}\n[dim]{said}[/dim]", False

        grid.show(lab.images, wrong, caption, 0)
        order = ", ".join(lab.short(o) for o in others) if others else "none"
        bar.update(f"[@click=screen.cycle_model(1)][b]{escape(lab.short(self.model))}[/b]'s mistakes[/] "
                   f"({len(wrong):,}) · below: {escape(order)}")

    def on_digit_grid_moved(self, message: DigitGrid.Moved) -> None:
        lab = self.app.lab
        if lab is None or self.model is None:
            return
        if message.index is None:
            text = f"{self.model} makes no mistakes on the test set"
        else:
            index = message.index  # from the message: the grid may have moved on since
            view = lab.views[self.model]
            text = (f"{message.first + 1}–{message.first + message.shown} of {message.total:,} · #{index}: "
                    f"a {int(lab.labels[index])}, {self.model} says {int(view.predicted[index])} "
                    f"({view.confidence[index]:.0%}) · enter: details")
        self.query_one("#browse-status", Static).update(text, layout=False)

    def on_digit_grid_selected(self, message: DigitGrid.Selected) -> None:
        self.app.push_screen(DetailScreen(self.app.lab, message.index, self.query_one(DigitGrid).indices))
