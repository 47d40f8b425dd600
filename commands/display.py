"""The Rich consumer of a run's event stream: live per-phase progress, then results and digits.

On a terminal it shows a progress bar per phase; when stderr is not a terminal it prints one line
per epoch instead (no animation in logs). Progress and status go to the stderr console; the run's
result (the final panel or table, the test digits, the --quiet summary line) to the `out` console,
stdout, so `digits train > result.txt` keeps it.
"""

from rich.columns import Columns
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from digits.commands.common import print_error
from digits.commands.comparison import render_comparison
from digits.core import events as ev
from digits.core.tasks import headline
from digits.imaging.render import ascii_art


def fmt_metric(name: str, value) -> str:
    if isinstance(value, float) and ("accuracy" in name or "error" in name):
        return f"{value:.2%}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


FULL_PANEL_WIDTH = 44  # 20 cropped pixels × 2 characters + borders and padding


def digit_panel(image, label: int, prediction: int, compact: bool) -> Panel:
    """A test digit as ASCII art titled with its label and prediction, like the reference recognizer."""
    ok = label == prediction
    mark = "[green]✓[/]" if ok else "[red]✗[/]"
    if compact:  # half the lines, one character per pixel column: three digits fit in 80 columns
        art, title = ascii_art(image, stretch=1, crop=4, rows_per_line=2), f"true {label} · pred {prediction} {mark}"
    else:
        art, title = ascii_art(image, crop=4), f"True: {label}, Predicted: {prediction} {mark}"
    return Panel(Text("\n".join(art)), title=title, expand=False, border_style="green" if ok else "red")


class EventDisplay:
    """An event consumer with a Rich progress display: `handle(event)` calls `on_<event name>`;
    use it as a context manager around the stream (the progress is live inside it)."""

    progress: Progress

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()
        return False

    def handle(self, event) -> None:
        handler = getattr(self, f"on_{event.name}", None)
        if handler:
            handler(event)


class RichDisplay(EventDisplay):
    """A run's events: bars per phase, then its result (see the module docstring)."""

    def __init__(self, console: Console, out: Console, quiet: bool = False):
        self.console, self.out, self.quiet = console, out, quiet
        self.live = console.is_terminal and not quiet
        self.progress = Progress(
            TextColumn("[bold]{task.description:<10}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("epoch {task.fields[epoch]}"),
            TextColumn("loss {task.fields[loss]}"),
            TextColumn("acc {task.fields[acc]}"),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=console,
            disable=not self.live,
        )
        self.phases: dict[str, int] = {}
        self.steps: dict[str, int] = {}
        self.phase_metrics: dict[str, dict] = {}
        self.examples: list[ev.Examples] = []
        self.comparison: ev.Comparison | None = None

    def say(self, text: str) -> None:
        if not self.quiet:
            self.console.print(text, highlight=False)

    def on_run_started(self, e: ev.RunStarted) -> None:
        self.say(f"[bold]digits[/] · task [cyan]{escape(e.task)}[/] · run {escape(e.run_id)}")

    def on_phase_started(self, e: ev.PhaseStarted) -> None:
        self.steps[e.phase] = e.steps_per_epoch
        self.phases[e.phase] = self.progress.add_task(
            e.phase, total=e.epochs * e.steps_per_epoch, epoch=f"0/{e.epochs}", loss="-", acc="-", rate="")
        self.say(f"[dim]{escape(e.phase)}: {escape(e.model)}, {e.samples_per_epoch:,} samples × {e.epochs} epochs[/]")

    def on_progress(self, e: ev.Progress) -> None:
        self.progress.update(self.phases[e.phase], completed=(e.epoch - 1) * e.steps + e.step,
                             epoch=f"{e.epoch}/{e.epochs}", loss=f"{e.loss:.4f}",
                             rate=f"{e.samples_per_second:,.0f}/s")

    def on_epoch_finished(self, e: ev.EpochFinished) -> None:
        acc = "-" if e.test_accuracy is None else f"{e.test_accuracy:.2%}"
        rate = f"{e.samples_per_second:,.0f}/s"
        self.progress.update(self.phases[e.phase], completed=e.epoch * self.steps[e.phase],
                             epoch=f"{e.epoch}/{e.epochs}", loss=f"{e.train_loss:.4f}", acc=acc, rate=rate)
        if not self.live:
            self.say(f"{e.phase} epoch {e.epoch}/{e.epochs}  loss {e.train_loss:.4f}  test acc {acc}  "
                     f"{rate}  {e.seconds:.1f}s")

    def on_phase_finished(self, e: ev.PhaseFinished) -> None:
        self.phase_metrics[e.phase] = e.metrics
        if e.seconds:
            self.say(f"[dim]{escape(e.phase)}: trained in {e.seconds:.1f}s, {e.samples_per_second:,.0f} samples/s[/]")

    def on_examples(self, e: ev.Examples) -> None:
        self.examples.append(e)

    def on_comparison(self, e: ev.Comparison) -> None:
        self.comparison = e

    def on_run_finished(self, e: ev.RunFinished) -> None:
        self.progress.stop()
        if self.quiet:
            parts = [f"{label} {value:.2%}" for label, value in headline(e.task, e.metrics)]
            self.out.print(f"{e.task}: {', '.join(parts) or 'done'}", markup=False, highlight=False)
            return
        if self.comparison is not None:
            self.out.print(render_comparison(self.comparison.to_dict()))
        else:
            table = Table(title=f"{e.task} results", title_justify="left")
            table.add_column("metric")
            table.add_column("value", justify="right")
            for name, value in e.metrics.items():
                table.add_row(name, fmt_metric(name, value))
            self.out.print(table)
        for example in self.examples:
            compact = self.out.width < FULL_PANEL_WIDTH * len(example.labels)
            panels = [digit_panel(img, lab, pred, compact) for img, lab, pred in
                      zip(example.images, example.labels, example.predictions)]
            self.out.print(Group(Text(f"test digits ({example.model})", style="bold"), Columns(panels)))
        where = f"saved in {escape(e.run_dir)}" if e.run_dir else "not saved"
        self.say(f"finished in {e.seconds:.1f}s · {where}")

    def on_run_interrupted(self, e: ev.RunInterrupted) -> None:
        self.progress.stop()
        if not e.phase:
            spot = "before training"
        elif e.step is None:
            spot = f"phase {e.phase}, epoch {e.epoch} (between batches)"
        else:
            spot = f"phase {e.phase}, epoch {e.epoch}, step {e.step}"
        where = f"; run marked interrupted in {escape(e.run_dir)}" if e.run_dir else ""
        self.console.print(f"[yellow]interrupted[/] at {spot} after {e.seconds:.1f}s{where}", highlight=False)

    def on_error(self, e: ev.Error) -> None:
        self.progress.stop()
        print_error(self.console, e.message)
