"""The figures every run has, from its record and event log: training curves, each model's accuracy
beside the published figures, accuracy per class, confusion matrices, sample test digits with every
model's prediction and the most confident mistakes. The task adds its own (`Task.figures`)."""

import re

import numpy as np

from digits.core.errors import DigitsError
from digits.core.figures.kinds import BarGroup, Bars, Chart, Figure, Images, Mark, Matrices, Matrix, Panel, Series
from digits.core.figures.source import RunSource
from digits.core.runs.inspection import confusion_matrix
from digits.core.stats import per_class_accuracy

SEED_SUFFIX = re.compile(r"\s*\(seed (\d+)\)$")
SAMPLES = 16
MISTAKES = 16
MAX_MATRICES = 4
MAX_SAMPLE_MODELS = 6


def run_figures(source: RunSource) -> list[Figure]:
    """The common figures of a run, then its task's; a figure without data is left out."""
    from digits.core.tasks import TASKS

    task = TASKS.get(source.info.get("task"))
    common = [training_curves(source), model_accuracy(source), published(source), per_class(source, task)]
    if source.views:
        common += [confusions(source), samples(source), mistakes(source)]
    try:
        own = task().figures(source) if task else []
    except DigitsError as exc:
        source.left_out.append(f"the task's own figures: {exc}")
        own = []
    return [f for f in common + own if f is not None]


def phase_groups(events: list[dict]) -> dict[str, dict[int, list[dict]]]:
    """phase name without its seed -> seed -> that phase's epoch_finished events, in order."""
    groups: dict[str, dict[int, list[dict]]] = {}
    for event in events:
        if event.get("event") != "epoch_finished" or not isinstance(event.get("phase"), str):
            continue
        found = SEED_SUFFIX.search(event["phase"])
        name = SEED_SUFFIX.sub("", event["phase"])
        groups.setdefault(name, {}).setdefault(int(found.group(1)) if found else -1, []).append(event)
    return groups


def over_seeds(label: str, runs: list[list[dict]], key: str) -> Series | None:
    """One series per phase: its value per epoch, the mean over seeds with a min-max band when the
    phase ran for several seeds."""
    epochs = sorted({e["epoch"] for run in runs for e in run if isinstance(e.get(key), (int, float))})
    if not epochs:
        return None
    table = [[next((e[key] for e in run if e["epoch"] == epoch and isinstance(e.get(key), (int, float))), None)
              for run in runs] for epoch in epochs]
    means = [float(np.mean([v for v in row if v is not None])) for row in table]
    if len(runs) == 1:
        return Series(label, [float(e) for e in epochs], means)
    lows = [float(min(v for v in row if v is not None)) for row in table]
    highs = [float(max(v for v in row if v is not None)) for row in table]
    return Series(f"{label} ({len(runs)} seeds)", [float(e) for e in epochs], means, lows, highs)


def training_curves(source: RunSource) -> Chart | None:
    groups = phase_groups(source.events)
    if not groups:
        return None
    loss = [s for name, runs in groups.items() if (s := over_seeds(name, list(runs.values()), "train_loss"))]
    accuracy = [s for name, runs in groups.items() if (s := over_seeds(name, list(runs.values()), "test_accuracy"))]
    epochs = sorted({x for s in loss + accuracy for x in s.x})
    ticks = epochs if len(epochs) <= 12 else None
    several = any(s.lo is not None for s in loss)
    panels = [Panel("epoch", "training loss", loss, title="training loss", xticks=ticks)]
    if accuracy:
        panels.append(Panel("epoch", "test accuracy", accuracy, title="test accuracy after each epoch",
                            xticks=ticks, percent=True))
    return Chart("curves", "Training curves",
                 "Each phase's own training loss (mean over the epoch's batches; phases may minimise different "
                 "losses) and test accuracy after each epoch, every phase of the run on shared axes"
                 + ("; several seeds: their mean, the band from lowest to highest" if several else "") + ".", panels)


def comparison_models(source: RunSource) -> list[dict]:
    """The models the run compares (its comparison panel, which may hold derived models such as an
    average of columns), else every saved model scored on the test digits."""
    models = [m for m in (source.info.get("comparison") or {}).get("models") or []
              if isinstance(m.get("test_accuracy"), (int, float))]
    if models:
        return models
    roles = {m.name: m for m in source.record.models}
    classes = source.dataset.num_classes if source.views else 10
    return [{"name": n, "label": roles[n].label, "short": roles[n].short, "role": roles[n].role,
             "test_accuracy": v.accuracy, "per_class": per_class_accuracy(v.predicted, v.labels, classes)}
            for n, v in source.views.items()]


def role_of(source: RunSource, name: str) -> str | None:
    try:
        return source.record.model(name).role
    except KeyError:
        return None


def short(model: dict) -> str:
    return model.get("short") or model.get("name", "?")


def as_error(values: list[float]) -> bool:
    """Accuracies all above 80% read better as error rates (98.2% vs 98.6% is 1.8% vs 1.4%)."""
    return bool(values) and min(values) > 0.8


def model_accuracy(source: RunSource) -> Bars | None:
    models = comparison_models(source)
    floors = [m for m in models if role_of(source, m["name"]) == "untrained"]
    shown = [m for m in models if m not in floors]
    if not shown:
        return None
    accuracies = [m["test_accuracy"] for m in shown]
    error = as_error(accuracies)
    values = [1 - a if error else a for a in accuracies]
    errors = [m.get("ci95") for m in shown]
    marks = [Mark(f["test_accuracy"], f"{short(f)} (untrained floor)") for f in floors if not error]
    seeds = len((source.info.get("results") or {}).get("seeds") or [])
    return Bars("accuracy", "Test accuracy of each model" if not error else "Test error of each model",
                ("Each model's " + ("error rate" if error else "accuracy") + " on the test digits the run was scored on"
                 + (f"; mean over {seeds} seeds with its 95% interval" if seeds > 1 and any(errors) else "")
                 + ("; the dashed line is the untrained network, the floor a student starts from" if marks else "")
                 + "."),
                categories=[short(m) for m in shown],
                groups=[BarGroup("ours", values, errors if any(e is not None for e in errors) else None)],
                ylabel="test error" if error else "test accuracy", marks=marks)


