"""Each figure kind of `digits.core.figures.kinds` drawn as a matplotlib figure (report/build.py saves
them as PNG and SVG)."""

import numpy as np

from digits.core.figures.kinds import Bars, Chart, Figure, Images, Matrices, Strips
from digits.report import style

MANY = 8  # more series than this: the legend goes below the axes


def percent_axis(ax, axis: str = "y") -> None:
    from matplotlib.ticker import PercentFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(1.0, decimals=None))


def draw(figure: Figure):
    plt = style.pyplot()
    kinds = {Chart: chart, Bars: bars, Strips: strips, Matrices: matrices, Images: images}
    fig = kinds[type(figure)](plt, figure)
    fig.suptitle(figure.title, x=0.01, ha="left", fontweight="bold")
    return fig


def marks_on(ax, marks) -> None:
    for n, mark in enumerate(marks):
        colour = style.PALETTE[6] if n else style.MUTED
        if mark.axis == "x":
            ax.axvline(mark.value, color=colour, linestyle="--", linewidth=1.2)
            ax.annotate(mark.label, (mark.value, 1), xycoords=("data", "axes fraction"), xytext=(4, -4),
                        textcoords="offset points", va="top", fontsize=8, color=colour)
        else:
            ax.axhline(mark.value, color=colour, linestyle="--", linewidth=1.2)
            ax.annotate(mark.label, (1, mark.value), xycoords=("axes fraction", "data"), xytext=(-4, 3),
                        textcoords="offset points", ha="right", fontsize=8, color=colour,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})


def legend(ax, count: int) -> None:
    if count <= 1:
        return
    if count > MANY:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3, frameon=False, fontsize=8)
    else:
        ax.legend(frameon=False)


def chart(plt, figure: Chart):
    panels = figure.panels
    labels = [[s.label for s in p.series] for p in panels]
    shared = len(panels) > 1 and all(lab == labels[0] for lab in labels) and len(labels[0]) > 1
    rows = -(-len(labels[0]) // 3) if shared else 0
    many = max(len(p.series) for p in panels) > MANY and not shared
    fig, axes = plt.subplots(1, len(panels), figsize=(style.WIDTH, 3.6 + (1.4 if many else 0) + 0.22 * rows),
                             squeeze=False, layout="constrained")
    for ax, panel in zip(axes[0], panels):
        for n, series in enumerate(panel.series):
            colour = style.PALETTE[n % len(style.PALETTE)]
            x = np.asarray(series.x, float)
            y = np.asarray([np.nan if v is None else v for v in series.y], float)
            if series.points:
                ax.plot(x, y, "o", color=colour, label=series.label)
            else:
                ax.plot(x, y, "-", marker="o" if len(x) <= 20 else None, markersize=3.5, color=colour,
                        label=series.label, linewidth=1.6)
            if series.lo is not None and series.hi is not None:
                ax.fill_between(x, np.asarray(series.lo, float), np.asarray(series.hi, float), color=colour,
                                alpha=0.18, linewidth=0)
        marks_on(ax, panel.marks)
        ax.set_xlabel(panel.xlabel)
        ax.set_ylabel(panel.ylabel)
        if panel.title and len(panels) > 1:
            ax.set_title(panel.title, loc="left")
        if panel.xticks is not None:
            ax.set_xticks(panel.xticks, [f"{t:g}" for t in panel.xticks])
        if panel.percent:
            percent_axis(ax)
        if not shared:
            legend(ax, len(panel.series))
    if shared:  # the same series in every panel: one legend under them all
        handles, names = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncols=min(3, len(names)), frameon=False)
    return fig


def bar_value(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.2%}" if abs(value) < 0.1 else f"{value:.1%}"  # error rates need their second digit
    return f"{value:.3f}"


