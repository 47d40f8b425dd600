"""`LabScreen`: the base of every screen that shows the loaded run (the app's `lab`).

A screen remembers which Lab it last drew; when it is shown again after another run was loaded
(or the lab changes while it is on screen) it redraws itself through `show_lab`.

`action_report` writes the report of the screen's run (`report_target`: the loaded run, unless the
screen says otherwise) through the app's report worker; the screens offering it bind `report_binding()`.
"""

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from digits.tui.lab import Lab
from digits.tui.widgets.screen_tabs import ScreenTabs


def report_binding(show: bool = True) -> Binding:
    """The key of `action_report` (`show=False`: not in the footer, where it would push others out)."""
    return Binding("r", "report", "Report", show=show)


class LabScreen(Screen):
    NO_REPORT_TARGET = "No run loaded: open one on the Runs screen (1), then press r."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shown: Lab | None = None

    def on_mount(self) -> None:
        headers = self.query(Header)
        if headers and self.mode_name:
            self.mount(ScreenTabs(self.mode_name), after=headers.first())

    @property
    def mode_name(self) -> str | None:
        """The app mode showing this screen (from the app's table of screens)."""
        from digits.tui.app import SCREENS

        return next((mode for mode, (_key, _label, name) in SCREENS.items()
                     if type(self).__name__ == name and type(self).__module__.endswith(f".{mode}")), None)

    def on_screen_resume(self) -> None:
        self.sync_lab()

    def sync_lab(self) -> None:
        lab = self.app.lab
        if lab is not None and lab is not self._shown:
            self._shown = lab
            self.sub_title = lab.title
            self.show_lab(lab)

    def show_lab(self, lab: Lab) -> None:
        """Draw the screen for `lab` (subclasses)."""

    def report_target(self) -> dict | None:
        """The run (its record, with its `path`) whose report `r` writes: the loaded one."""
        lab = self.app.lab
        return lab.info if lab is not None else None

    def action_report(self) -> None:
        info = self.report_target()
        if info is None:
            self.notify(self.NO_REPORT_TARGET, severity="warning", timeout=4)
            return
        self.app.write_report(str(info["path"]), info["run_id"])

    def report_written(self) -> None:
        """A report was written while this screen was shown (subclasses that show reports)."""
