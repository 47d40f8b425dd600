"""`HelpScreen`: the keys of every screen, shown over the current one by `?`."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# digits tui

Switch screens with the number keys (also in the footer and the command palette, `ctrl+p`):

| key | screen | what it shows |
| --- | --- | --- |
| `1` | Runs | your saved runs; `enter` opens one, `r` writes its report, `d` the test set alone, `n` a quick baseline |
| `2` | Browse | the 10,000 test digits through the run's models; `enter` details a digit |
| `3` | Mistakes | one model's errors, most confident first, with what the others said |
| `4` | Compare | accuracy, per-class accuracy, confusion and agreement of the run's models |
| `5` | Train | pick a task, edit its options, start it, watch it learn; `escape` cancels |
| `6` | Inside | the first layer's weights as 28×28 images, model beside model |
| `7` | Draw | draw a digit with the mouse (or the keyboard) and see every model's guess |
| `8` | Sweeps | your sweeps, live; `enter` opens one (stats per point), a cell (`c`: Compare); `g`: points compared |

**Runs side by side**: on Runs, `space` marks (or unmarks) the highlighted run and `c` compares
the marked ones (two or more): their curves per phase (`p`/`P` pick the phase), each run in its
own colour and marker, their headline metrics and the options that differ; `escape` goes back.

**Browse / Mistakes**: arrows move, `pgup`/`pgdn` page, `home`/`end`, `enter` details (there `←`/`→`
step through the list). `w` shows wrong / right / all, `t` and `p` cycle the true and predicted
class (`T`, `P` backwards, `M` for the model), `s` sorts by index, confidence or loss, `m` cycles the model, `x` clears.
The filter bar is clickable.

**Compare**: `a`/`A` and `b`/`B` pick the left and right model, `s` swaps them, `c` shows counts
instead of percentages in the confusion matrices (when the terminal is wide enough), `r` writes the run's report.

**Reports**: `r` on the Runs and Compare screens writes the run's report (as `digits report` does: figures,
report.html and report.md in the run's `report/` directory) in the background and says where it is.

**Inside**: `←`/`→` (or `n`/`p`) change the unit, `↑`/`↓` move a row in the grid, `a`/`A`, `b`/`B`,
`s` pick the models, `g` which model the grid shows, `d` weights or their change since the
untrained network (subliminal runs).

**Draw**: drag the mouse to draw; or arrows move the cursor (`shift` for 4 cells), `space` paints a
dot, `enter` puts the pen down or lifts it (moves draw while it is down), `escape` lifts it. `u` or
`ctrl+z` undoes a stroke, `c` clears.

`?` this help · `q` quit · `escape` closes a panel.
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)
