"""`TrainingView`: a run in progress — a bar per phase, the loss and accuracy curves, the event log.

Feed it the run's events (`handle`), the same stream the CLI's display consumes; `reset` before
the next run. It keeps everything it was shown, so leaving the screen and coming back loses nothing.

Events come from a worker thread and may arrive before the view is mounted, or after it stopped
being attached (the app closing while a run still reports): mounting a phase's bar then would raise
MountError. Such events wait in a backlog and are drawn, in order, once the view is mounted.
"""

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll

from digits.core import events as ev
from digits.tui.widgets.event_log import EventLog
from digits.tui.widgets.phase_progress import PhaseProgress
from digits.tui.widgets.training_curves import TrainingCurves

MARKERS = "●+×◆*#o%"  # one per phase, cycling; shapes that differ in monochrome


class TrainingView(Vertical):
    DEFAULT_CSS = """
    TrainingView {
        #phases { height: auto; max-height: 5; }
        EventLog { height: 1fr; min-height: 4; }
    }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bars: dict[str, PhaseProgress] = {}  # phase name -> its latest bar
        self.keys: dict[str, str] = {}  # phase name -> key of its latest curves
        self.started = 0  # phases started so far
        # What arrived while the view could not draw (not yet mounted, or detached): (kind, payload)
        # in arrival order, replayed by on_mount. `live` is set once the backlog has been drawn.
        self.backlog: list[tuple[str, object]] = []
        self.live = False

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="phases")
        yield TrainingCurves()
        yield EventLog(id="event-log")

    @property
    def log_widget(self) -> EventLog:
        return self.query_one(EventLog)

    def on_mount(self) -> None:
        backlog, self.backlog = self.backlog, []
        self.live = True
        for kind, payload in backlog:
            self._apply(kind, payload)

    def can_draw(self) -> bool:
        # is_attached turns False while the app exits, though the widgets are still mounted
        return self.live and self.is_attached

    def _submit(self, kind: str, payload: object) -> None:
        if self.can_draw() and not self.backlog:
            self._apply(kind, payload)
        else:
            self.backlog.append((kind, payload))

    def _apply(self, kind: str, payload: object) -> None:
        if kind == "reset":
            self._reset()
        elif kind == "note":
            self.log_widget.say(payload)
        else:
            self._handle(payload)

    def reset(self) -> None:
        """Forget the last run (also what it left in the backlog)."""
        self.backlog = []
        self._submit("reset", None)

    def note(self, text: str) -> None:
        """A line of the screen's own (a refused start, a cancel request) in the log."""
        self._submit("note", text)

    def handle(self, event: ev.Event) -> None:
        """Show one event of the run (now, or once the view is mounted)."""
        self._submit("event", event)

    def _reset(self) -> None:
        self.bars, self.keys, self.started = {}, {}, 0
        self.query_one("#phases").remove_children()
        self.query_one(TrainingCurves).reset()
        self.log_widget.clear()

    def _handle(self, event: ev.Event) -> None:
        self.log_widget.handle(event)
        if isinstance(event, ev.PhaseStarted):
            # A phase name can come back (subliminal repeats its phases per seed): a new bar and curve each time.
            self.keys[event.phase] = f"{event.phase}#{self.started}"
            bar = PhaseProgress(event, MARKERS[self.started % len(MARKERS)])
            self.started += 1
            self.bars[event.phase] = bar
            phases = self.query_one("#phases")
            phases.mount(bar)
            phases.scroll_end(animate=False)
        elif isinstance(event, ev.Progress) and event.phase in self.bars:
            self.bars[event.phase].progress(event)
        elif isinstance(event, ev.EpochFinished) and event.phase in self.bars:
            bar = self.bars[event.phase]
            bar.epoch_finished(event)
            self.query_one(TrainingCurves).add_epoch(self.keys[event.phase], bar.marker, event)
        elif isinstance(event, ev.PhaseFinished) and event.phase in self.bars:
            self.bars[event.phase].finished(event)
        elif isinstance(event, ev.RunInterrupted) and event.phase in self.bars:
            self.bars[event.phase].stopped()
