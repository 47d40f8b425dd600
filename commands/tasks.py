"""`digits tasks`: the experiments digits can run."""

import typer
from rich.table import Table

from digits.commands.common import out_console, print_json
from digits.core.tasks import TASKS


def tasks(json_out: bool = typer.Option(False, "--json", help="One JSON object per task on stdout.")) -> None:
    """List the tasks: name, what it shows, and the paper it reproduces."""
    if json_out:
        for name, task in sorted(TASKS.items()):
            print_json({"name": name, "summary": task.summary, "reference": task.reference})
        return
    table = Table(title="digits tasks", title_justify="left")
    for column in ("task", "what it shows", "reference"):
        table.add_column(column, overflow="fold")
    for name, task in sorted(TASKS.items()):
        table.add_row(name, task.summary, task.reference)
    out_console().print(table)
