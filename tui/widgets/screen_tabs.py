"""`ScreenTabs`: one line naming every screen with its key, the current one marked; clickable.

The footer cannot hold the screen keys beside a screen's own keys at 80 columns, so the
screens are listed here, under the header, and the footer keeps the keys of the screen in use.
"""

from rich.markup import escape
from textual.widgets import Static


class ScreenTabs(Static):
    def __init__(self, current: str):
        super().__init__(id="screen-tabs")
        self.current = current

    def on_mount(self) -> None:
        from digits.tui.app import SCREENS

        parts = []
        for mode, (key, label, _screen) in SCREENS.items():
            text = escape(f"{key} {label}")
            if mode == self.current:
                parts.append(f"[reverse b] {text} [/]")
            else:
                parts.append(f"[@click=app.show('{mode}')] {text} [/]")
        self.update("".join(parts))