def bars(plt, figure: Bars):
    n_cat, n_grp = len(figure.categories), len(figure.groups)
    label_width = max((len(c) for c in figure.categories), default=0)
    if figure.horizontal:
        height = 1.0 + 0.32 * n_cat * max(n_grp, 1) + 0.25 * n_cat
        fig, ax = plt.subplots(figsize=(style.WIDTH, height), layout="constrained")
    else:
        fig, ax = plt.subplots(figsize=(style.WIDTH, 3.8), layout="constrained")
    width = 0.8 / max(n_grp, 1)
    positions = np.arange(n_cat, dtype=float)
    for c in figure.highlight:
        span = ax.axhspan if figure.horizontal else ax.axvspan
        span(c - 0.5, c + 0.5, color=style.HIGHLIGHT, zorder=0,
             label=figure.highlight_label if c == figure.highlight[0] and figure.highlight_label else None)
    annotate = figure.horizontal or n_cat * n_grp <= 12  # room for a label beside every bar
    for g, group in enumerate(figure.groups):
        colour = style.MUTED if group.label == "published" else style.PALETTE[g % len(style.PALETTE)]
        offsets = positions - 0.4 + width * (g + 0.5)
        values = np.asarray([np.nan if v is None else v for v in group.values], float)
        errors = None if group.errors is None else np.asarray([0 if e is None else e for e in group.errors], float)
        if figure.horizontal:
            drawn = ax.barh(offsets, values, height=width * 0.92, xerr=errors, capsize=3, color=colour,
                            label=group.label)
        else:
            drawn = ax.bar(offsets, values, width=width * 0.92, yerr=errors, capsize=3, color=colour,
                           label=group.label)
        if annotate or figure.highlight:  # too many bars to label each: label the marked classes' only
            ax.bar_label(drawn, labels=["" if np.isnan(v) or not (annotate or i in figure.highlight)
                                        else bar_value(v, figure.percent) for i, v in enumerate(values)],
                         padding=3, fontsize=8 if annotate else 7, rotation=0 if annotate else 90)
    marks_on(ax, figure.marks)
    if figure.horizontal:
        ax.set_yticks(positions, figure.categories)
        ax.invert_yaxis()  # the first row on top, as in a table
        ax.set_xlabel(figure.ylabel)
        ax.grid(axis="y", visible=False)
        if figure.percent:
            percent_axis(ax, "x")
        top = max([v for g in figure.groups for v in g.values if v is not None] + [0.01])
        ax.set_xlim(0, min(1.12, top * 1.18) if figure.percent else None)
        ax.tick_params(axis="y", labelsize=8 if label_width > 40 else 9)
    else:
        ax.set_xticks(positions, figure.categories)
        pad = max(0.0, (3 - n_cat) / 2)  # one or two bars stay bar-shaped, not a wall
        ax.set_xlim(-0.5 - pad, n_cat - 0.5 + pad)
        ax.set_xlabel(figure.xlabel)
        ax.set_ylabel(figure.ylabel)
        ax.grid(axis="x", visible=False)
        if figure.percent:
            percent_axis(ax)
            top = max([v + (e or 0) for g in figure.groups
                       for v, e in zip(g.values, g.errors or [None] * len(g.values)) if v is not None]
                      + [m.value for m in figure.marks] + [0.01])
            ax.set_ylim(0, min(1.0, top * 1.15) if top <= 0.85 else 1.08)
    if n_grp > 1 or figure.highlight_label:
        # Above the axes, left-aligned: never over a bar.
        ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(4, n_grp + 1), fontsize=8)
    return fig


