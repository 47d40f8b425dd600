"""`digits sweep`: one task over a grid of option values × seeds, on worker processes of this
machine; `digits sweep show SWEEP_ID` prints a sweep's summary (finished or still running).

    digits sweep --task highway --seeds 0-4
    digits sweep --task subliminal --seeds 0-9 --grid temperature=1,2,4 --no-controls
    digits sweep --resume sweep-subliminal-20261201-120000

The task's own options (as for `digits train`) fix values for every cell; --grid varies some;
--seeds gives the seeds (a count, a range like 0-19, or a list). The summary table is the result
(stdout); progress goes to stderr; --json prints the sweep's NDJSON events instead.
"""

import inspect
import json
import os
from pathlib import Path

import typer

from digits.commands import completion
from digits.commands.common import (
    READER_GONE,
    StopFlag,
    err_console,
    errors_reported,
    out_console,
    print_json,
    silence_stdout,
)
from digits.commands.sweep_display import SweepDisplay, summary_tables
from digits.commands.task_options import TaskGroup, cli_parameter, config_overrides, option_table
from digits.core import paths
from digits.core.data.dataset import load_dataset
from digits.core.errors import ConfigError
from digits.core.sweeps.cluster import DaskPool
from digits.core.sweeps.runner import run_sweep
from digits.core.sweeps.spec import SweepSpec, parse_grid, parse_seed_range
from digits.core.sweeps.store import SweepDir, cell_records
from digits.core.sweeps.summary import summary
from digits.core.tasks import DEFAULT_TASK, get_task

SAVE_MODELS = ("none", "last", "all")
SWEEP_OPTIONS = ("task", "seeds", "grid", "workers", "scheduler", "sweep_dir", "resume", "save_models", "data_dir",
                 "json_out")
NOT_FOR_CELLS = ("seed", "seeds")  # a sweep gives each cell its seed


