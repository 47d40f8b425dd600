"""`DigitsApp`: the Textual application behind `digits tui`.

Each screen is an app mode (1-8 switch between them, the footer lists them). The app holds the
loaded run as `lab`; loading a run (its models scored on the 10,000 test digits) happens in a
worker thread so the interface keeps painting. Screens redraw themselves when `lab` changes.
Writing a run's report (`r` on the Runs and Compare screens) is a thread worker of the app too,
one at a time: matplotlib's pyplot, which draws the figures, is not thread-safe.
"""

import importlib
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, get_current_worker

from digits.core.data.dataset import Dataset
from digits.core.errors import DigitsError
from digits.core.runs.inspection import find_run
from digits.tui.lab import Lab
from digits.tui.palette import LabCommands

# mode -> (key, label, screen class in digits.tui.screens.<mode>); the order is the tabs'.
SCREENS = {
    "runs": ("1", "Runs", "RunsScreen"),
    "browse": ("2", "Browse", "BrowseScreen"),
    "mistakes": ("3", "Mistakes", "MistakesScreen"),
    "compare": ("4", "Compare", "CompareScreen"),
    "train": ("5", "Train", "TrainScreen"),
    "inside": ("6", "Inside", "InsideScreen"),
    "draw": ("7", "Draw", "DrawScreen"),
    "sweeps": ("8", "Sweeps", "SweepsScreen"),
}


def screen_class(mode: str) -> type:
    """The screen of a mode, imported on first use: importing all of them (charts, forms) up
    front cost ~0.1 s of start-up for screens most sessions never open."""
    return getattr(importlib.import_module(f"digits.tui.screens.{mode}"), SCREENS[mode][2])


def make_screen(mode: str):
    return lambda: screen_class(mode)()


REPORT_GROUP = "report"  # the workers writing a report: never two at once
REPORT_SHOWN = 30  # seconds the notification saying where the report is stays up


