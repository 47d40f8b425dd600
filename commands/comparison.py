"""Rich rendering of a Comparison event: models side by side, per-class bars, agreement, published figures."""

from rich.columns import Columns
from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from digits.imaging.render import ascii_art

BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(fraction: float, width: int = 6) -> str:
    """A horizontal bar of `width` cells filled to `fraction`, in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (BLOCKS[part] if part else "")).ljust(width)


def pct(value) -> str:
    return "-" if value is None else f"{value:.1%}"


def models_table(models: list[dict]) -> Table:
    seeds = max(len(m.get("per_seed", [])) for m in models)
    table = Table(title="test accuracy", title_justify="left", pad_edge=False)
    table.add_column("model")
    table.add_column("accuracy", justify="right")
    if seeds > 1:
        table.add_column("± std", justify="right")
        table.add_column("95% interval", justify="right")
        table.add_column(f"per seed ({seeds})")
    for m in models:
        row = [escape(m["label"]), pct(m["test_accuracy"])]
        if seeds > 1:
            low, high = max(0.0, m["test_accuracy"] - m["ci95"]), min(1.0, m["test_accuracy"] + m["ci95"])
            row += [f"{m['std']:.1%}", f"{low:.1%}–{high:.1%}", " ".join(f"{v:.2f}" for v in m["per_seed"])]
        table.add_row(*row)
    return table


def per_class_table(models: list[dict], highlight: list[int]) -> Table:
    table = Table(title="per-class accuracy" + (" (* never seen by the student)" if highlight else ""),
                  title_justify="left", pad_edge=False, box=None)
    table.add_column("digit")
    for m in models:
        table.add_column(escape(m.get("short", m["name"])), no_wrap=True)
    for c in range(len(models[0]["per_class"])):
        marked = c in highlight
        cells = [f"{bar(m['per_class'][c], 4)}{m['per_class'][c]:>4.0%}" for m in models]
        table.add_row(f"{c}{'*' if marked else ' '}", *cells, style="bold yellow" if marked else None)
    return table


def reference_table(rows: list[dict]) -> Table:
    table = Table(title="ours beside the published figures", title_justify="left", pad_edge=False)
    table.add_column("what")
    table.add_column("ours", justify="right")
    table.add_column("published", justify="right")
    for row in rows:
        table.add_row(escape(row["what"]), pct(row["ours"]), pct(row["published"]))
    return table


def example_panels(examples: dict, models: list[dict]) -> Columns:
    short = {m["name"]: m.get("short", m["name"]) for m in models}
    panels = []
    for i, (image, label) in enumerate(zip(examples["images"], examples["labels"])):
        lines = Text("\n".join(ascii_art(image, stretch=1, crop=4, rows_per_line=2)) + "\n")
        for name, predictions in examples["predictions"].items():
            guess = predictions[i]
            lines.append(f"\n{short.get(name, name)[:10]:<10} {guess} ")
            lines.append("✓" if guess == label else "✗", style="green" if guess == label else "red")
        panels.append(Panel(lines, title=f"true {label}", expand=False))
    return Columns(panels)


def render_comparison(c: dict) -> Group:
    """The end-of-run panel for a task's `comparison` (the dict form of the event)."""
    parts = [Rule(escape(c["title"])), models_table(c["models"]), per_class_table(c["models"], c.get("highlight", []))]
    if c.get("agreement"):
        short = {m["name"]: m.get("short", m["name"]) for m in c["models"]}
        pairs = [(short.get(k.removeprefix("teacher vs "), k.removeprefix("teacher vs ")), v)
                 for k, v in c["agreement"].items()]
        parts.append(Text("agreement with the teacher on test predictions: " +
                          ", ".join(f"{name} {v:.1%}" for name, v in pairs)))
    if c.get("reference"):
        parts.append(reference_table(c["reference"]))
    for note in c.get("notes", []):
        parts.append(Text(note, style="dim"))
    if c.get("examples"):
        parts.append(example_panels(c["examples"], c["models"]))
    return Group(*parts)
