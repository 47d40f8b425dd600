"""`CompareScreen`: the run's models side by side — accuracy, per class, confusions, agreement.

Two models are compared column by column (the left and the right one: `a`/`b` cycle them, `s`
swaps), while the table on top lists every model of the run, so a subliminal run's controls
(untrained, different init, all logits) stay in the same view. In distill runs the classes the
student never saw are marked `*` and scored on their own. A baseline's single model is shown
alone. `r` writes the run's report.
"""

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from digits.core.runs.inspection import confusion_matrix
from digits.core.stats import per_class_accuracy
from digits.tui.lab import CLASSES, Lab, cycle_pair
from digits.tui.screens.base import LabScreen, report_binding
from digits.tui.widgets.class_bars import TRACK, ClassBars, bar
from digits.tui.widgets.confusion import AgreementGrid, ConfusionGrid

WIDE = 150  # from this width the model table and the agreement matrix sit side by side


def agreement_matrix(predicted: np.ndarray) -> np.ndarray:
    """(models, N) predicted classes -> (models, models) fraction of equal predictions."""
    return (predicted[:, None, :] == predicted[None, :, :]).mean(axis=2)


def classes_text(classes) -> str:
    return ",".join(map(str, classes))


class ModelsTable:
    """Every model of the run, one row each (bold: the rows of the two compared); columns in
    `right` are right-aligned, column 3 is the accuracy bar, the last ("what") is cut to the width."""

    def __init__(self, headers: list[str], rows: list[tuple[list[str], bool]], right: set[int]):
        self.headers, self.rows, self.right = headers, rows, right

    def __rich_console__(self, console, options):
        widths = [max(len(cell) for cell in column) for column in zip(self.headers, *(r for r, _ in self.rows))]
        room = max(options.max_width - sum(widths[:-1]) - 2 * (len(widths) - 1), 4)
        for cells, bold in [(self.headers, True), *self.rows]:
            line = Text(no_wrap=True, overflow="crop", end="")
            for k, (cell, width) in enumerate(zip(cells, widths)):
                if k == len(cells) - 1:
                    cell = cell if len(cell) <= room else cell[: room - 1] + "…"
                    line.append(cell, "bold" if cells is self.headers else "dim")
                else:
                    style = TRACK if k == 3 and cells is not self.headers else "bold" if bold else "not bold"  # 3: bar
                    line.append(cell.rjust(width) if k in self.right else cell.ljust(width), style)
                    line.append("  ")  # unstyled: each cell its own segment, placed exactly in screenshots
            yield line
            yield Text("\n", end="")


