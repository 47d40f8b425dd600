"""How figures look, fixed so that the same data gives the same bytes: matplotlib's Agg backend (no
display), the DejaVu fonts matplotlib ships, no version or date written into the files, and the
Okabe-Ito colour-blind-safe palette."""

import importlib

from digits.core.errors import MissingExtra

INSTALL = "pip install 'digits[report]'  (from a checkout: pip install -e '.[report]')"

# Okabe & Ito (2008), ordered so that neighbours differ in lightness as well as hue; the yellow,
# too light on white for thin lines, comes last.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
MUTED = "#8C8C8C"  # published figures, reference lines
HIGHLIGHT = "#FFF1C9"  # shading behind marked classes (pale, so bars stay legible on it)
MISTAKE = "#B2182B"  # a dark red, told from black by hue and from the palette's orange; marked ✗ too

WIDTH = 8.0  # inches; at DPI this is 800 px, the width of a README column at 100% zoom
DPI = 100

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "svg.hashsalt": "digits",  # ids inside SVG files are otherwise random
    "svg.fonttype": "path",
    "path.simplify": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "image.interpolation": "nearest",
    "image.resample": False,
}


def pyplot():
    """matplotlib.pyplot on the Agg backend with the style above; a one-line error naming the install
    command when matplotlib is missing."""
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        raise MissingExtra(f"digits report draws its figures with matplotlib, which is not installed: {INSTALL}") \
            from None
    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update(RC)
    matplotlib.rcParams["axes.prop_cycle"] = matplotlib.cycler(color=PALETTE)
    return importlib.import_module("matplotlib.pyplot")
