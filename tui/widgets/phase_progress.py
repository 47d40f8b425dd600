"""`PhaseProgress`: one training phase on one line — its marker and name, a bar, then epoch, loss, speed.

The marker is the one the phase's points carry in the curves, so a phase is told apart by its
shape, not its colour. The bar counts the steps of all the phase's epochs.
"""

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from digits.core import events as ev


def rate_text(samples_per_second: float) -> str:
    if samples_per_second >= 1000:
        return f"{samples_per_second / 1000:.1f}k/s"
    return f"{samples_per_second:.0f}/s"


def accuracy_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


class PhaseProgress(Horizontal):
    DEFAULT_CSS = """
    PhaseProgress {
        height: 1;
        .phase-name { width: 21; text-wrap: nowrap; text-overflow: ellipsis; }
        ProgressBar { width: auto; }
        ProgressBar Bar { width: 14; }
        .phase-stats { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; padding-left: 1; }
    }
    """

    def __init__(self, start: ev.PhaseStarted, marker: str, **kwargs):
        super().__init__(**kwargs)
        self.phase, self.marker = start.phase, marker
        self.epochs, self.steps = start.epochs, max(start.steps_per_epoch, 1)
        self.loss: float | None = None
        self.accuracy: float | None = None
        self.completed, self.text = 0, f"0/{self.epochs}"

    def compose(self) -> ComposeResult:
        yield Label(f"{self.marker} {escape(self.phase)}", classes="phase-name")
        yield ProgressBar(total=self.epochs * self.steps, show_eta=False)
        yield Label(classes="phase-stats")

    def on_mount(self) -> None:
        self.refresh_children()

    def show(self, completed: int, text: str) -> None:
        self.completed, self.text = completed, text
        if self.is_mounted:  # events can arrive before the row is mounted; on_mount shows them then
            self.refresh_children()

    def refresh_children(self) -> None:
        self.query_one(ProgressBar).update(progress=self.completed)
        self.query_one(".phase-stats", Label).update(self.text)

    def stats(self, epoch: int, rate: float) -> str:
        loss = "-" if self.loss is None else f"{self.loss:.4f}"
        return f"{epoch}/{self.epochs} loss {loss} acc {accuracy_text(self.accuracy)} {rate_text(rate)}"

    def progress(self, e: ev.Progress) -> None:
        self.loss = e.loss
        self.show((e.epoch - 1) * self.steps + e.step, self.stats(e.epoch, e.samples_per_second))

    def epoch_finished(self, e: ev.EpochFinished) -> None:
        self.loss, self.accuracy = e.train_loss, e.test_accuracy
        self.show(e.epoch * self.steps, self.stats(e.epoch, e.samples_per_second))

    def finished(self, e: ev.PhaseFinished) -> None:
        accuracy = e.metrics.get("test_accuracy", self.accuracy)
        self.show(self.epochs * self.steps, f"done acc {accuracy_text(accuracy)} in {e.seconds:.1f} s")

    def stopped(self) -> None:
        self.show(self.completed, f"stopped · {self.text}")
