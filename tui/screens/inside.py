"""`InsideScreen`: what each first-layer neuron looks for — its 784 input weights as a 28×28 image.

Two models side by side (teacher and student by default; a baseline's single model alone), one
hidden unit at a time, and a grid of one model's units at half resolution below. The numbers
beside the pictures tell the subliminal story: the cosine between the two models' weights for
the unit, how far each moved from the shared initial weights (the run's `untrained` model), and
whether the student's move points the way the teacher's did (cosine of the two moves). Models of
different widths (distill's teacher and student) have unrelated units: no cosine then.
"""

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from digits.tui.lab import Lab, cycle_pair
from digits.tui.screens.base import LabScreen
from digits.tui.widgets.weights import UnitGrid, WeightImage, legend, unit_image


def column_cosines(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Cosine between matching columns of A and B (784, units); NaN where a column is all zeros."""
    norms = np.linalg.norm(A, axis=0) * np.linalg.norm(B, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms > 0, (A * B).sum(axis=0) / norms, np.nan)


def moved(W: np.ndarray, W0: np.ndarray, axis=None) -> np.ndarray:
    """‖W − W0‖ / ‖W0‖: over the whole layer, or per unit with axis=0."""
    return np.linalg.norm(W - W0, axis=axis) / np.linalg.norm(W0, axis=axis)


def signed(value: float, digits: int = 3) -> str:
    return "n/a" if np.isnan(value) else f"{value:+.{digits}f}"


class InsideScreen(LabScreen):
    CSS_PATH = "inside.tcss"
    BINDINGS = [
        Binding("n", "unit(1)", "Next unit"),
        Binding("p", "unit(-1)", "Prev unit"),
        Binding("right", "unit(1)", "Next unit", show=False, priority=True),
        Binding("left", "unit(-1)", "Prev unit", show=False, priority=True),
        Binding("down", "unit_row(1)", "Grid row down", show=False, priority=True),
        Binding("up", "unit_row(-1)", "Grid row up", show=False, priority=True),
        Binding("a", "cycle('left', 1)", "Left model"),
        Binding("A", "cycle('left', -1)", "Left model back", show=False),
        Binding("b", "cycle('right', 1)", "Right model"),
        Binding("B", "cycle('right', -1)", "Right model back", show=False),
        Binding("s", "swap", "Swap", show=False),
        Binding("g", "grid", "Grid model"),
        Binding("d", "delta", "Weights/Δ"),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.names: list[str] = []
        self.weights: dict[str, np.ndarray] = {}
        self.left = self.right = self.unit = 0
        self.grid_side = "left"
        self.delta = False  # show W − W₀ instead of W (runs with an untrained model)
        self.initial: str | None = None
        self.other_init: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="inside-body"):
            yield Static("No run loaded: open one on the Runs screen (1).", id="inside-pair")
            with Horizontal(id="inside-top"):
                for side in ("left", "right"):
                    with Vertical(id=f"inside-{side}", classes="unit-box"):
                        yield Static(id=f"inside-{side}-title", classes="unit-title")
                        yield WeightImage(id=f"inside-{side}-image")
                        yield Static(id=f"inside-{side}-scale", classes="unit-scale")
                yield Static(id="inside-stats")
            yield Static(id="inside-legend", classes="legend")
            yield Static(id="inside-note", classes="legend")
            yield Static(id="inside-grid-title")
            yield UnitGrid(id="inside-grid")
        yield Footer()

    def show_lab(self, lab: Lab) -> None:
        self.lab = lab
        self.names = lab.model_names
        self.weights = {name: net.layers[0].W for name, (net, _model) in lab.nets.items()}
        # The initial weights others started from (the record's untrained model), and who did not.
        self.initial, self.other_init = lab.initial, lab.other_init()
        for widget in self.query("#inside-body > *"):
            widget.display = bool(self.names) or widget.id == "inside-pair"
        if not self.names:
            self.query_one("#inside-pair", Static).update("No run loaded: open one on the Runs screen (1).")
            return
        self.left, self.right = lab.pair()
        self.unit, self.grid_side, self.delta = 0, "left", False
        self.query_one("#inside-right").display = len(self.names) > 1
        self.refresh_bindings()
        self.redraw()

    @property
    def single(self) -> bool:
        return len(self.names) == 1

    @property
    def shown(self) -> list[str]:
        return [self.names[self.left]] if self.single else [self.names[self.left], self.names[self.right]]

    @property
    def units(self) -> int:
        """How far the unit number goes: the widest shown model's hidden layer."""
        return max(self.weights[name].shape[1] for name in self.shown)

    def same_width(self) -> bool:
        return len({self.weights[name].shape[1] for name in self.shown}) == 1

    def picture(self, name: str) -> tuple[np.ndarray | None, str]:
        """The layer drawn for `name` (its weights, or their change since W₀), or why there is none."""
        W, W0 = self.weights[name], self.weights.get(self.initial)
        if not self.delta:
            return W, ""
        if name == self.initial:
            return None, "this is W₀: no change"
        if name in self.other_init:
            return None, "started from other weights: no Δ"
        return W - W0, ""

    def redraw(self) -> None:
        j, shown = self.unit, self.shown
        pair = Text.assemble((f"unit {j} of {self.units}", "bold"), ("   ", ""))
        if self.single:
            pair.append_text(Text.assemble(("one model: ", "dim"), (shown[0], "bold")))
        else:
            pair.append_text(Text.assemble(("L ", "reverse bold"), (f" {shown[0]}", "bold"), ("  vs  ", "dim"),
                                           ("R ", "reverse bold"), (f" {shown[1]}", "bold")))
        pair.append("   n/p: unit · a/b: model", "dim")
        self.query_one("#inside-pair", Static).update(pair)
        what = "Δ = W − W₀" if self.delta else "W"
        for side, name in zip(("left", "right"), shown):
            W, message = self.picture(name)
            width = self.weights[name].shape[1]
            mark = "" if self.single else f"{side[0].upper()} "
            self.query_one(f"#inside-{side}-title", Static).update(
                Text.assemble((mark, "reverse bold"), (f" {name}", "bold"), (f"  {what}" if self.delta else "", "")))
            image = self.query_one(f"#inside-{side}-image", WeightImage)
            scale = self.query_one(f"#inside-{side}-scale", Static)
            if W is not None and j < width:
                image.show(unit_image(W, j))
                scale.update(f"unit {j}: max|{'Δ' if self.delta else 'w'}| {np.abs(W[:, j]).max():.3f}")
            else:
                image.show(None, message or f"{name} has {width} units: none numbered {j}")
                scale.update("")
        self.query_one("#inside-stats", Static).update(self.stats())
        self.query_one("#inside-legend", Static).update(legend(self.app.no_color))
        self.query_one("#inside-note", Static).update(self.note())
        grid_name = shown[0] if self.single or self.grid_side == "left" else shown[1]
        W, message = self.picture(grid_name)
        grid = self.query_one("#inside-grid", UnitGrid)
        grid.display = W is not None
        self.query_one("#inside-grid-title", Static).update(Text.assemble(
            (f"{grid_name}: ", "bold"), (f"{what} of its {self.weights[grid_name].shape[1]} units, half size", "dim"),
            (f" · ▶ unit {j} ◀" if W is not None else f" · {message}", "dim"),
            ("" if self.single else " · g: other model", "dim")))
        if W is not None:
            grid.show(W, j)

    def stats(self) -> Text:
        """The numbers beside the pictures (narrow: L and R stand for the two models)."""
        j, shown = self.unit, self.shown
        text = Text()
        if self.single:
            w = self.weights[shown[0]][:, j]
            text.append(f"‖w‖     {np.linalg.norm(w):.3f}\nmean w  {w.mean():+.4f}\n")
            text.append(f"w > 0   {(w > 0).mean():.0%}\n")
            return text
        if not self.same_width():
            widths = [self.weights[name].shape[1] for name in shown]
            text.append(f"L has {widths[0]} units, R {widths[1]}: unit numbers don't correspond, so no "
                        f"cosine between them.", "dim")
            return text
        A, B = (self.weights[name] for name in shown)
        text.append("cos(L, R)\n", "bold")
        text.append(f" unit {j}".ljust(10) + f"{signed(column_cosines(A[:, [j]], B[:, [j]])[0])}\n")
        text.append(" mean".ljust(10) + f"{signed(np.nanmean(column_cosines(A, B)))}\n")
        W0 = self.weights.get(self.initial)
        if W0 is None or W0.shape != A.shape:
            return text
        text.append("\nmoved from W₀\n", "bold")
        text.append("    unit  layer\n", "dim")
        for mark, name in zip("LR", shown):
            if name == self.initial:
                text.append(f"{mark}  is W₀\n")
            elif name in self.other_init:
                text.append(f"{mark}  other init\n")
            else:
                W = self.weights[name]
                text.append(f"{mark} {moved(W[:, j], W0[:, j]):6.1%} {moved(W, W0):6.1%}\n")
        if any(name == self.initial or name in self.other_init for name in shown):
            return text
        text.append("\ncos(ΔL, ΔR)\n", "bold")
        deltas = column_cosines(A - W0, B - W0)
        text.append(f" unit {j}".ljust(10) + f"{signed(deltas[j])}\n")
        text.append(" mean".ljust(10) + f"{signed(np.nanmean(deltas))}\n")
        return text

    def note(self) -> str:
        shown = self.shown
        if self.single:
            return "Each picture: the weights one hidden neuron gives the 784 pixels — what makes it fire."
        if not self.same_width():
            return "Each model's own unit of that number is shown; they are different neurons."
        notes = []
        other = [name for name in shown if name in self.other_init]
        if other:
            notes.append(f"{' and '.join(other)} started from other random weights: its units are unrelated to "
                         f"the rest (cosines near 0).")
        if self.initial in self.weights:
            notes.append("W₀: the untrained weights the others start from; Δ = W − W₀ (d draws it). "
                         "cos(ΔL, ΔR) > 0: moved the same way, ≈ 0: unrelated.")
        return " ".join(notes)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Hide the keys that do nothing for this run (one model; no initial weights)."""
        if action in ("cycle", "swap", "grid"):
            return len(self.names) > 1
        if action == "delta":
            return self.initial in self.weights
        return True

    def action_unit(self, step: int) -> None:
        if self.names:
            self.unit = (self.unit + step) % self.units
            self.redraw()

    def action_unit_row(self, step: int) -> None:
        if self.names:
            grid = self.query_one("#inside-grid", UnitGrid)
            self.action_unit(step * grid.columns())

    def action_cycle(self, side: str, step: int) -> None:
        if len(self.names) < 2:
            self.notify("This run has one model.", timeout=3)
            return
        self.left, self.right = cycle_pair(self.left, self.right, side, step, len(self.names))
        self.unit = min(self.unit, self.units - 1)
        self.redraw()

    def action_swap(self) -> None:
        if len(self.names) > 1:
            self.left, self.right = self.right, self.left
            self.redraw()

    def action_delta(self) -> None:
        if self.initial not in self.weights:
            self.notify("This run saved no initial weights (no untrained model) to measure moves from.", timeout=3)
            return
        self.delta = not self.delta
        self.redraw()

    def action_grid(self) -> None:
        if len(self.names) > 1:
            self.grid_side = "right" if self.grid_side == "left" else "left"
            self.redraw()
