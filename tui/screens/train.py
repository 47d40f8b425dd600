"""`TrainScreen`: pick a task, edit its options, train it and watch it learn (screen 5).

The form validates like `digits train` (same config code, same messages). Start runs `execute`
in a worker thread and posts its events here as messages — Progress comes at most ~10 times a
second, the rest is rarer — so the interface never waits on training. Cancel asks the run to
stop at the next batch; the core then marks it interrupted. A finished run opens in Browse.

The worker belongs to this screen, and a mode's screen lives on while others are shown: training
goes on when you switch screens, and the progress is here when you come back.

A run that another process trains (another terminal, a sweep's worker, another machine writing to
a shared directory) is followed the same way (`enter` on a running run in Runs): a worker tails
its event log and progress (core/runs/follow.py) and posts the same events; esc stops following,
not the run. When it finishes it opens in Browse like a run trained here.
"""

from pathlib import Path

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Footer, Header, Label, Select, Static, TabbedContent, TabPane
from textual.worker import Worker, get_current_worker

from digits.core import events as ev
from digits.core.config import flag
from digits.core.errors import ConfigError, DigitsError
from digits.core.runs.directory import read_run
from digits.core.runs.runner import execute
from digits.core.tasks import DEFAULT_TASK, TASKS, get_task, headline
from digits.tui.screens.base import LabScreen
from digits.tui.widgets.event_log import stop_point
from digits.tui.widgets.options_form import OptionsForm, form_values
from digits.tui.widgets.training_view import TrainingView


class MouseButton(Button):
    """A button for the mouse only, never focused. Start and Cancel are these: from the keyboard a run
    starts on f5 (or ctrl+s) and stops on escape. Were they focusable, Tab from the task would land on
    Start, and the next Enter or space, meant for the form, would start a run nobody asked for."""

    can_focus = False
    # Textual fades only focusable disabled widgets (*:disabled:can-focus); keep that look.
    DEFAULT_CSS = "MouseButton:disabled { opacity: 0.7; }"


