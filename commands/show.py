"""`digits show`: test digits drawn in the terminal with every chosen model's prediction."""

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
from digits.core.errors import RunLookupError
from digits.core.runs.record import Record

MODEL_OPTION = typer.Option(None, "--model", help="Model of the run to show (repeatable, or 'all'); default: "
                                                  "teacher and student, or the run's only model.",
                            autocompletion=completion.models_or_all)


def chosen_models(model: list[str] | None, record: Record) -> list[str]:
    """--model as given ("all": every model), else teacher and student, else every model."""
    if model and "all" in model:
        return record.model_names
    return model or record.default_models()


def pick(run: RunViews, indices: list[int] | None, digit: int | None, count: int | None,
         seed: int | None) -> np.ndarray:
    n = len(run.labels)
    if indices:
        bad = [i for i in indices if not 0 <= i < n]
        if bad:
            raise RunLookupError(f"test index {bad[0]} is out of range: the test set has {n:,} digits (0-{n - 1})")
        chosen = np.asarray(indices)
        return chosen[run.labels[chosen] == digit] if digit is not None else chosen
    candidates = np.arange(n) if digit is None else np.flatnonzero(run.labels == digit)
    if count is None:
        return candidates[:8]
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(candidates, min(count, len(candidates)), replace=False))


def verdict(run: RunViews, name: str, i: int) -> dict:
    view = run.views[name]
    return {"prediction": int(view.predicted[i]), "confidence": float(view.confidence[i]),
            "correct": bool(view.correct[i]), "probabilities": [round(float(p), 6) for p in view.probs[i]]}


def caption(run: RunViews, i: int) -> list[str]:
    lines = [f"[bold]#{i}[/]  true [bold]{int(run.labels[i])}[/]"]
    width = max(len(name) for name in run.views)
    for name, view in run.views.items():
        mark = "[green]✓[/]" if view.correct[i] else "[red]✗[/]"
        lines.append(f"{name:<{width}} {int(view.predicted[i])} {view.confidence[i]:>4.0%} {mark}")
    return lines


def show(
    indices: list[int] | None = typer.Argument(None, help="Test-set indices (0-9999); default: the first 8."),
    run: str | None = RUN_OPTION,
    model: list[str] | None = MODEL_OPTION,
    random: int | None = typer.Option(None, "--random", min=1, help="Show this many random test digits."),
    digit: int | None = typer.Option(None, "--class", help="Only digits of this true class."),
    seed: int | None = typer.Option(None, "--seed", help="Seed for --random (default: different each time)."),
    render: str = RENDER_OPTION,
    scale: int | None = SCALE_OPTION,
    invert: bool = INVERT_OPTION,
    runs_dir: Path | None = RUNS_DIR_OPTION,
    data_dir: Path | None = DATA_DIR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Draw test digits with the true label and each model's prediction and confidence."""
    with errors_reported(json_out):
        console, mode = result_console(render, interactive=False if json_out else None)
        views = load_views(run, runs_dir, data_dir, lambda record: chosen_models(model, record))
        check_class(digit, views.data.num_classes)
        chosen = pick(views, indices, digit, random, seed)
    if json_out:
        for i in chosen.tolist():
            print_json({"index": i, "label": int(views.labels[i]),
                        "models": {name: verdict(views, name, i) for name in views.views}})
        return
    console.print(f"run [bold]{views.info['run_id']}[/] · {', '.join(views.views)} · {mode}", highlight=False)
    if not len(chosen):
        console.print("no test digits match")
        return
    cards = [Card(views.data.test_images[i], caption(views, i), all(v.correct[i] for v in views.views.values()))
             for i in chosen.tolist()]
    print_cards(console, cards, mode, scale or default_scale(mode, large=True), invert)