def layout(workers: int | None) -> tuple[int, int]:
    """(workers, BLAS threads each): one worker per core by default, and cores ÷ workers threads
    each, so N workers never oversubscribe the machine."""
    cores = os.cpu_count() or 1
    workers = workers or cores
    return workers, max(1, cores // workers)


def given_spec(task: str, seeds: str | None, grid: list[str] | None, options: dict) -> SweepSpec:
    get_task(task)
    fixed = config_overrides(task, options)
    spec = SweepSpec(task, fixed, parse_grid(task, grid or []), parse_seed_range(seeds) if seeds else (0,))
    clash = sorted(set(spec.grid) & set(fixed))
    if clash:
        raise ConfigError(f"--{clash[0].replace('_', '-')} is both fixed and in --grid; give it in one place")
    spec.validate()
    return spec


def check_data(spec: SweepSpec, data_dir: str | None) -> None:
    """Load the dataset here and check every grid point against it (a batch larger than the data,
    labels outside 0-9, ...): bad data is one line before anything runs, not a failure per cell."""
    dataset = load_dataset(data_dir)
    for point in spec.points():
        get_task(spec.task).Config.build({**spec.options, **point, "seed": spec.seeds[0]}).validate_data(dataset)


def plain(value):
    """A value as it reads back from sweep.json (tuples become lists), to compare like with like."""
    return json.loads(json.dumps(value))


def resumed(root: Path, sweep_id: str, task: str | None, seeds: str | None, grid: list[str] | None,
            options: dict) -> SweepDir:
    """The sweep to resume; options given beside --resume must be the ones it was started with."""
    sweep = SweepDir.open(root, sweep_id)
    if sweep.info.get("status") == "running":  # read_sweep says "abandoned" when its process is gone
        raise ConfigError(f"sweep {sweep.sweep_id} is still running (process {sweep.info.get('pid')} on "
                          f"{sweep.info.get('host')}); wait for it, or stop it first")
    stored = sweep.spec
    if task is not None or seeds is not None or grid or any(v is not None for v in options.values()):
        asked = given_spec(task or stored.task, seeds or ",".join(map(str, stored.seeds)), grid, options)
        want = stored.to_dict()
        for key in ("task", "grid", "seeds"):
            if (key != "grid" or grid) and asked.to_dict()[key] != want[key]:
                raise ConfigError(f"--resume {sweep.sweep_id}: it was started with {key} {want[key]}, not "
                                  f"{asked.to_dict()[key]}; resume it without options, or start a new sweep")
        changed = {k: v for k, v in plain(asked.options).items() if plain(stored.options.get(k)) != v}
        if changed:
            name = next(iter(changed))
            raise ConfigError(f"--resume {sweep.sweep_id}: it was started with --{name.replace('_', '-')} "
                              f"{stored.options.get(name)!r}, not {changed[name]!r}; resume it without options")
    if not sweep.pending():
        raise ConfigError(f"sweep {sweep.sweep_id} has no cell left to run (see `digits sweep show {sweep.sweep_id}`)")
    return sweep


def sweep(ctx: typer.Context, **options) -> None:
    """Run a task over a grid of option values × seeds on this machine's cores, then print each
    grid point's metrics over the seeds with intervals and the task's paired contrasts."""
    if ctx.invoked_subcommand is not None:
        return
    front = {k: options.pop(k) for k in SWEEP_OPTIONS}
    as_json, console = front["json_out"], err_console()
    with errors_reported(as_json):
        pool = DaskPool(front["scheduler"]) if front["scheduler"] else None  # unreachable: one line, nothing made
        try:
            run(front, options, pool, console, as_json)
        finally:
            if pool is not None:
                pool.shutdown()


def run(front: dict, options: dict, pool, console, as_json: bool) -> None:
    """The sweep itself, once its options are known and any cluster answered (see `sweep`)."""
    with errors_reported(as_json):
        if front["save_models"] not in SAVE_MODELS:
            raise ConfigError(f"--save-models {front['save_models']!r}: use one of {', '.join(SAVE_MODELS)}")
        if front["workers"] is not None and front["workers"] < 1:
            raise ConfigError("--workers must be at least 1")
        root = front["sweep_dir"] or paths.runs_root()
        data_dir = str(front["data_dir"]) if front["data_dir"] else None
        if front["resume"]:
            sweep_dir = resumed(root, front["resume"], front["task"], front["seeds"], front["grid"], options)
            how = sweep_dir.info["how"]
            if data_dir is not None and data_dir != how.get("data_dir"):
                raise ConfigError(f"--resume {sweep_dir.sweep_id}: it was started with --data-dir "
                                  f"{how.get('data_dir') or '(the bundled MNIST)'}, not {data_dir}")
            data_dir = how.get("data_dir")
            front["save_models"] = how.get("save_models", front["save_models"])
            if pool is None and not (front["scheduler"] or how.get("scheduler")):
                check_data(sweep_dir.spec, data_dir)
        else:
            spec = given_spec(front["task"] or DEFAULT_TASK, front["seeds"], front["grid"], options)
            if pool is None or data_dir is None:  # a cluster's --data-dir is a path on its workers
                check_data(spec, data_dir)
            workers, threads = (pool.slots, 1) if pool else layout(front["workers"])
            how = {"workers": workers, "threads": threads, "scheduler": front["scheduler"], "data_dir": data_dir,
                   "save_models": front["save_models"]}
            try:
                sweep_dir = SweepDir.create(root, spec, how)
            except OSError as exc:
                raise ConfigError(f"{root}: cannot create the sweep's directory there ({exc.strerror or exc}); "
                                  "choose another --sweep-dir or DIGITS_HOME") from None
        if pool is not None:
            workers, threads, make_pool = pool.slots, 1, lambda: pool.bind(sweep_dir.sweep_id)
        else:  # the workers it was started with, unless that was a cluster's count of slots
            started_with = None if sweep_dir.info["how"].get("scheduler") else sweep_dir.info["how"].get("workers")
            workers, threads = layout(front["workers"] or started_with)
            make_pool = None
        last = None
        with StopFlag() as stop:
            stream = run_sweep(sweep_dir, workers, threads, data_dir, front["save_models"], should_stop=stop,
                               make_pool=make_pool)
            try:
                if as_json:
                    for last in stream:
                        print_json(last.to_dict())
                else:
                    with SweepDisplay(console, out_console()) as display:
                        for last in stream:
                            display.handle(last)
            except BrokenPipeError:
                stream.close()
                silence_stdout()
                raise typer.Exit(READER_GONE) from None
            except KeyboardInterrupt:
                stream.close()
                console.print("aborted (second Ctrl-C); `digits sweep --resume " + sweep_dir.sweep_id +
                              "` runs what is missing", highlight=False)
                raise typer.Exit(130) from None
    if last is None or last.name != "sweep_finished":
        raise typer.Exit(1)
    raise typer.Exit(130 if last.status == "interrupted" else 1 if last.failed else 0)


def show_sweep(
    sweep_id: str = typer.Argument(..., help="Sweep id (see `digits runs`) or its directory.",
                                   autocompletion=completion.runs),
    sweep_dir: Path | None = typer.Option(None, "--sweep-dir", help="Where sweeps are (default: the runs directory)."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as one JSON object on stdout."),
) -> None:
    """Print a sweep's summary: per grid point each headline metric over the seeds, and the contrasts."""
    with errors_reported(json_out):
        found = SweepDir.open(sweep_dir or paths.runs_root(), sweep_id)
    result = {"sweep_id": found.sweep_id, "task": found.spec.task, "status": found.info.get("status"),
              **found.counts(), "summary": summary(found.spec, cell_records(found)),
              "failed_cells": {cell_id: c.get("error") for cell_id, c in found.info["cells"].items()
                               if c["status"] == "failed"}}
    if json_out:
        print_json(result)
        return
    out = out_console()
    out.print(f"sweep {found.sweep_id} ({found.spec.task}) · {result['status']} · {result['done']} of "
              f"{result['total']} cells done, {result['failed']} failed", highlight=False, markup=False)
    for table in summary_tables(result["summary"]):
        out.print(table)
    for cell_id, error in result["failed_cells"].items():
        out.print(f"failed: {cell_id}: {error}", highlight=False, markup=False)


def sweep_parameters() -> list[inspect.Parameter]:
    def param(name, annotation, option):
        return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)

    return [
        param("task", str | None, typer.Option(None, "--task", "-t", help=f"Which experiment (default {DEFAULT_TASK};"
                                               " see `digits tasks`).", autocompletion=completion.tasks)),
        param("seeds", str | None, typer.Option(None, "--seeds", metavar="SEEDS",
                                                help="Seeds of every grid point: a count (5 = 0-4), "
                                                     "a range (0-19) or a list (0,1,2). Default 0.")),
        param("grid", list[str] | None, typer.Option(None, "--grid", metavar="NAME=V1,V2",
                                                     help="NAME=V1,V2,...: run every value "
                                                          "(repeat for a grid; size lists as 256x256).")),
        param("workers", int | None, typer.Option(None, "--workers", help="Worker processes (default: one per "
                                                  "core; BLAS threads per worker = cores ÷ workers).")),
        param("scheduler", str | None, typer.Option(None, "--scheduler", metavar="tcp://HOST:8786",
                                                    help="Run the cells on this Dask scheduler's workers "
                                                         "(pip install \"digits[cluster]\" on every machine).")),
        param("sweep_dir", Path | None, typer.Option(None, "--sweep-dir", help="Where the sweep's directory goes "
                                                     "(default: the runs directory).")),
        param("resume", str | None, typer.Option(None, "--resume", metavar="SWEEP_ID",
                                                 help="Run what an interrupted sweep is missing.",
                                                 autocompletion=completion.runs)),
        param("save_models", str, typer.Option("last", "--save-models", metavar="[none|last|all]",
                                               help="Keep the networks of no cell, of each grid point's last seed "
                                                    "(default), or of every cell.")),
        param("data_dir", Path | None, typer.Option(None, "--data-dir", help="Directory of MNIST-layout IDX files "
                                                    "(default $DIGITS_DATA_DIR or the bundled MNIST).")),
        param("json_out", bool, typer.Option(False, "--json", help="Print the sweep's NDJSON events on stdout.")),
    ]


def build_signature() -> inspect.Signature:
    table = {k: v for k, v in option_table().items() if k not in NOT_FOR_CELLS}
    ctx = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    return inspect.Signature([ctx] + sweep_parameters() + [cli_parameter(n, e) for n, e in table.items()])


sweep.__signature__ = build_signature()
sweep.__annotations__ = {p.name: p.annotation for p in sweep.__signature__.parameters.values()}

app = typer.Typer(rich_markup_mode=None, cls=TaskGroup, no_args_is_help=False)
app.callback(invoke_without_command=True)(sweep)
app.command("show")(show_sweep)