class TrainScreen(LabScreen):
    CSS_PATH = "train.tcss"
    BINDINGS = [
        Binding("f5", "start", "Start"),
        Binding("ctrl+s", "start", "Start", show=False),
        Binding("escape", "cancel", "Cancel"),
        # shown in the tab labels instead of the footer, which has little room at 80 columns
        Binding("f2", "pane('options')", "Options", show=False),
        Binding("f3", "pane('progress')", "Progress", show=False),
    ]

    # True from Start until the worker thread has returned — a cancelled thread worker counts as
    # finished for Textual at once, but the run only ends at its next batch.
    running: reactive[bool] = reactive(False, init=False)

    class RunEvent(Message):
        """One event of the run's stream, from the worker thread."""

        def __init__(self, event: ev.Event):
            super().__init__()
            self.event = event

    class Rejected(Message):
        """The run refused its options before starting (the checks that need the data)."""

        def __init__(self, message: str):
            super().__init__()
            self.message = message

    class Ended(Message):
        """The worker thread has returned."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker: Worker | None = None
        self.following: str | None = None  # the id of the run another process trains, while it is followed

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="options", id="train-tabs"):
            with TabPane("Options f2", id="options"):
                with Horizontal(id="task-row"):
                    yield Label("task", classes="option-name")
                    yield Select([(name, name) for name in sorted(TASKS)], value=DEFAULT_TASK, allow_blank=False,
                                 compact=True, id="task", tooltip="Which experiment to run (see `digits tasks`).")
                    yield Static(id="task-spacer")
                    yield MouseButton("Start f5", id="start", variant="primary", compact=True)
                    yield MouseButton("Cancel esc", id="cancel", variant="error", compact=True, disabled=True)
                yield OptionsForm(DEFAULT_TASK)
                yield Static(id="form-error")
            with TabPane("Progress f3", id="progress"):
                yield Static("Nothing trained yet: set the options, then Start (f5).", id="train-status")
                yield TrainingView()
        yield Footer()

    def on_mount(self) -> None:
        self.show_error(None)
        self.query_one("#task", Select).focus()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        pending, self.app.pending_training = self.app.pending_training, None
        if pending is not None:
            self.start_pending(*pending)
        followed, self.app.pending_follow = self.app.pending_follow, None
        if followed is not None:
            self.follow(followed)

    # --- state shown on screen -------------------------------------------------------------------------

    @property
    def form(self) -> OptionsForm:
        return self.query_one(OptionsForm)

    @property
    def view(self) -> TrainingView:
        return self.query_one(TrainingView)

    def set_status(self, text: str, tab: str) -> None:
        self.query_one("#train-status", Static).update(text)
        self.query_one(TabbedContent).get_tab("progress").label = f"Progress f3 ({tab})"

    def show_error(self, message: str | None) -> None:
        error = self.query_one("#form-error", Static)
        error.update(f"[b]error:[/b] {escape(message)}" if message else "")
        error.display = bool(message)

    def refuse(self, message: str) -> None:
        """Options the run would not accept: say why next to the form, and start nothing."""
        self.show_error(message)
        self.notify(message, title="not started", severity="error", timeout=8)
        self.action_pane("options")
        self.form.mark_invalid(message)

    def watch_running(self, running: bool) -> None:
        self.query_one("#cancel", Button).disabled = not running
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "cancel":
            return self.running  # hidden from the footer while nothing runs
        return True

    # --- actions ---------------------------------------------------------------------------------------

    def action_pane(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        # Focus must move into the shown pane: Textual would otherwise hand it to the next widget of
        # the hidden one (the Start button), and a focused widget shows its own pane again.
        first = "#task" if pane == "options" else "#event-log"
        self.query_one(first).focus()

    def action_start(self) -> None:
        if self.running:
            self.notify("A run is already training; cancel it (esc) before starting another.",
                        severity="warning")
            return
        try:
            config = self.form.config()
        except ConfigError as exc:
            self.refuse(str(exc))
            return
        self.start(self.form.task_name, config)

    def action_cancel(self) -> None:
        if not self.running or self.worker is None:
            return
        self.worker.cancel()
        if self.following:
            self.set_status(f"Stopped following {escape(self.following)}; it goes on in its own process.", "left")
            self.view.note("stopped following; the run goes on")
            return
        self.set_status("Cancelling: the run stops at the next batch …", "stopping")
        self.view.note("cancel requested; stopping at the next batch")

    def start_pending(self, task: str, values: dict) -> None:
        """Start what another screen asked for (`app.pending_training`)."""
        if self.running:
            self.notify(f"A run is already training; {task} was not started.", severity="warning")
            return
        try:
            get_task(task)
        except ConfigError as exc:
            self.refuse(str(exc))
            return
        unknown = sorted(set(values) - set(form_values(task)))
        self.form.load(task, values)
        self.query_one("#task", Select).value = self.form.task_name
        if unknown:
            self.refuse(f"{', '.join(flag(name) for name in unknown)} does not apply to --task {task}")
            return
        self.action_start()

    def follow(self, info: dict) -> None:
        """Follow a run another process is training (its record `info`, with its path)."""
        if self.running:
            self.notify(f"A run is already shown training here; stop it (esc) before following {info['run_id']}.",
                        severity="warning", markup=False)
            return
        self.show_error(None)
        self.view.reset()
        self.running, self.following = True, info["run_id"]
        self.set_status(f"Following [b]{escape(info['run_id'])}[/b], trained by another process · esc stops "
                        "following", "following")
        self.action_pane("progress")
        self.worker = self.tail(info["path"])

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def tail(self, path: str) -> None:
        from digits.core.runs.follow import follow

        worker = get_current_worker()
        try:
            for data in follow(Path(path), should_stop=lambda: worker.is_cancelled):
                event = ev.from_dict(data)
                if event is not None:
                    self.post_message(self.RunEvent(event))
                elif data.get("event") in ("run_abandoned", "run_ended"):
                    why = f" ({data['why']})" if data.get("why") else ""
                    self.post_message(self.RunEvent(ev.Error(f"the run is {data.get('status')}{why}")))
        except Exception as exc:  # noqa: BLE001  (following must not take the interface down)
            self.post_message(self.RunEvent(ev.Error(f"cannot follow the run: {exc}")))
        finally:
            self.post_message(self.Ended())

    def start(self, task: str, config) -> None:
        self.show_error(None)
        self.view.reset()
        self.running = True
        self.set_status(f"Starting {escape(task)} …", "training")
        self.action_pane("progress")
        self.worker = self.train(task, config)

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def train(self, task: str, config) -> None:
        worker = get_current_worker()
        try:
            for event in execute(task, config, self.app.dataset, self.app.runs_root,
                                 should_stop=lambda: worker.is_cancelled):
                self.post_message(self.RunEvent(event))
        except ConfigError as exc:
            self.post_message(self.Rejected(str(exc)))
        except DigitsError as exc:  # e.g. the dataset could not be loaded
            self.post_message(self.RunEvent(ev.Error(str(exc))))
        except Exception as exc:  # a failing task must not take the interface down; the core marked the run failed
            self.post_message(self.RunEvent(ev.Error(f"{type(exc).__name__}: {exc}")))
        finally:
            self.post_message(self.Ended())

    # --- the run's events ------------------------------------------------------------------------------

    def on_train_screen_run_event(self, message: RunEvent) -> None:
        event = message.event
        self.view.handle(event)
        if isinstance(event, ev.RunStarted) and not self.following:
            self.set_status(f"Training [b]{escape(event.run_id)}[/b] · esc cancels", "training")
        elif isinstance(event, ev.RunFinished):
            self.finished(event)
        elif isinstance(event, ev.RunInterrupted):
            self.set_status(f"[b]Interrupted[/b] at {escape(stop_point(event))}; the run is marked interrupted.",
                            "interrupted")
            self.notify(f"{event.run_id} interrupted at {stop_point(event)}", severity="warning")
        elif isinstance(event, ev.Error):
            self.set_status(f"[b]Failed:[/b] {escape(event.message)}", "failed")
            self.notify(event.message, title="training failed", severity="error", timeout=10)

    def on_train_screen_rejected(self, message: Rejected) -> None:
        self.set_status(f"Not started: {escape(message.message)}", "not started")
        self.view.note(f"[b]not started:[/b] {escape(message.message)}")
        self.refuse(message.message)

    def on_train_screen_ended(self, message: Ended) -> None:
        self.running, self.following = False, None

    def finished(self, event: ev.RunFinished) -> None:
        results = ", ".join(f"{label} {value:.2%}" for label, value in headline(event.task, event.metrics)) or "done"
        self.set_status(f"[b]Finished[/b] {escape(event.run_id)}: {escape(results)}", "finished")
        info = read_run(Path(event.run_dir)) if event.run_dir else None
        if not self.is_attached:  # the app is closing: nothing to open the run in
            return
        if info is None:
            self.notify(f"{event.run_id} finished: {results}", title="training finished")
        elif self.app.current_mode == "train":
            self.notify(f"{event.run_id} finished: {results}; opening it in Browse", title="training finished")
            self.app.open_run(info)
        else:  # do not pull the user away from the screen they went to
            self.notify(f"{event.run_id} finished: {results}; open it from Runs (1)", title="training finished",
                        timeout=10)

    # --- the form --------------------------------------------------------------------------------------

    @on(Select.Changed, "#task")
    def task_changed(self, event: Select.Changed) -> None:
        if event.value != self.form.task_name:
            self.form.load(str(event.value))
            self.show_error(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "cancel":
            self.action_cancel()
