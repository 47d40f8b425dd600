"""Dynamic shell completion (bash, zsh, fish through Typer): task names, presets, choices, run ids
and model names, read from the registry and the runs directory at the moment the user presses Tab.

Each function gets the command line parsed so far (`ctx.params`), so `--preset` completes the
presets of the `--task` already typed and `--model` the models of the `--run` already typed. They
never raise: a completion that fails shows nothing rather than a traceback in the user's shell.
"""

from collections.abc import Callable, Iterable
from pathlib import Path

import typer

from digits.core import paths
from digits.core.tasks import TASKS

Completion = list[tuple[str, str]]


HELP_WIDTH = 48  # zsh and fish show the help beside each value: one short line, never wrapped


def short(text: str) -> str:
    return text if len(text) <= HELP_WIDTH else text[:HELP_WIDTH - 1].rstrip() + "…"


def matching(items: Iterable[tuple[str, str]], incomplete: str) -> Completion:
    return [(value, short(help_)) for value, help_ in items if value.startswith(incomplete)]


def tasks(incomplete: str) -> Completion:
    return matching(((name, task.summary) for name, task in sorted(TASKS.items())), incomplete)


def presets(ctx: typer.Context, incomplete: str) -> Completion:
    """The presets of the task given so far (`--task`), else of every task that has presets."""
    chosen = ctx.params.get("task")
    classes = [TASKS[chosen]] if chosen in TASKS else list(TASKS.values())
    found = {name: f"{cls.name} preset" for cls in classes for name in getattr(cls.Config, "presets", {}) or {}}
    return matching(sorted(found.items()), incomplete)


def choices(values: tuple) -> Callable[[str], Completion]:
    """Completion of an option with fixed choices (`--activation`, `--optimizer`, ...)."""
    def complete(incomplete: str) -> Completion:
        return matching(((str(v), "") for v in values), incomplete)
    return complete


def runs_root(ctx: typer.Context) -> Path:
    given = ctx.params.get("runs_dir")
    return Path(given) if given else paths.runs_root()


def saved_runs(ctx: typer.Context) -> list[dict]:
    from digits.core.runs.directory import list_runs

    try:
        return list_runs(runs_root(ctx))
    except OSError:
        return []


def runs(ctx: typer.Context, incomplete: str) -> Completion:
    """Run ids, newest first, each with its task and status."""
    found = reversed(saved_runs(ctx))
    return matching(((info["run_id"], f"{info.get('task', '?')}, {info.get('status', '?')}") for info in found),
                    incomplete)


def runs_and_cells(ctx: typer.Context, incomplete: str) -> Completion:
    """Run ids not given yet (`digits compare RUN RUN...`), newest first; after a sweep id and a
    slash, that sweep's cells as `<sweep id>/cells/<cell>`."""
    given = set(ctx.params.get("runs") or ())
    found = [(info["run_id"], f"{info.get('task', '?')}, {info.get('status', '?')}") for info in
             reversed(saved_runs(ctx)) if info["run_id"] not in given]
    if "/" in incomplete:
        from digits.core.runs.directory import list_runs

        sweep_id = incomplete.split("/", 1)[0]
        try:
            cells = list_runs(runs_root(ctx) / sweep_id / "cells") if sweep_id not in ("", ".", "..") else []
        except OSError:
            cells = []
        found += [(info["run_id"], f"cell, {info.get('status', '?')}") for info in cells
                  if info["run_id"] not in given]
    return matching(found, incomplete)


def runs_and_sweeps(ctx: typer.Context, incomplete: str) -> Completion:
    """Run ids, then sweep ids, newest first (what `digits report` takes)."""
    from digits.core.sweeps.store import list_sweeps

    try:
        sweeps = list_sweeps(runs_root(ctx))
    except OSError:
        sweeps = []
    found = [(info["run_id"], f"{info.get('task', '?')}, {info.get('status', '?')}") for info in
             reversed(saved_runs(ctx))]
    found += [(info["sweep_id"], f"sweep of {info.get('task', '?')}, {info.get('status', '?')}") for info in
              reversed(sweeps)]
    return matching(found, incomplete)


def models(ctx: typer.Context, incomplete: str) -> Completion:
    """Model names of the run given so far (`--run`), else of the newest run that saved models."""
    found = saved_runs(ctx)
    wanted = ctx.params.get("run")
    chosen = [info for info in found if info["run_id"] == wanted or info.get("path") == wanted] if wanted else []
    with_models = chosen or [info for info in found if info.get("models")][-1:]
    names = [str(m.get("name")) for info in with_models for m in info.get("models") or [] if isinstance(m, dict)]
    return matching(((name, "") for name in names), incomplete)


def models_or_all(ctx: typer.Context, incomplete: str) -> Completion:
    return models(ctx, incomplete) + matching([("all", "every model of the run")], incomplete)
