"""`digits report`: for a tiny run of every task and for a sweep, report.html parses, embeds every
figure and fetches nothing; report.md links every figure, whose PNG and SVG files are non-blank
images of the expected size; the same record gives the same bytes; the numbers plotted are pinned
by a golden file for the committed fixture runs (weights fixed once, so independent of this CPU);
a sweep's figures plot exactly its cells' metrics; bad input is one line and loses nothing."""

import base64
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from golden_files import check_golden
from PIL import Image
from terminal_session import DIGITS
from test_record import TINY
from tui_support import FIXTURE_RUNS

from digits.core.figures.run import run_figures
from digits.core.figures.source import RunSource
from digits.core.runs.directory import read_run
from digits.core.runs.runner import execute
from digits.core.sweeps.store import SweepDir, cell_records
from digits.core.tasks import get_task
from digits.report.build import build_report

WIDTH = 800  # report.style: 8 inches at 100 dpi
# The task's own figures each report must have (the common ones come on top).
OWN = {"baseline": {"weights"}, "distill": {"offset_sweep", "criterion"}, "subliminal": {"controls"},
       "highway": {"depth_sweep", "gates"}, "lwta": {"forgetting"}, "mcdnn": set(), "deep-mlp": {"augmentation"}}
COMMON = {"curves", "accuracy", "per_class", "confusion", "samples", "mistakes"}


class Page(HTMLParser):
    """The parts of report.html the tests look at; fails on unbalanced tags."""

    VOID = {"meta", "img", "br", "hr", "link", "input"}

    def __init__(self):
        super().__init__()
        self.images, self.figures, self.scripts, self.links, self.stack = [], [], 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        if tag == "figure":
            self.figures.append(attrs.get("id"))
        if tag == "script":
            self.scripts += 1
        if tag in ("link", "a") and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    assert not page.stack, f"unclosed tags: {page.stack}"
    return page


