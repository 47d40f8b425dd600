"""A report as a document: a title, a lead, sections of paragraphs, tables, code and figures. Built
from a run record (or a sweep and its cells' records) and the figure data of `digits.core.figures`;
written out by report/html.py and report/markdown.py, which know only these blocks."""

import math
import time
from dataclasses import dataclass, field

from digits.core.figures.kinds import Figure
from digits.core.runs.command import sweep_command, train_command
from digits.core.tasks import TASKS


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Code:
    text: str


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)  # str (a paragraph) | list[str] (bullets) | Table | Code | Figure


@dataclass
class Document:
    title: str
    lead: str
    facts: list[tuple[str, str]]
    sections: list[Section]

    @property
    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]


def number(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4f}" if abs(value) < 10 else f"{value:,.2f}"


def metric_value(name: str, value) -> str:
    if isinstance(value, float) and ("accuracy" in name or "error" in name) and 0 <= value <= 1:
        return f"{value:.2%}"
    return number(value)


def with_interval(name: str, s: dict) -> str:
    """mean ± std [95% interval] (n) of a metric over seeds."""
    if s.get("n", 1) <= 1:
        return metric_value(name, s["mean"])
    lo, hi = s["mean"] - s["ci95"], s["mean"] + s["ci95"]
    return (f"{metric_value(name, s['mean'])} ± {metric_value(name, s['std'])} "
            f"[{metric_value(name, lo)}, {metric_value(name, hi)}] (n={s['n']})")


def when(stamp) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(stamp)) if isinstance(stamp, (int, float)) else "—"


def duration(seconds) -> str:
    if not isinstance(seconds, (int, float)):
        return "—"
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def environment_table(env: dict) -> Table:
    blas = env.get("blas") or {}
    rows = [["digits", env.get("digits")], ["Python", env.get("python")], ["numpy", env.get("numpy")],
            ["numba", env.get("numba")], ["platform", env.get("platform")], ["host", env.get("host")],
            ["CPU", env.get("cpu")], ["SIMD", env.get("simd")], ["CPUs", env.get("cpus")],
            ["BLAS", " ".join(str(blas[k]) for k in ("library", "version") if blas.get(k)) or None],
            ["BLAS threads", blas.get("threads")], ["BLAS core type", blas.get("core")],
            ["kernels", env.get("kernels")]]
    return Table(["", ""], [[k, number(v)] for k, v in rows if v is not None])


def config_table(config: dict) -> Table:
    """Every option as `digits train` spells it (--student-hidden 800,800, --lr 0.001)."""
    def shown(v):
        if isinstance(v, (list, tuple)):
            return ",".join(map(str, v)) or "—"
        if isinstance(v, float):
            return f"{v:g}"
        return "—" if v is None or v == "" else str(v)

    return Table(["option", "value"], [[f"--{k.replace('_', '-')}", shown(v)] for k, v in config.items()])


def run_document(info: dict, figures: list[Figure], left_out: list[str] | None = None) -> Document:
    task = TASKS.get(info.get("task"))
    comparison = info.get("comparison") or {}
    results = info.get("results") or {}
    seeds = results.get("seeds") or []
    env = info.get("environment") or {}
    title = comparison.get("title") or info.get("task", "run")
    lead = (f"{task.summary} Reproduces {task.reference}." if task else "") + (
        " Everything below is read from the run's record and saved networks; nothing was retrained to draw it.")
    blas = env.get("blas") or {}
    machine = " · ".join(part for part in (env.get("cpu"), f"{env['cpus']} cores" if env.get("cpus") else None,
                                           f"BLAS threads {blas['threads']}" if blas.get("threads") else None) if part)
    facts = [("run", info["run_id"]), ("task", info.get("task", "?")), ("status", info.get("status", "?")),
             ("seeds", ", ".join(map(str, seeds)) or str((info.get("config") or {}).get("seed", "—"))),
             ("started", when(info.get("started"))), ("wall time", duration(info.get("seconds"))),
             ("dataset", str(info.get("dataset") or "—")), ("machine", machine or "not recorded")]
    sections = []
    results_blocks = []
    aggregate = results.get("aggregate") or {}
    headline = [(n, label) for n, label in (task.headline if task else ()) if n in aggregate or n in
                (info.get("metrics") or {})]
    if headline:
        rows = [[label, with_interval(n, aggregate[n]) if n in aggregate else metric_value(n, info["metrics"][n])]
                for n, label in headline]
        results_blocks.append(Table(["metric", "this run" + (" (mean ± std [95% interval])" if len(seeds) > 1
                                                               else "")], rows))
    reference = [r for r in info.get("reference") or [] if isinstance(r, dict)]
    if reference:
        rows = [[r.get("what", ""), metric_value("accuracy", r.get("ours")),
                 metric_value("accuracy", r.get("published")),
                 f"{(r['ours'] - r['published']) * 100:+.2f} pt" if isinstance(r.get("ours"), (int, float))
                 and isinstance(r.get("published"), (int, float)) else "—"] for r in reference]
        results_blocks.append(Table(["published figure", "ours", "published", "difference"], rows,
                                    "Ours beside the figures the reference reports."))
    notes = [n for n in comparison.get("notes") or [] if isinstance(n, str)]
    if notes:
        results_blocks += ["What the run noted:", notes]
    if info.get("status") != "finished":
        results_blocks.insert(0, f"This run did not finish (status: {info.get('status')}); the report shows what "
                                 "it recorded.")
    sections.append(Section("Result", results_blocks or ["The run recorded no metrics."]))
    missing = [f"Left out: {reason}" for reason in dict.fromkeys(left_out or [])]
    sections.append(Section("Figures", missing + list(figures) or ["The run has nothing to draw (no epochs, no saved "
                                                                   "models)."]))
    sections.append(Section("Make the same run", [
        f"digits {env.get('digits', '?')} made this run; this command makes it again (only the options that "
        "differ from the task's defaults are spelt out):", Code(train_command(info["task"], info.get("config") or {}))
        if task else Code(f"digits train --task {info.get('task')}")]))
    if info.get("config"):
        sections.append(Section("Configuration", [config_table(info["config"])]))
    if env:
        sections.append(Section("Environment", [environment_table(env)]))
    return Document(f"{info.get('task', 'run')}: {title}", lead, facts, sections)


