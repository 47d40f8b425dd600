"""`DetailScreen`: one test digit up close — large, with every model's probabilities side by side.

Opened from Browse and Mistakes; `left`/`right` step through the digits of the list it was
opened from, `escape` closes it.
"""

import numpy as np
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from digits.tui.lab import Lab
from digits.tui.widgets.digit import DigitImage
from digits.tui.widgets.probabilities import probability_table, top3


class DetailScreen(ModalScreen):
    CSS_PATH = "detail.tcss"
    BINDINGS = [
        Binding("escape,enter", "dismiss", "Close"),
        Binding("left", "step(-1)", "Previous"),
        Binding("right", "step(1)", "Next"),
    ]

    def __init__(self, lab: Lab, index: int, indices: np.ndarray | None = None):
        super().__init__()
        self.lab, self.index = lab, index
        self.indices = indices if indices is not None else np.array([index])

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            with Horizontal(id="detail-top"):
                yield DigitImage(id="detail-digit")
                yield Static(id="detail-summary")
            yield Static(id="detail-bars")
        yield Footer()

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        # Below 100 columns the large digit and the bars do not fit one screen: halve the digit.
        self.query_one(DigitImage).set_small(self.size.width < 100 or self.size.height < 30)

    def draw(self) -> None:
        lab, i = self.lab, self.index
        label = int(lab.labels[i])
        self.query_one(DigitImage).image = lab.images[i]
        where = np.flatnonzero(self.indices == i)
        position = f" ({int(where[0]) + 1} of {len(self.indices):,} in the list)" if len(where) else ""
        lines = [f"[b]test digit #{i}[/b]{position} · a [b]{label}[/b]"]
        if lab.omitted:
            lines.append(f"† never seen by the student: {', '.join(map(str, lab.omitted))}")
        if lab.views:
            lines.append("[dim]  model        says  top 3[/dim]")
        for name, view in lab.views.items():
            guess = int(view.predicted[i])
            mark = "✓" if guess == label else "✗"
            lines.append(f"{mark} {escape(lab.short(name)):<12} [b]{guess}[/b]     {top3(view.probs[i])}")
        if not lab.views:
            lines.append("no run loaded: open one (1) to see what models say")
        self.query_one("#detail-summary", Static).update("\n".join(lines))
        probs = {lab.short(name): view.probs[i] for name, view in lab.views.items()}
        self.query_one("#detail-bars", Static).update(
            probability_table(probs, label, lab.omitted) if probs else "")

    def action_step(self, step: int) -> None:
        where = np.flatnonzero(self.indices == self.index)
        if len(where):
            self.index = int(self.indices[(int(where[0]) + step) % len(self.indices)])
            self.draw()
