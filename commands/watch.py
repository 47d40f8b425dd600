"""`digits watch RUN`: follow a run that another process trains (another terminal, a sweep's worker,
another machine writing to a shared directory) as `digits train` shows its own: bars per phase and
the latest metrics on stderr, the result on stdout when it ends; `--json` re-emits its NDJSON
events (with its progress), so a run elsewhere pipes like a local one. A finished run is replayed."""

from pathlib import Path

import typer

from digits.commands import completion
from digits.commands.common import (
    READER_GONE,
    StopFlag,
    err_console,
    errors_reported,
    out_console,
    print_error,
    print_json,
    silence_stdout,
)
from digits.core import paths
from digits.core.events import RunFinished, RunInterrupted, from_dict
from digits.core.runs.inspection import find_run

RUN_ARGUMENT = typer.Argument(None, metavar="[RUN]", help="Run id (see `digits runs`) or run directory; default: "
                                                          "the newest run that is still running, else the newest.",
                              autocompletion=completion.runs)


def newest(root: Path) -> str:
    from digits.core.errors import RunLookupError
    from digits.core.runs.directory import list_runs

    found = list_runs(root)
    if not found:
        raise RunLookupError(f"no runs in {root} to watch; start one with `digits train`")
    running = [info for info in found if info.get("status") == "running"]
    return (running or found)[-1]["path"]


def watch(
    run: str | None = RUN_ARGUMENT,
    runs_dir: Path | None = typer.Option(None, "--runs-dir", help="Runs directory (default $DIGITS_HOME/runs or the "
                                                                  "user data dir)."),
    json_out: bool = typer.Option(False, "--json", help="Re-emit the run's NDJSON events on stdout."),
) -> None:
    """Follow a run another process is training: live bars per phase, then its result; exits when it ends."""
    from digits.core.runs.follow import follow

    root = runs_dir or paths.runs_root()
    with errors_reported(json_out):
        info = find_run(root, run) if run else find_run(root, newest(root))
    console = err_console()
    if not json_out:
        state = info.get("status")
        console.print(f"watching {info['run_id']} ({info.get('task')}, {state})" +
                      (" — replaying its log" if state != "running" else ""), highlight=False, markup=False)
    last, end = None, None
    with StopFlag() as stop:
        stream = follow(Path(info["path"]), should_stop=stop)
        try:
            if json_out:
                for data in stream:
                    end = data
                    print_json(data)
            else:
                from digits.commands.display import RichDisplay

                with RichDisplay(console, out_console()) as display:
                    for data in stream:
                        end = data
                        event = from_dict(data)
                        if event is not None:
                            last = event
                            display.handle(event)
        except BrokenPipeError:
            stream.close()
            silence_stdout()
            raise typer.Exit(READER_GONE) from None
    if stop():
        raise typer.Exit(130)  # Ctrl-C stops watching; the run itself goes on
    if end is not None and end.get("event") in ("run_abandoned", "run_ended"):
        why = f" ({end['why']})" if end.get("why") else ""
        print_error(console, f"run {info['run_id']} is {end.get('status')}{why}; it ended without finishing")
        raise typer.Exit(1)
    raise typer.Exit(0 if isinstance(last, RunFinished) or (end or {}).get("event") == "run_finished"
                     else 130 if isinstance(last, RunInterrupted) else 1)
