"""`digits gallery`: a grid of test digits through one model's eyes, its mistakes first of all."""

from pathlib import Path

import numpy as np
import typer

from digits.commands import completion
from digits.commands.common import errors_reported, print_json
from digits.commands.drawing import (
    INVERT_OPTION,
    RENDER_OPTION,
    SCALE_OPTION,
    Card,
    default_scale,
    print_cards,
    result_console,
)
from digits.commands.run_views import (
    DATA_DIR_OPTION,
    JSON_OPTION,
    RUN_OPTION,
    RUNS_DIR_OPTION,
    RunViews,
    check_class,
    load_views,
)
from digits.core.errors import ConfigError
from digits.core.runs.inspection import rank
from digits.core.runs.record import Record

SORTS = ("confidence", "loss", "index")


def shown(model: str | None, record: Record) -> tuple[str, str | None]:
    """The model whose verdicts are drawn (default: the run's student, else its first model), and
    the one beside it (None when the run has one model)."""
    name = model or record.first("student") or next(iter(record.model_names), None)
    if name is None:  # a run that saved no networks: load_views says so
        return None, None
    return name, record.partner(name)


def caption(run: RunViews, name: str, other: str | None, i: int) -> list[str]:
    view = run.views[name]
    label, predicted = int(run.labels[i]), int(view.predicted[i])
    if predicted == label:
        lines = [f"#{i} [green]{label} ✓[/] {view.confidence[i]:.0%}"]
    else:
        lines = [f"#{i} {label}→[red]{predicted}[/] {view.confidence[i]:.0%}"]
    if other:
        o = run.views[other]
        lines.append(f"[dim]{other}:[/] {int(o.predicted[i])} {o.confidence[i]:.0%}")
    return lines


def gallery(
    run: str | None = RUN_OPTION,
    model: str | None = typer.Option(None, "--model", help="Model whose verdicts are shown (default: the student, "
                                                           "or the run's only model).",
                                     autocompletion=completion.models),
    misclassified: bool = typer.Option(False, "--misclassified", "-m", help="Only the model's mistakes."),
    digit: int | None = typer.Option(None, "--class", help="Only digits of this true class."),
    sort: str = typer.Option(None, "--sort", help="confidence | loss | index (default: confidence, highest first, "
                                                  "with --misclassified; else index)."),
    limit: int = typer.Option(24, "--limit", min=1, help="At most this many digits."),
    render: str = RENDER_OPTION,
    scale: int | None = SCALE_OPTION,
    invert: bool = INVERT_OPTION,
    runs_dir: Path | None = RUNS_DIR_OPTION,
    data_dir: Path | None = DATA_DIR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """A grid of test digits that fills the terminal: true label, the model's prediction and
    confidence, and what the other model of the run said."""
    with errors_reported(json_out):
        sort = sort or ("confidence" if misclassified else "index")
        if sort not in SORTS:
            raise ConfigError(f"--sort {sort!r} is not a sort order; use one of {', '.join(SORTS)}")
        console, mode = result_console(render, interactive=False if json_out else None)
        views = load_views(run, runs_dir, data_dir, lambda record: [n for n in shown(model, record) if n])
        check_class(digit, views.data.num_classes)
    name, other = shown(model, views.record)
    view = views.views[name]
    keep = np.ones(len(views.labels), bool)
    if misclassified:
        keep &= ~view.correct
    if digit is not None:
        keep &= views.labels == digit
    matching = np.flatnonzero(keep)
    chosen = rank(view, matching, sort)[:limit]
    if json_out:
        for i in chosen.tolist():
            item = {"index": i, "label": int(views.labels[i]), "model": name, "prediction": int(view.predicted[i]),
                    "confidence": float(view.confidence[i]), "loss": float(view.loss[i])}
            if other:
                item["other"] = {"model": other, "prediction": int(views.views[other].predicted[i]),
                                 "confidence": float(views.views[other].confidence[i])}
            print_json(item)
        return
    what = "mistakes" if misclassified else "digits"
    scope = f" of class {digit}" if digit is not None else ""
    console.print(f"run [bold]{views.info['run_id']}[/] · [bold]{name}[/]: {view.accuracy:.2%} accuracy, "
                  f"{int((~view.correct).sum()):,} mistakes · showing {len(chosen)} of {len(matching):,} "
                  f"{what}{scope}, by {sort}" + (f" · beside {other}" if other else ""), highlight=False)
    cards = [Card(views.data.test_images[i], caption(views, name, other, i), bool(view.correct[i]))
             for i in chosen.tolist()]
    print_cards(console, cards, mode, scale or default_scale(mode, large=False), invert, compact=True)