def strips(plt, figure: Strips):
    panels = figure.panels
    fig, axes = plt.subplots(1, len(panels), figsize=(style.WIDTH, 3.8), squeeze=False, layout="constrained")
    for ax, panel in zip(axes[0], panels):
        for n, s in enumerate(panel.strips):
            colour = style.PALETTE[n % len(style.PALETTE)]
            k = len(s.values)
            # A fixed spread (not random): the same data always draws the same picture.
            jitter = np.linspace(-0.18, 0.18, k) if k > 1 else np.zeros(1)
            ax.plot(n + jitter, s.values, "o", color=colour, alpha=0.75, markersize=5)
            ax.plot([n - 0.28, n + 0.28], [s.mean, s.mean], color="black", linewidth=2)
            ax.plot([n, n], [s.lo, s.hi], color="black", linewidth=1.2)
        if panel.zero:
            ax.axhline(0, color=style.MUTED, linestyle="--", linewidth=1)
        ax.set_xticks(range(len(panel.strips)), [s.label for s in panel.strips],
                      rotation=30 if len(panel.strips) > 3 else 0, ha="right" if len(panel.strips) > 3 else "center")
        ax.set_xlim(-0.6, len(panel.strips) - 0.4)
        ax.set_ylabel(panel.ylabel)
        ax.grid(axis="x", visible=False)
        if panel.title and len(panels) > 1:
            ax.set_title(panel.title, loc="left")
        if panel.percent:
            percent_axis(ax)
    return fig


def matrices(plt, figure: Matrices):
    from matplotlib.colors import PowerNorm

    count = len(figure.matrices)
    cols = min(count, 2)
    rows = -(-count // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(style.WIDTH, 3.9 * rows + 0.3), squeeze=False,
                             layout="constrained")
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    for ax, matrix in zip(axes.flat, figure.matrices):
        counts = np.asarray(matrix.counts, float)
        share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)  # of each true class's digits
        ax.imshow(share, cmap="Blues", norm=PowerNorm(0.4, 0, 1))
        k = len(counts)
        small = 8 if cols > 1 else 9
        for i in range(k):
            for j in range(k):
                if counts[i, j]:
                    ax.text(j, i, f"{int(counts[i, j])}", ha="center", va="center", fontsize=small,
                            color="white" if share[i, j] > 0.45 else "black")
        ax.set_xticks(range(k))
        ax.set_yticks(range(k))
        ax.tick_params(length=0)
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel(matrix.columns)
        ax.set_ylabel(matrix.rows)
        ax.set_title(matrix.title, loc="left")
    return fig


def images(plt, figure: Images):
    pictures = np.asarray(figure.images, float)
    count, cols = len(pictures), max(1, min(figure.columns, len(pictures)))
    rows = -(-count // cols)
    lines = max((len(c) for c in figure.captions), default=0)
    # Laid out by hand: constrained layout does not count the caption lines under each image.
    cell = style.WIDTH / cols
    picture, caption, title = cell * 0.9, lines * 10.5 / 72 + 0.08, 0.45
    height = title + rows * (picture + caption)
    fig, axes = plt.subplots(rows, cols, figsize=(style.WIDTH, height), squeeze=False)
    fig.subplots_adjust(left=0.005, right=0.995, top=1 - title / height, bottom=caption / height,
                        hspace=caption / picture, wspace=0.1)
    for ax in axes.flat:
        ax.set_axis_off()
    for n, ax in enumerate(axes.flat[:count]):
        picture = pictures[n]
        if figure.signed:
            top = float(np.abs(picture).max()) or 1.0
            ax.imshow(picture, cmap="RdBu_r", vmin=-top, vmax=top)
        else:
            ax.imshow(picture, cmap="gray_r", vmin=0, vmax=1)
        caption = figure.captions[n] if n < len(figure.captions) else []
        marked = figure.marked[n] if n < len(figure.marked) else []
        for k, text in enumerate(caption):  # one text per line: each line its own colour
            wrong = k < len(marked) and marked[k]
            ax.annotate(f"✗ {text}" if wrong else text, (0.5, 0), xycoords="axes fraction",
                        xytext=(0, -3 - 10.5 * k), textcoords="offset points",
                        ha="center", va="top", fontsize=7.5, color=style.MISTAKE if wrong else "black",
                        annotation_clip=False)
    return fig