class CompareScreen(LabScreen):
    CSS_PATH = "compare.tcss"
    BINDINGS = [
        Binding("a", "cycle('left', 1)", "Left model"),
        Binding("A", "cycle('left', -1)", "Left model back", show=False),
        Binding("b", "cycle('right', 1)", "Right model"),
        Binding("B", "cycle('right', -1)", "Right model back", show=False),
        Binding("s", "swap", "Swap"),
        Binding("c", "counts", "Counts/%"),
        report_binding(show=False),  # the footer is full at 80 columns: in the help (?)
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.names: list[str] = []
        self.left = self.right = 0
        self.counts_wanted = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="compare-body"):
            yield Static("No run loaded: open one on the Runs screen (1).", id="compare-pair")
            with Horizontal(id="compare-overview"):
                yield Static(id="compare-models")
                with Vertical(id="compare-agreement-box"):
                    yield Static(id="compare-agreement-title")
                    yield AgreementGrid(id="compare-agreement")
            yield Static(id="compare-classes-title", classes="title")
            yield ClassBars(id="compare-classes")
            with Horizontal(id="compare-confusions"):
                with Vertical(classes="confusion-box"):
                    yield Static(id="confusion-left-title", classes="title")
                    yield ConfusionGrid(id="confusion-left")
                with Vertical(classes="confusion-box", id="confusion-right-box"):
                    yield Static(id="confusion-right-title", classes="title")
                    yield ConfusionGrid(id="confusion-right")
            yield Static(id="compare-confusion-legend", classes="legend")
        yield Footer()

    def on_resize(self, event) -> None:
        self.query_one("#compare-overview").set_class(event.size.width >= WIDE, "wide")
        self.call_after_refresh(self.update_confusion_legend)

    def show_lab(self, lab: Lab) -> None:
        self.lab = lab
        self.names = lab.model_names
        if not self.names:
            self.query_one("#compare-pair", Static).update("No run loaded: open one on the Runs screen (1).")
            for widget in self.query("#compare-body > *"):
                widget.display = widget.id == "compare-pair"
            return
        for widget in self.query("#compare-body > *"):
            widget.display = True
        views = [lab.views[name] for name in self.names]
        self.accuracy = np.array([view.accuracy for view in views])
        self.per_class = np.array([per_class_accuracy(view.predicted, lab.labels, CLASSES) for view in views])
        self.confusions = np.stack([confusion_matrix(lab.labels, view.predicted, CLASSES) for view in views])
        self.agreement = agreement_matrix(np.stack([view.predicted for view in views]))
        self.omitted = lab.omitted
        unseen = np.isin(lab.labels, self.omitted)
        self.unseen_accuracy = np.array([view.correct[unseen].mean() for view in views]) if unseen.any() else None
        self.left, self.right = lab.pair()
        single = len(self.names) == 1
        self.query_one("#compare-agreement-box").display = not single
        self.query_one("#confusion-right-box").display = not single
        self.refresh_bindings()
        self.redraw()

    @property
    def pair(self) -> list[int]:
        return [self.left] if len(self.names) == 1 else [self.left, self.right]

    def redraw(self) -> None:
        names = [self.names[i] for i in self.pair]
        if len(names) == 1:
            pair = Text.assemble(("one model: ", "dim"), (names[0], "bold"), (f"  {self.accuracy[0]:.2%}", ""))
        else:
            pair = Text.assemble(("L ", "reverse bold"), (f" {names[0]} {self.accuracy[self.left]:.2%}", "bold"),
                                 ("   vs   ", "dim"), ("R ", "reverse bold"),
                                 (f" {names[1]} {self.accuracy[self.right]:.2%}", "bold"),
                                 ("   a/b: change · s: swap", "dim"))
        self.query_one("#compare-pair", Static).update(pair)
        self.query_one("#compare-models", Static).update(self.models_table())
        unseen = f"   * {classes_text(self.omitted)}: never seen by the students" if self.omitted else ""
        self.query_one("#compare-classes-title", Static).update(
            Text.assemble(("Accuracy per class", "bold"), unseen))
        self.query_one("#compare-classes", ClassBars).show(names, self.per_class[self.pair], self.omitted)
        if len(names) > 1:
            self.query_one("#compare-agreement-title", Static).update(Text.assemble(
                ("Agreement ", "bold"), ("% of test digits with the same prediction", "dim")))
            short = [self.lab.short(name) for name in self.names]
            self.query_one("#compare-agreement", AgreementGrid).show(short, self.agreement)
        for side, index in zip(("left", "right"), self.pair):
            mark = "" if len(names) == 1 else f"{side[0].upper()} "
            self.query_one(f"#confusion-{side}-title", Static).update(Text.assemble(
                (mark, "reverse bold"), (f" {self.names[index]}", "bold"), ("  confusions", "dim")))
            self.query_one(f"#confusion-{side}", ConfusionGrid).show(self.confusions[index], self.omitted,
                                                                     self.counts_wanted)
        self.call_after_refresh(self.update_confusion_legend)

    def update_confusion_legend(self) -> None:
        if not self.names:
            return
        numbers = self.query_one("#confusion-left", ConfusionGrid).numbers()
        what = {"counts": "counts", "%": "% of the row", "shades": "shades ░▒▓█ of the row's %"}[numbers]
        note = " (counts need a wider terminal)" if self.counts_wanted and numbers != "counts" else ""
        self.query_one("#compare-confusion-legend", Static).update(Text.assemble(
            ("rows: true class · columns: predicted · cells: ", "dim"), what, note, (" · c: counts/%", "dim")))

    def models_table(self) -> "ModelsTable":
        headers = ["", "model", "accuracy", ""]
        if self.unseen_accuracy is not None:
            headers.append(f"on {classes_text(self.omitted)}*")
        headers.append("what")
        rows = []
        sizes = {name: "-".join(map(str, self.lab.nets[name][0].sizes)) for name in self.names}
        differ = len(set(sizes.values())) > 1  # e.g. distill's bigger teacher
        for i, name in enumerate(self.names):
            marks = " ".join(m for m, side in (("L", self.left), ("R", self.right)) if side == i)
            marks = marks[:1] if len(self.names) == 1 else marks
            row = [marks, name, f"{self.accuracy[i]:.2%}", bar(self.accuracy[i], 10)]
            if self.unseen_accuracy is not None:
                row.append(f"{self.unseen_accuracy[i]:.2%}")
            row.append(f"{self.lab.label(name)} ({sizes[name]})" if differ else self.lab.label(name))
            rows.append((row, bool(marks)))
        return ModelsTable(headers, rows, right={2, 4} if self.unseen_accuracy is not None else {2})

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Hide the model keys when there is only one model."""
        if action in ("cycle", "swap"):
            return len(self.names) > 1
        return True

    def action_cycle(self, side: str, step: int) -> None:
        if len(self.names) < 2:
            self.notify("This run has one model: nothing to compare it with.", timeout=3)
            return
        self.left, self.right = cycle_pair(self.left, self.right, side, step, len(self.names))
        self.redraw()

    def action_swap(self) -> None:
        if len(self.names) > 1:
            self.left, self.right = self.right, self.left
            self.redraw()

    def action_counts(self) -> None:
        self.counts_wanted = not self.counts_wanted
        if self.names:
            self.redraw()