def published(source: RunSource) -> Bars | None:
    rows = [r for r in source.info.get("reference") or []
            if isinstance(r.get("ours"), (int, float)) and isinstance(r.get("published"), (int, float))]
    if not rows:
        return None
    error = as_error([r[k] for r in rows for k in ("ours", "published")])
    value = (lambda v: 1 - v) if error else (lambda v: v)
    return Bars("published", "Ours beside the published figures",
                "Each figure the reference reports beside this run's, as " + ("error rates (1 − accuracy)." if error
                                                                             else "accuracies."),
                categories=[r["what"] for r in rows],
                groups=[BarGroup("this run", [value(r["ours"]) for r in rows]),
                        BarGroup("published", [value(r["published"]) for r in rows])],
                ylabel="error rate" if error else "accuracy", horizontal=True)


def per_class(source: RunSource, task) -> Bars | None:
    models = [m for m in comparison_models(source) if isinstance(m.get("per_class"), list)
              and role_of(source, m["name"]) != "untrained"]
    if not models:
        return None
    classes = len(models[0]["per_class"])
    highlight = [c for c in source.record.highlight if 0 <= c < classes]
    label = getattr(task, "highlight_label", "") if task else ""
    error = as_error([v for m in models for v in m["per_class"]])
    return Bars("per_class", "Test error per digit" if error else "Accuracy per digit",
                "Each model's " + ("error rate" if error else "accuracy") + " on the test digits of each class"
                + (f"; shaded: {label or 'the classes the run marks'} ({', '.join(map(str, highlight))})"
                   if highlight else "") + ".",
                categories=[str(c) for c in range(classes)],
                groups=[BarGroup(short(m), [1 - v if error else v for v in m["per_class"]]) for m in models],
                xlabel="digit", ylabel="test error" if error else "test accuracy", highlight=highlight,
                highlight_label=label)


def confusions(source: RunSource) -> Matrices:
    names = [n for n in source.record.default_models() if n in source.views][:MAX_MATRICES]
    classes = source.dataset.num_classes
    matrices = []
    for name in names:
        view = source.views[name]
        label = source.record.model(name).short
        matrices.append(Matrix(f"{label} ({int((~view.correct).sum()):,} errors)",
                               confusion_matrix(view.labels, view.predicted, classes).tolist(),
                               columns=f"{label}'s prediction"))
    return Matrices("confusion", "Confusion matrices",
                    "How many test digits of each true class (rows) each model predicted as each class (columns); "
                    "the diagonal is what it got right.", matrices=matrices)


def sample_models(source: RunSource) -> list[str]:
    return [n for n in source.record.model_names if n in source.views][:MAX_SAMPLE_MODELS]


def samples(source: RunSource) -> Images:
    """SAMPLES test digits spread evenly over the scored ones, each with every model's prediction."""
    names = sample_models(source)
    n = len(source.test_indices)
    picks = np.linspace(0, n - 1, min(SAMPLES, n)).round().astype(int) if n else np.arange(0)
    labels = source.views[names[0]].labels
    captions = [[f"true {labels[i]}"] + [f"{source.record.model(m).short} {source.views[m].predicted[i]}"
                                         for m in names] for i in picks]
    marked = [[False] + [not bool(source.views[m].correct[i]) for m in names] for i in picks]
    return Images("samples", "Sample test digits and every model's prediction",
                  f"{len(picks)} test digits spread evenly over the test set, with what each model predicts; a "
                  "wrong prediction is red and marked ✗.",
                  images=source.dataset.test_images[source.test_indices[picks]].astype(np.float32) / 255,
                  captions=captions, marked=marked)


def certainty(p: float) -> str:
    """A confidence as a percentage that never rounds up to a certain 100%."""
    return f"{p:.0%}" if p < 0.995 else f"{min(float(p), 0.999):.1%}"


def mistakes(source: RunSource) -> Images | None:
    """The main model's most confident mistakes, with what its partner said of the same digits."""
    pair = [n for n in source.record.pair() if n in source.views]
    if not pair:
        return None
    main = pair[-1]  # the student of a teacher-student run, else the second model of the pair
    view = source.views[main]
    other = source.record.partner(main)
    other_view = source.views.get(other) if other else None
    wrong = np.flatnonzero(~view.correct)
    if not len(wrong):
        return None
    top = wrong[np.argsort(-view.confidence[wrong], kind="stable")][:MISTAKES]
    name, other_name = source.record.model(main).short, source.record.model(other).short if other_view else ""
    captions, marked = [], []
    for i in top:
        captions.append([f"true {view.labels[i]}", f"{name} {view.predicted[i]} ({certainty(view.confidence[i])})"])
        marked.append([False, True])
        if other_view is not None:
            captions[-1].append(f"{other_name} {other_view.predicted[i]}")
            marked[-1].append(not bool(other_view.correct[i]))
    return Images("mistakes", f"Most confident mistakes: {name}",
                  f"The test digits that the model “{name}” gets wrong with the highest confidence, with that "
                  "confidence" + (f", and what “{other_name}” predicts for the same digit" if other_view is not None
                                  else "") + ".",
                  images=source.dataset.test_images[source.test_indices[top]].astype(np.float32) / 255,
                  captions=captions, marked=marked)
