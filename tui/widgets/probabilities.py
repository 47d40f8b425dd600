"""Probability bars of several models side by side, as a Rich table (classes as rows)."""

import numpy as np
from rich.table import Table
from rich.text import Text

BAR_WIDTH = 4
EIGHTHS = " ▏▎▍▌▋▊▉█"


def bar(p: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of `width` cells filled to `p` (eighth-cell steps)."""
    eighths = int(round(float(np.clip(p, 0, 1)) * width * 8))
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


def probability_table(probs: dict[str, np.ndarray], label: int | None = None, omitted: tuple[int, ...] = (),
                      width: int = BAR_WIDTH) -> Table:
    """One column per model (keys are the headers): a bar and a percentage per class; each model's
    choice in bold and marked ◀; the true class marked ✓ in the class column, omitted classes †."""
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    table.add_column("", no_wrap=True)
    for name in probs:
        table.add_column(name, no_wrap=True, max_width=width + 5, overflow="ellipsis")
    for cls in range(10):
        mark = ("✓" if cls == label else " ") + ("†" if cls in omitted else " ")
        row = [Text(f"{cls}{mark}", style="bold" if cls == label else "")]
        for p in probs.values():
            chosen = int(np.argmax(p)) == cls
            cell = Text(bar(p[cls], width), style="green" if cls == label else "red" if chosen else "")
            cell.append(f"{p[cls]:4.0%}"[-4:], style="bold" if chosen else "dim")
            cell.append("◀" if chosen else " ")
            row.append(cell)
        table.add_row(*row)
    return table


def top3(p: np.ndarray) -> str:
    order = np.argsort(-p, kind="stable")[:3]
    return " · ".join(f"{int(c)} {p[c]:.0%}" for c in order)
