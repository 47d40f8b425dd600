"""Which test digits Browse shows: filters and sort order as plain values, applied with numpy."""

from dataclasses import dataclass, replace

import numpy as np

from digits.core.runs.inspection import rank
from digits.tui.lab import Lab

SHOW = ("all", "wrong", "correct")
SORTS = ("index", "confidence", "loss")


@dataclass(frozen=True)
class BrowseFilter:
    model: str | None = None  # whose predictions filter and sort (None: no model, dataset only)
    true: int | None = None
    predicted: int | None = None
    show: str = "all"
    sort: str = "index"

    def cycled(self, field: str, lab: Lab, step: int = 1) -> "BrowseFilter":
        """This filter with `field` moved to its next value (wrapping; None means any)."""
        options = {
            "true": [None, *range(10)],
            "predicted": [None, *range(10)],
            "show": list(SHOW),
            "sort": list(SORTS),
            "model": lab.model_names or [None],
        }[field]
        current = options.index(getattr(self, field)) if getattr(self, field) in options else 0
        return replace(self, **{field: options[(current + step) % len(options)]})

    def indices(self, lab: Lab) -> np.ndarray:
        """Test-set indices passing the filters, in the chosen order."""
        keep = np.ones(len(lab.labels), dtype=bool)
        if self.true is not None:
            keep &= lab.labels == self.true
        view = lab.views.get(self.model) if self.model else None
        if view is not None:
            if self.predicted is not None:
                keep &= view.predicted == self.predicted
            if self.show != "all":
                keep &= view.correct == (self.show == "correct")
        indices = np.flatnonzero(keep)
        return rank(view, indices, self.sort) if view is not None else indices

    def describe(self) -> list[tuple[str, str]]:
        """(field, text) of each setting, for the filter bar."""
        return [
            ("model", f"model {self.model or '-'}"),
            ("true", f"true {'any' if self.true is None else self.true}"),
            ("predicted", f"predicted {'any' if self.predicted is None else self.predicted}"),
            ("show", f"show {self.show}"),
            ("sort", f"by {self.sort}"),
        ]
