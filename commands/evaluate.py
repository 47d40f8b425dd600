"""`digits eval`: per-class accuracy, confusion matrices, top confusions, teacher/student agreement."""

from pathlib import Path

import numpy as np
from rich.table import Table

from digits.commands.common import errors_reported, out_console, print_json
from digits.commands.run_views import (
    DATA_DIR_OPTION,
    JSON_OPTION,
    RUN_OPTION,
    RUNS_DIR_OPTION,
    load_views,
)
from digits.core.runs.inspection import confusion_matrix, top_confusions
from digits.core.stats import per_class_accuracy


def shade(count: int, top: int, diagonal: bool) -> str:
    """A background whose strength grows with the count: green on the diagonal, red off it."""
    if count == 0 or top == 0:
        return ""
    strength = 0.15 + 0.85 * (np.log1p(count) / np.log1p(top))
    level = int(40 + 140 * strength)
    return f"on rgb(0,{level},0)" if diagonal else f"on rgb({level},0,0)"


def matrix_table(title: str, matrix: np.ndarray, rows: str, cols: str, mark_diagonal: bool = True) -> Table:
    classes = matrix.shape[0]
    table = Table(title=title, title_justify="left", caption=f"rows: {rows} · columns: {cols}",
                  caption_justify="left", padding=(0, 1))
    table.add_column("", justify="right", style="bold")
    for c in range(classes):
        table.add_column(str(c), justify="right")
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    top_off, top_diag = int(off.max()), int(np.diag(matrix).max())
    for r in range(classes):
        cells = []
        for c in range(classes):
            n = int(matrix[r, c])
            diag = r == c and mark_diagonal
            style = shade(n, top_diag if diag else top_off, diag)
            cells.append(f"[{style}]{n}[/]" if style else ("·" if n == 0 else str(n)))
        table.add_row(str(r), *cells)
    return table


def evaluate(
    run: str | None = RUN_OPTION,
    runs_dir: Path | None = RUNS_DIR_OPTION,
    data_dir: Path | None = DATA_DIR_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Score every model of a run on the test set: per-class accuracy, confusion matrix, top
    confusions, and how often the run's main pair (teacher and student) agree, class by class."""
    console = out_console()
    with errors_reported(json_out):
        views = load_views(run, runs_dir, data_dir, lambda record: record.model_names, run_subset=True)
    labels, classes = views.labels, views.data.num_classes
    detailed = views.record.default_models()
    report = {"run_id": views.info["run_id"], "task": views.info.get("task"), "test_digits": len(labels),
              "models": {}}
    for name, view in views.views.items():
        matrix = confusion_matrix(labels, view.predicted, classes)
        report["models"][name] = {
            "accuracy": view.accuracy, "errors": int((~view.correct).sum()),
            "per_class": per_class_accuracy(view.predicted, labels, classes),
            "confusion": matrix.tolist(), "top_confusions": [
                {"true": t, "predicted": p, "count": n} for t, p, n in top_confusions(matrix)],
        }
        model = views.record.model(name)
        if model.multi_head:  # each head on the digits of its own classes, as the task scores it
            report["models"][name]["heads"] = {
                head.name: float(view.correct[np.isin(labels, head.classes)].mean()) for head in model.heads}
    pair = views.record.pair()
    if len(pair) == 2:
        t, s = (views.views[n].predicted for n in pair)
        report["agreement"] = {"models": pair, "rate": float((t == s).mean()),
                               "matrix": confusion_matrix(t, s, classes).tolist()}
    if json_out:
        print_json(report)
        return
    scope = "" if views.whole_test_set else " (the subset the run was scored on)"
    console.print(f"run [bold]{views.info['run_id']}[/] ({views.info.get('task')}) · {len(labels):,} test digits"
                  f"{scope}", highlight=False)
    table = Table(title="accuracy per class", title_justify="left")
    table.add_column("class", justify="right")
    table.add_column("digits", justify="right")
    for name in views.views:
        table.add_column(name, justify="right")
    counts = np.bincount(labels, minlength=classes)
    for c in range(classes):
        table.add_row(str(c), f"{counts[c]:,}", *(f"{report['models'][n]['per_class'][c]:.2%}" for n in views.views))
    table.add_row("all", f"{len(labels):,}", *(f"[bold]{report['models'][n]['accuracy']:.2%}[/]" for n in views.views),
                  end_section=True)
    heads = sorted({h for n in views.views for h in report["models"][n].get("heads", {})})
    for head in heads:  # multi-head models: each head on its own classes
        table.add_row(head, "", *(f"{report['models'][n]['heads'][head]:.2%}" if head in report["models"][n].get(
            "heads", {}) else "-" for n in views.views))
    console.print(table)
    for name in detailed:
        model = report["models"][name]
        console.print(matrix_table(f"{name}: confusion matrix ({model['errors']:,} errors)",
                                   np.asarray(model["confusion"]), "true class", f"{name}'s prediction"))
        tops = ", ".join(f"{c['true']}→{c['predicted']} ×{c['count']}" for c in model["top_confusions"]) or "none"
        console.print(f"  top confusions of {name} (true→predicted): {tops}\n", highlight=False)
    if "agreement" in report:
        a, b = pair
        console.print(matrix_table(f"agreement: {a} and {b} predict the same digit on "
                                   f"{report['agreement']['rate']:.2%} of test images",
                                   np.asarray(report["agreement"]["matrix"]), f"{a}'s prediction", f"{b}'s prediction"))