def sweep_document(info: dict, counts: dict, summary: dict, records: dict[str, dict],
                   figures: list[Figure]) -> Document:
    spec = info["spec"]
    task = TASKS.get(spec["task"])
    grid = "; ".join(f"{k} = {', '.join(map(str, v))}" for k, v in (spec.get("grid") or {}).items()) or "none"
    lead = (f"A sweep of {spec['task']}: {task.summary} " if task else "") + (
        "Each grid point ran once per seed; every number below is over the seeds that finished, as mean ± "
        "sample std with a 95% t-interval.")
    facts = [("sweep", info["sweep_id"]), ("task", spec["task"]), ("status", info.get("status", "?")),
             ("grid", grid), ("seeds", ", ".join(map(str, spec.get("seeds") or []))),
             ("cells", f"{counts['done']} of {counts['total']} done, {counts['failed']} failed"),
             ("created", when(info.get("created")))]
    headline = task.headline if task else ()
    labels = dict(headline)
    columns = ["grid point", "n"] + [labels[n] for n, _ in headline
                                     if any(n in p["metrics"] for p in summary["points"])]
    names = [n for n, _ in headline if any(n in p["metrics"] for p in summary["points"])]
    contrast_labels = list(dict.fromkeys(label for p in summary["points"] for label in p["contrasts"]))
    rows = []
    for point in summary["points"]:
        row = [", ".join(f"{k}={v}" for k, v in point["options"].items()) or "all cells", str(point["n"])]
        row += [with_interval(n, point["metrics"][n]) if n in point["metrics"] else "—" for n in names]
        row += [f"{with_interval('', point['contrasts'][c])}, {point['contrasts'][c]['agree']} of "
                f"{point['contrasts'][c]['n']} seeds agree in sign" if c in point["contrasts"] else "—"
                for c in contrast_labels]
        rows.append(row)
    summary_table = Table(columns + contrast_labels, rows, "Per grid point, each headline metric and each paired "
                                                           "contrast over the seeds: mean ± std [95% interval] (n).")
    cells = []
    for cell_id, state in info["cells"].items():
        metrics = (records.get(cell_id) or {}).get("metrics") or {}
        cells.append([cell_id, ", ".join(f"{k}={v}" for k, v in (state.get("options") or {}).items()) or "—",
                      str(state.get("seed")), state.get("status", "?")]
                     + [metric_value(n, metrics[n]) if n in metrics else "—" for n in names])
    failed = [f"{cell_id}: {state.get('error')}" for cell_id, state in info["cells"].items()
              if state.get("status") == "failed"]
    sections = [Section("Summary", [summary_table] + ([failed] if failed else [])),
                Section("Figures", list(figures) or ["No cell has finished yet: nothing to draw."]),
                Section("Cells", [Table(["cell", "grid point", "seed", "status"] + [labels[n] for n in names],
                                        cells, "Each cell is a run; open one with "
                                               "`digits show --run <sweep>/cells/<cell>`.")]),
                Section("Make the same sweep", [Code(sweep_command(spec))])]
    return Document(f"sweep of {spec['task']}: {info['sweep_id']}", lead, facts, sections)