class DigitsApp(App):
    """The digit lab: browse, study mistakes, compare, train, look inside, draw."""

    TITLE = "digits"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {LabCommands}
    MODES = {mode: make_screen(mode) for mode in SCREENS}
    BINDINGS = [
        # Listed by the tabs under the header (widgets/screen_tabs.py), not in the footer.
        *(Binding(key, f"show('{mode}')", label, show=False) for mode, (key, label, _screen) in SCREENS.items()),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    lab: reactive[Lab | None] = reactive(None, init=False)

    class ReportWritten(Message):
        """A report was written: `built` is digits.report.build's Built (report, files, figures, seconds)."""

        def __init__(self, name: str, built) -> None:
            super().__init__()
            self.name, self.built = name, built

    class ReportFailed(Message):
        """Writing the report of `name` failed; `message` says why, in one line."""

        def __init__(self, name: str, message: str) -> None:
            super().__init__()
            self.name, self.message = name, message

    def __init__(self, dataset: Dataset | Callable[[], Dataset], runs_root: Path, run: str | None = None,
                 render_mode: str = "blocks"):
        super().__init__()
        self._dataset = dataset
        self.runs_root = Path(runs_root)
        self.initial_run = run
        self.render_mode = render_mode
        # (task, option values) the Train screen should start when it is next shown (runs screen's offer)
        self.pending_training: tuple[str, dict] | None = None
        # a run another process trains, which the Train screen should follow when it is next shown
        self.pending_follow: dict | None = None
        self.report_step = ""  # what the report being written is doing: "<run>: drawing confusion (4 of 7)"

    @property
    def dataset(self) -> Dataset:
        if callable(self._dataset):
            self._dataset = self._dataset()
        return self._dataset

    def on_mount(self) -> None:
        if self.initial_run:
            try:
                info = find_run(self.runs_root, self.initial_run)
            except DigitsError as exc:
                self.switch_mode("runs")
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.switch_mode("browse")
            self.open_run(info)
        else:
            self.switch_mode("runs")

    def follow_run(self, info: dict) -> None:
        """Show a run that another process is training live, on the Train screen."""
        self.pending_follow = info
        self.action_show("train")

    def action_show(self, mode: str) -> None:
        if self.current_mode != mode:
            self.close_panels()
            self.switch_mode(mode)

    def close_panels(self) -> None:
        """Close what is shown over the current screen (help, a digit's details, the command palette)
        before leaving it. Left on the mode's stack, a panel would come back with the mode; a palette
        left there (a run finished loading while it was open) made the next ctrl+p push a second
        palette with the same id: DuplicateIds."""
        while len(self.screen_stack) > 1:
            # The panel's own workers stop first, as when it closes itself: the palette's search,
            # still running, would look for the palette's widgets once they are gone (NoMatches,
            # and a worker's error ends the app).
            self.workers.cancel_node(self.screen)
            self.pop_screen()

    def action_command_palette(self) -> None:
        # One palette at a time: one just closed may still be being removed, and another with its id
        # would raise DuplicateIds.
        if not any(child.id == "--command-palette" for child in self.children):
            super().action_command_palette()

    async def action_quit(self) -> None:
        """Quit; while a training run is going, only on a second `q` (the run is then marked interrupted)."""
        training = any(w.group == "train" and not w.is_finished for w in self.workers)
        if training and not getattr(self, "_quit_armed", False):
            self._quit_armed = True
            self.notify("a training run is going: press q again to stop it and quit", severity="warning")
            self.set_timer(3, lambda: setattr(self, "_quit_armed", False))
            return
        await super().action_quit()

    def action_help(self) -> None:
        from digits.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def open_run(self, info: dict | None, then: str = "browse") -> None:
        """Load a run (or, with None, the dataset alone) and show it in mode `then`."""
        worker = get_current_worker()
        try:
            lab = Lab.load(info, self.dataset) if info is not None else Lab.dataset_only(self.dataset)
        except Exception as exc:  # noqa: BLE001  (any failure is the run's, not the app's: say so, stay up)
            message = str(exc) if isinstance(exc, DigitsError) else f"cannot open {info['run_id']}: {exc}"
            self.call_from_thread(self._load_failed, worker, message)
            return
        self.call_from_thread(self._set_lab, worker, lab, then)

    def _load_failed(self, worker: Worker, message: str) -> None:
        if not worker.is_cancelled:
            self.notify(message, severity="error", timeout=8)
            if self.lab is None:
                self.action_show("runs")

    def _set_lab(self, worker: Worker, lab: Lab, then: str) -> None:
        if worker.is_cancelled:  # a later open_run replaced this one while it loaded
            return
        self.lab = lab
        self.sub_title = lab.title
        self.action_show(then)

    def watch_lab(self, lab: Lab | None) -> None:
        sync = getattr(self.screen, "sync_lab", None)
        if sync is not None:
            sync()

    @property
    def writing_report(self) -> bool:
        return any(worker.group == REPORT_GROUP and not worker.is_finished for worker in self.workers)

    def write_report(self, target: str, name: str) -> None:
        """Write the report of a run or sweep (an id under `runs_root` or a directory) in a worker
        and say where it is; while one is being written, only say so."""
        if self.writing_report:
            self.notify(f"a report is already being written: {self.report_step}", severity="warning",
                        timeout=3, markup=False)
            return
        self.report_step = f"{name}: starting"
        self.notify(f"writing the report of {name} …", timeout=5, markup=False)
        self._build_report(target, name)

    @work(thread=True, exclusive=True, group=REPORT_GROUP, exit_on_error=False)
    def _build_report(self, target: str, name: str) -> None:
        from digits.report.build import build_report  # matplotlib: imported when a report is first asked for

        def progress(step: str) -> None:
            self.report_step = f"{name}: {step}"

        try:
            built = build_report(target, self.runs_root, progress=progress)
        except Exception as exc:  # noqa: BLE001  (a report that cannot be written is said, the app stays up)
            message = str(exc) if isinstance(exc, DigitsError) else f"cannot write the report of {name}: {exc!r}"
            self.post_message(self.ReportFailed(name, message))  # thread-safe; dropped once the app has quit
            return
        finally:
            self.report_step = ""
        self.post_message(self.ReportWritten(name, built))

    def on_digits_app_report_written(self, message: ReportWritten) -> None:
        built = message.built
        self.notify(f"{built.report}\n({built.figures} figures, {built.seconds:.1f} s)",
                    title=f"report of {message.name} written", timeout=REPORT_SHOWN, markup=False)
        written = getattr(self.screen, "report_written", None)  # a LabScreen (the Runs screen's summary names it)
        if written is not None:
            written()

    def on_digits_app_report_failed(self, message: ReportFailed) -> None:
        self.notify(message.message, title="no report", severity="error", timeout=10, markup=False)
