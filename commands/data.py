"""`digits data`: inspect the dataset in use."""

from pathlib import Path

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from digits.commands.common import errors_reported, out_console, print_json
from digits.core.data.dataset import load_dataset

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command()
def info(
    data_dir: Path | None = typer.Option(None, "--data-dir", help="Directory of MNIST-layout IDX files "
                                            "(default $DIGITS_DATA_DIR or the bundled MNIST)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Show the dataset in use: source, sizes, class counts and checksum status."""
    with errors_reported(json_out):
        data = load_dataset(data_dir)
    classes = data.num_classes
    counts = {split: np.bincount(labels, minlength=classes).tolist()
              for split, labels in (("train", data.train_labels), ("test", data.test_labels))}
    summary = {
        "source": data.source, "bundled": data.bundled, "name": data.name,
        "train": len(data.train_images), "test": len(data.test_images),
        "image_shape": list(data.image_shape), "classes": classes,
        "class_counts": counts, "checksums": data.checksums,
    }
    if json_out:
        print_json(summary)
        return
    console = out_console()
    console.print(f"[bold]{escape(data.name)}[/]  ({escape(data.source)})")
    console.print(f"train {len(data.train_images):,} · test {len(data.test_images):,} · "
                  f"images {data.image_shape[0]}×{data.image_shape[1]} uint8 · {classes} classes")
    table = Table(title="class counts", title_justify="left")
    table.add_column("split")
    for c in range(classes):
        table.add_column(str(c), justify="right")
    for split, row in counts.items():
        table.add_row(split, *map(str, row))
    console.print(table)
    status = {"ok": "[green]matches official MNIST MD5[/]"}
    for name, state in data.checksums.items():
        console.print(f"  {name}: {status.get(state, f'[yellow]{state}[/] (not enforced for --data-dir)')}")
