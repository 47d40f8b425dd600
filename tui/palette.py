"""Command-palette entries of the TUI: open a saved run, switch screen."""

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from digits.core.runs.directory import list_runs


class LabCommands(Provider):
    """"Open run …" for every saved run and "Go to …" for every screen."""

    def _commands(self):
        app = self.app
        from digits.tui.app import SCREENS

        out = [(f"Go to {label}", partial(app.action_show, mode), f"screen {key}")
               for mode, (key, label, _screen) in SCREENS.items()]
        out.append(("Browse the test set alone", partial(app.open_run, None), "no run needed"))
        for info in reversed(list_runs(app.runs_root)):
            if info.get("models"):
                out.append((f"Open run {info['run_id']}", partial(app.open_run, info), info.get("status", "")))
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
