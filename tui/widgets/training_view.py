"""`TrainingView`: a run in progress — a bar per phase, the loss and accuracy curves, the event log.

Feed it the run's events (`handle`), the same stream the CLI's display consumes; `reset` before
the next run. It keeps everything it was shown, so leaving the screen and coming back loses nothing.
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

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="phases")
        yield TrainingCurves()
        yield EventLog(id="event-log")

    @property
    def log_widget(self) -> EventLog:
        return self.query_one(EventLog)

    def reset(self) -> None:
        self.bars, self.keys, self.started = {}, {}, 0
        self.query_one("#phases").remove_children()
        self.query_one(TrainingCurves).reset()
        self.log_widget.clear()

    def note(self, text: str) -> None:
        """A line of the screen's own (a refused start, a cancel request) in the log."""
        self.log_widget.say(text)

    def handle(self, event: ev.Event) -> None:
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
