"""`DrawScreen`: draw a digit and watch every model of the run guess it, live.

The drawing goes through MNIST's own preprocessing (imaging/mnist_style.py) before the models see it,
and that preprocessed image is shown too. Each model gets a row: its guess and probability written
out, then one bar per class (its height is the probability, so the rows read without colour).
"""

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from digits.imaging.mnist_style import preprocess
from digits.tui.lab import CLASSES, Lab
from digits.tui.screens.base import LabScreen
from digits.tui.widgets.canvas import DrawCanvas
from digits.tui.widgets.digit import DigitImage

BARS = "·▁▂▃▄▅▆▇█"  # probability in eighths; "·" marks (nearly) zero so every column stays visible
HINTS = "mouse: press and drag\narrows move (shift: by 4)\nspace paints a dot\nenter pen down / up\nu undo · c clear"
SEEN = ("What the models see: the ink cropped, scaled so its longer side is 20 px and centred by "
        "mass in 28×28, the way MNIST's digits were made.")
NO_MODELS = "No models to ask: this needs a run with saved models. Press 1 to pick one.\n\nThe canvas works anyway."


def guess_text(probs: np.ndarray) -> str:
    """The top class and its probability, e.g. "7 (93%)"."""
    top = int(np.argmax(probs))
    return f"{top} ({probs[top]:.0%})"


def bars_text(probs: np.ndarray) -> Text:
    """One bar per class, a space apart; the top class's bar in bold."""
    levels = np.rint(np.clip(probs, 0, 1) * (len(BARS) - 1)).astype(int)
    top = int(np.argmax(probs))
    text = Text()
    for c, level in enumerate(levels.tolist()):
        text.append(BARS[level], "bold" if c == top else "dim" if level == 0 else "")
        if c < len(levels) - 1:
            text.append(" ")
    return text


def predictions_text(names: list[str], predictions: dict[str, np.ndarray] | None,
                     omitted: tuple[int, ...] = ()) -> Text:
    """The prediction panel: a header of classes (omitted ones in reverse video), a row per model,
    and a note on the omitted classes. Without predictions (nothing drawn) the rows are empty."""
    if not names:
        return Text(NO_MODELS)
    width = max(len(n) for n in [*names, "model"])
    guess_width = len("0 (100%)")
    text = Text(no_wrap=True, overflow="crop")
    text.append(f"{'model':<{width}} {'guess':<{guess_width}} ", "bold")
    for c in range(CLASSES):
        text.append(str(c), "bold reverse" if c in omitted else "bold")
        text.append(" " if c < CLASSES - 1 else "\n")
    for name in names:
        text.append(f"{name:<{width}} ")
        if predictions is None:
            text.append(f"{'-':<{guess_width}}\n")
            continue
        probs = predictions[name]
        text.append(f"{guess_text(probs):<{guess_width}} ")
        text.append_text(bars_text(probs))
        text.append("\n")
    if omitted:
        text.append("\n")
        for c in omitted:
            text.append(str(c), "bold reverse")
            text.append(" ")
        text.append("left out of the students' transfer set")
    if predictions is None:
        text.append("\n\nDraw a digit on the canvas.")
    return text


class DrawScreen(LabScreen):
    CSS_PATH = "draw.tcss"
    AUTO_FOCUS = "DrawCanvas"
    # The full-size preprocessed digit when there is room for it (the half-size one otherwise).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (104, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.drawn = np.zeros((28, 28), np.float32)  # the canvas as last reported
        self.seen = np.zeros((28, 28), np.float32)  # what the models see: preprocess(drawn)
        self.predictions: dict[str, np.ndarray] | None = None  # model -> probabilities, None if nothing to ask

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="draw-body"):
            with Vertical(id="draw-left"):
                yield DrawCanvas(id="draw-canvas")
                yield Static(HINTS, id="draw-hints")
            with Vertical(id="draw-right"):
                with Horizontal(id="draw-seen"):
                    yield DigitImage(self.seen, small=True, id="draw-seen-small")
                    yield DigitImage(self.seen, id="draw-seen-large")
                    yield Static(SEEN, id="draw-seen-note")
                with VerticalScroll(id="draw-scroll", can_focus=False) as scroll:
                    scroll.border_title = "what each model says"
                    yield Static(id="draw-predictions")
        yield Footer()

    def on_mount(self) -> None:
        for image in self.query(DigitImage):
            image.border_title = "seen"
        self.update_view()

    def show_lab(self, lab: Lab) -> None:
        if self.is_mounted:
            self.update_view()

    def on_draw_canvas_changed(self, event: DrawCanvas.Changed) -> None:
        self.drawn = event.canvas
        self.update_view()

    def update_view(self) -> None:
        """Preprocess the drawing, ask every model, show both."""
        self.seen = preprocess(self.drawn)
        for image in self.query(DigitImage):
            image.image = self.seen
        lab = self.app.lab
        names = lab.model_names if lab is not None and lab.nets else []
        self.predictions = lab.predict(self.seen) if names and self.seen.any() else None
        omitted = lab.omitted if names else ()
        self.query_one("#draw-predictions", Static).update(predictions_text(names, self.predictions, omitted))
