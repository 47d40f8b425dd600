"""Build a report: find the run or sweep, compute its figures' data, draw them, write the files.

Every file is written atomically (a temporary file renamed over the old one), so an interrupted or
failed build leaves the previous report whole. Only the report's own files are written under the
output directory (report.html, report.md, figures/<key>.png|svg); nothing else there is touched.
"""

import io
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from digits import __version__
from digits.core.atomic import atomic_open
from digits.core.errors import DigitsError, RunLookupError
from digits.core.figures.run import run_figures
from digits.core.figures.source import RunSource
from digits.core.figures.sweep import sweep_figures
from digits.core.runs.directory import list_runs, read_run
from digits.core.sweeps.store import SweepDir, cell_records, list_sweeps, read_sweep
from digits.core.sweeps.summary import summary
from digits.report import document, html, markdown, style
from digits.report.draw import draw

FORMATS = ("html", "md", "both")


@dataclass
class Built:
    report: Path  # the file to open: report.html, or report.md when only Markdown was asked for
    files: list[Path]
    figures: int
    seconds: float


def locate(target: str, root: Path) -> tuple[str, dict]:
    """("run" | "sweep", its record) for an id under `root` or a directory's path."""
    for candidate in (Path(target).expanduser(), Path(root).expanduser() / target):
        if (candidate / "sweep.json").is_file() and (info := read_sweep(candidate)):
            return "sweep", info
        if (candidate / "run.json").is_file() and (info := read_run(candidate)):
            return "run", info
    known = [i["run_id"] for i in list_runs(root)][-4:] + [s["sweep_id"] for s in list_sweeps(root)][-2:]
    hint = f"known: {', '.join(known)}" if known else "there are none there yet"
    raise RunLookupError(f"no run or sweep {target!r} in {root}; {hint} (see `digits runs`)")


def png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    return width, height


def rendered(figure, svg: bool = True) -> tuple[bytes, bytes | None]:
    """PNG (and SVG) bytes of a figure, with no date or software version in either."""
    plt = style.pyplot()
    fig = draw(figure)
    try:
        png = io.BytesIO()
        fig.savefig(png, format="png", metadata={"Software": None})
        if svg:
            vector = io.BytesIO()
            fig.savefig(vector, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        plt.close(fig)
    return png.getvalue(), vector.getvalue() if svg else None


def write(path: Path, data: bytes) -> Path:
    try:
        with atomic_open(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise DigitsError(f"cannot write {path} ({exc.strerror or exc}); choose another directory "
                          "(digits report -o DIR)") from None
    return path


def build_report(target: str, root: Path, out: Path | None = None, fmt: str = "both",
                 data_dir: Path | None = None, progress: Callable[[str], None] = lambda message: None) -> Built:
    if fmt not in FORMATS:
        raise DigitsError(f"--format {fmt!r}: use html, md or both")
    started = time.perf_counter()
    style.pyplot()  # no matplotlib: say so before any work
    kind, info = locate(target, root)
    name = info["run_id"] if kind == "run" else info["sweep_id"]
    progress(f"reading {kind} {name}")
    if kind == "run":
        source = RunSource(info, data_dir)
        figures = run_figures(source)
        doc = document.run_document(info, figures, source.left_out)
    else:
        sweep = SweepDir(Path(info["path"]), info)
        records = cell_records(sweep)
        figures = sweep_figures(info, records)
        doc = document.sweep_document(info, sweep.counts(), summary(sweep.spec, records), records, figures)
    folder = Path(out).expanduser() if out else Path(info["path"]) / "report"
    try:  # before seconds of drawing: a place that cannot be written to is said at once
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DigitsError(f"cannot write {folder} ({exc.strerror or exc}); choose another directory "
                          "(digits report -o DIR)") from None
    pngs, svgs = {}, {}
    for n, figure in enumerate(doc.figures, start=1):
        progress(f"drawing {figure.key} ({n} of {len(doc.figures)})")
        pngs[figure.key], svgs[figure.key] = rendered(figure, svg=fmt != "html")  # the page embeds PNG only
    footer = f"Made by digits report (digits {__version__}) from {kind} {name}."
    files = []
    if fmt in ("md", "both"):
        for key in pngs:
            files.append(write(folder / "figures" / f"{key}.png", pngs[key]))
            files.append(write(folder / "figures" / f"{key}.svg", svgs[key]))
        text = markdown.render(doc, {key: f"figures/{key}.png" for key in pngs}, footer)
        files.append(write(folder / "report.md", text.encode("utf-8")))
    if fmt in ("html", "both"):
        page = html.render(doc, pngs, {key: png_size(png) for key, png in pngs.items()}, footer)
        files.append(write(folder / "report.html", page.encode("utf-8")))
    primary = folder / ("report.md" if fmt == "md" else "report.html")
    return Built(primary, files, len(pngs), time.perf_counter() - started)

