"""`EventLog`: a run's event stream as lines of text — phases, epochs, the results, how it ended.

The words carry the meaning (done, interrupted, error); colour only adds emphasis.
"""

from rich.markup import escape
from textual.widgets import RichLog

from digits.core import events as ev
from digits.core.tasks import headline
from digits.tui.widgets.phase_progress import accuracy_text, rate_text


def stop_point(e: ev.RunInterrupted) -> str:
    """Where an interrupted run stopped, in the CLI's words."""
    if not e.phase:
        return "before training"
    if e.step is None:
        return f"phase {e.phase}, epoch {e.epoch} (between batches)"
    return f"phase {e.phase}, epoch {e.epoch}, step {e.step}"


class EventLog(RichLog):
    def __init__(self, **kwargs):
        # min_width: RichLog renders lines at least 78 wide by default, wider than the pane at 80 columns
        super().__init__(markup=True, wrap=True, highlight=False, min_width=20, **kwargs)

    def handle(self, event: ev.Event) -> None:
        handler = getattr(self, f"on_{event.name}", None)
        if handler is not None:
            handler(event)

    def say(self, text: str) -> None:
        self.write(text)

    def on_run_started(self, e: ev.RunStarted) -> None:
        self.say(f"[b]{escape(e.run_id)}[/b] started (task {escape(e.task)})")

    def on_phase_started(self, e: ev.PhaseStarted) -> None:
        model = f"{escape(e.model)}, " if e.model else ""
        self.say(f"{escape(e.phase)}: {model}{e.samples_per_epoch:,} samples × {e.epochs} epochs")

    def on_epoch_finished(self, e: ev.EpochFinished) -> None:
        self.say(f"  {escape(e.phase)} epoch {e.epoch}/{e.epochs}  loss {e.train_loss:.4f}  "
                 f"test acc {accuracy_text(e.test_accuracy)}  {rate_text(e.samples_per_second)}  {e.seconds:.1f} s")

    def on_phase_finished(self, e: ev.PhaseFinished) -> None:
        if e.seconds:
            self.say(f"[dim]{escape(e.phase)} trained in {e.seconds:.1f} s, {rate_text(e.samples_per_second)}[/]")

    def on_comparison(self, e: ev.Comparison) -> None:
        self.say(f"[b]{escape(e.title)}[/b]")
        for model in e.models:
            accuracy = model.get("test_accuracy")
            if isinstance(accuracy, (int, float)):
                self.say(f"  {accuracy:7.2%}  {escape(str(model.get('label') or model.get('name')))}")

    def on_run_finished(self, e: ev.RunFinished) -> None:
        results = ", ".join(f"{label} {value:.2%}" for label, value in headline(e.task, e.metrics)) or "done"
        self.say(f"[b]finished[/b] in {e.seconds:.1f} s: {escape(results)}")
        if e.run_dir:
            self.say(f"[dim]saved in {escape(e.run_dir)}[/]")

    def on_run_interrupted(self, e: ev.RunInterrupted) -> None:
        where = f"; run marked interrupted in {escape(e.run_dir)}" if e.run_dir else ""
        self.say(f"[b]interrupted[/b] at {escape(stop_point(e))} after {e.seconds:.1f} s{where}")

    def on_error(self, e: ev.Error) -> None:
        self.say(f"[b]error:[/b] {escape(e.message)}")