def not_blank(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = np.asarray(image)
    inked = (pixels.min(axis=2) < 200).mean()
    assert 0.005 < inked < 0.9, f"a figure of {image.size} is {inked:.1%} ink"
    colours = pixels.reshape(-1, 3).astype(np.int32) @ np.array([1 << 16, 1 << 8, 1], np.int32)
    assert len(np.unique(colours)) > 8, "a figure of almost no colours"
    return image


@pytest.fixture(scope="module")
def tiny_runs(mnist, tmp_path_factory):
    root = tmp_path_factory.mktemp("report-runs")
    return {task: Path(list(execute(task, get_task(task).Config.build(o), mnist, root))[-1].run_dir)
            for task, o in TINY.items()}


@pytest.fixture(scope="module")
def reports(tiny_runs):
    return {task: build_report(str(path), path.parent) for task, path in tiny_runs.items()}


def test_every_task_is_reported():
    assert set(OWN) == set(TINY)


@pytest.mark.parametrize("task", sorted(OWN))
def test_each_tasks_report_parses_and_holds_every_figure(task, reports):
    built = reports[task]
    folder = built.report.parent
    assert built.report == folder / "report.html" and folder.name == "report"
    page = parse(folder / "report.html")
    keys = set(page.figures)
    assert COMMON | OWN[task] <= keys, f"missing figures: {sorted(COMMON | OWN[task] - keys)}"
    assert built.figures == len(page.figures) == len(page.images)
    assert page.scripts == 0 and not [link for link in page.links if "://" in link]
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    for key, image in zip(page.figures, page.images):
        assert image["src"].startswith("data:image/png;base64,"), "every figure is embedded"
        png = base64.b64decode(image["src"].split(",", 1)[1])
        drawn = not_blank(png)
        assert drawn.size == (WIDTH, int(image["height"])) and int(image["width"]) == WIDTH
        assert 150 <= drawn.size[1] <= 2000, f"{key}: {drawn.size}"
        assert f"](figures/{key}.png)" in markdown
        assert (folder / "figures" / f"{key}.png").read_bytes() == png  # the Markdown's file is the page's figure
        svg = ET.parse(folder / "figures" / f"{key}.svg").getroot()
        assert svg.tag.endswith("svg") and float(svg.get("width").rstrip("pt")) == pytest.approx(WIDTH * 0.72)
    assert {f.name for f in built.files} == {"report.html", "report.md"} | {f"{k}.{x}" for k in keys
                                                                             for x in ("png", "svg")}


def test_what_the_report_says_comes_from_the_record(reports, tiny_runs):
    info = read_run(tiny_runs["distill"])
    html = (reports["distill"].report).read_text(encoding="utf-8")
    assert info["run_id"] in html and "Hinton" in html  # the paper it reproduces
    assert "digits train --task distill --epochs 1 --train-size 2000 --hidden 32 --student-hidden 16" in html
    assert info["environment"]["cpu"] in html and info["environment"]["numpy"] in html
    for row in info["reference"]:
        assert row["what"].replace("…", "&hellip;") in html or row["what"] in html


def test_the_same_record_gives_the_same_bytes(reports, tiny_runs, tmp_path):
    for task in ("distill", "deep-mlp"):
        again = build_report(str(tiny_runs[task]), tiny_runs[task].parent, tmp_path / task)
        first = sorted(reports[task].files, key=lambda f: f.name)
        assert [f.name for f in first] == [f.name for f in sorted(again.files, key=lambda f: f.name)]
        for a, b in zip(first, sorted(again.files, key=lambda f: f.name)):
            assert a.read_bytes() == b.read_bytes(), f"{task}: {a.name} differs"


def quantised(value):
    """Figure data with floats to 4 places: what is plotted, without rounding-level noise."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: quantised(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [quantised(v) for v in value]
    return value


@pytest.mark.parametrize("run_id", ["baseline-tiny", "distill-tiny", "subliminal-tiny"])
def test_golden_figure_data_of_the_fixture_runs(run_id, tmp_path):
    shutil.copytree(FIXTURE_RUNS / run_id, tmp_path / run_id)
    figures = run_figures(RunSource(read_run(tmp_path / run_id)))
    text = json.dumps([quantised(f.data()) for f in figures], indent=1, ensure_ascii=False) + "\n"
    check_golden(f"report_{run_id}.json", text)


def test_a_sweeps_report_plots_its_cells(tmp_path):
    grid = ["--task", "highway", "--depth", "2", "--epochs", "1", "--train-size", "300", "--test-size", "200",
            "--batch-size", "50", "--grid", "width=4,8", "--seeds", "0-2"]
    done = subprocess.run([DIGITS, "sweep", *grid, "--sweep-dir", str(tmp_path), "--json"], capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    sweep_id = json.loads(done.stdout.splitlines()[-1])["sweep_id"]
    built = subprocess.run([DIGITS, "report", sweep_id, "--runs-dir", str(tmp_path), "--json"], capture_output=True,
                           text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    result = json.loads(built.stdout)
    page = parse(Path(result["report"]))
    assert page.figures == ["sweep_metrics", "sweep_contrasts", "sweep_trend"]
    for image in page.images:
        not_blank(base64.b64decode(image["src"].split(",", 1)[1]))
    # The points plotted are the cells' own metrics, grid point by grid point.
    from digits.core.figures.sweep import sweep_figures

    sweep = SweepDir.open(tmp_path, sweep_id)
    records = cell_records(sweep)
    metrics, contrasts, trend = sweep_figures(sweep.info, records)
    for p, strip in enumerate(metrics.panels[0].strips):
        cells = [records[c.id]["metrics"] for c in sweep.spec.cells() if c.point == p]
        assert strip.values == [m["highway_test_accuracy"] for m in cells]
        assert strip.mean == pytest.approx(np.mean(strip.values)) and strip.lo < strip.mean < strip.hi
        assert contrasts.panels[0].strips[p].values == pytest.approx(
            [m["highway_test_accuracy"] - m["plain_test_accuracy"] for m in cells])
    assert trend.panels[0].xticks == [4, 8] and trend.panels[0].series[0].y == [s.mean for s in
                                                                                metrics.panels[0].strips]
    assert "digits sweep --task highway" in Path(result["report"]).read_text() and "width=4,8" in \
        Path(result["report"]).read_text()
    # A cell that kept no networks (--save-models last keeps only each point's last seed) still has a
    # report: what its record and events hold, without the figures that need its models.
    bare = build_report(f"{sweep_id}/cells/p000-s0", tmp_path)
    keys = set(parse(bare.report).figures)
    assert {"curves", "accuracy", "per_class", "gates"} <= keys and not keys & {"confusion", "samples"}


def report_cli(*args, env=None):
    return subprocess.run([DIGITS, "report", *args], capture_output=True, text=True, timeout=120, env=env)


def test_the_path_is_the_result_on_stdout_and_progress_goes_to_stderr(tmp_path):
    shutil.copytree(FIXTURE_RUNS / "baseline-tiny", tmp_path / "baseline-tiny")
    done = report_cli("baseline-tiny", "--runs-dir", str(tmp_path), "--format", "md")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'baseline-tiny' / 'report' / 'report.md'}\n"
    assert "figures" in done.stderr and not (tmp_path / "baseline-tiny" / "report" / "report.html").exists()
    listed = report_cli("baseline-tiny", "--runs-dir", str(tmp_path), "-o", str(tmp_path / "out"), "--json",
                        "--format", "html")
    files = json.loads(listed.stdout)["files"]
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 1 and listed.stderr == ""
    assert files == [str(tmp_path / "out" / "report.html")] and Path(files[0]).stat().st_size > 10_000


@pytest.mark.parametrize("args, message, code", [
    (["no-such-run"], "no run or sweep 'no-such-run'", 2),
    (["baseline-tiny", "--format", "pdf"], "--format 'pdf': use html, md or both", 1),
])
def test_bad_input_is_one_line(args, message, code, tmp_path):
    shutil.copytree(FIXTURE_RUNS / "baseline-tiny", tmp_path / "baseline-tiny")
    done = report_cli(*args, "--runs-dir", str(tmp_path))
    assert done.returncode == code and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr, done.stderr


def test_an_unwritable_place_is_one_line_and_the_old_report_stays(tmp_path):
    shutil.copytree(FIXTURE_RUNS / "baseline-tiny", tmp_path / "baseline-tiny")
    build_report("baseline-tiny", tmp_path)
    old = {p: p.read_bytes() for p in (tmp_path / "baseline-tiny" / "report").rglob("*") if p.is_file()}
    (tmp_path / "a-file").write_text("not a directory")
    done = report_cli("baseline-tiny", "--runs-dir", str(tmp_path), "-o", str(tmp_path / "a-file" / "report"))
    assert done.returncode == 1 and "cannot write" in done.stderr and "digits report -o DIR" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert old == {p: p.read_bytes() for p in (tmp_path / "baseline-tiny" / "report").rglob("*") if p.is_file()}


def test_without_matplotlib_the_error_names_the_install_command(tmp_path):
    shutil.copytree(FIXTURE_RUNS / "baseline-tiny", tmp_path / "baseline-tiny")
    # matplotlib made unimportable in a real interpreter, as on an install without the extra.
    code = ("import sys; sys.modules['matplotlib'] = None; from digits.commands.app import main; "
            f"sys.argv = ['digits', 'report', 'baseline-tiny', '--runs-dir', {str(tmp_path)!r}]; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert "pip install 'digits[report]'" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "baseline-tiny" / "report").exists()


def test_an_interrupted_run_with_a_torn_last_line_reports_what_it_recorded(tmp_path):
    run = tmp_path / "distill-tiny"
    shutil.copytree(FIXTURE_RUNS / "distill-tiny", run)
    info = json.loads((run / "run.json").read_text())
    (run / "run.json").write_text(json.dumps({**info, "status": "interrupted"}))
    events = (run / "events.jsonl").read_text().splitlines()
    (run / "events.jsonl").write_text("\n".join(events[:3]) + "\n" + events[3][:40])  # a crash mid-line
    built = build_report(str(run), tmp_path)
    page = built.report.read_text(encoding="utf-8")
    assert "This run did not finish (status: interrupted)" in page and "curves" in parse(built.report).figures


def test_open_hands_the_page_to_the_web_browser(tmp_path):
    shutil.copytree(FIXTURE_RUNS / "baseline-tiny", tmp_path / "baseline-tiny")
    seen = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"  # a real program as the browser, as $BROWSER names one
    browser.write_text(f"#!/bin/sh\necho \"$1\" > {seen}\n")
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": str(browser)}
    done = report_cli("baseline-tiny", "--runs-dir", str(tmp_path), "--format", "html", "--open", env=env)
    assert done.returncode == 0, done.stderr
    assert seen.read_text().strip() == (tmp_path / "baseline-tiny" / "report" / "report.html").as_uri()


def test_a_damaged_network_leaves_its_figures_out_and_says_why(tmp_path):
    run = tmp_path / "baseline-tiny"
    shutil.copytree(FIXTURE_RUNS / "baseline-tiny", run)
    weights = run / "models" / "model.npz"
    weights.write_bytes(weights.read_bytes()[:200])  # truncated, as by a full disk
    built = build_report(str(run), tmp_path)
    keys = set(parse(built.report).figures)
    assert "curves" in keys and not keys & {"confusion", "samples", "mistakes", "weights"}
    assert "Left out: the figures of its saved networks: " in built.report.read_text(encoding="utf-8")
