"""The warning a run gives when its KPIs drift between the halves of its measurement window (README
"Steady state")."""
from __future__ import annotations

import warnings
from typing import Any


class DriftWarning(UserWarning):
    """A run whose KPIs differ between the first and the second half of its measurement window
    (README "Steady state"): its figures depend on the horizon."""


def warn_if_drifting(result: Any, stacklevel: int = 3) -> None:
    """warnings.warn a DriftWarning naming each drifting KPI with its first- and second-half means."""
    d = result.drift
    if d.empty or not d["drifting"].astype(bool).any():
        return
    parts = [f"{kpi} {row['first_half']:.4g} -> {row['second_half']:.4g} ({row['relative_difference']:+.0%})"
             for kpi, row in d[d["drifting"].astype(bool)].iterrows()]
    where = result.name
    model = getattr(result, "model", None)
    if model is not None and model._changes:  # a sweep point or a scenario: say which
        where += " (" + ", ".join(f"{path}={value}" for path, value in model.changes.items()) + ")"
    warnings.warn(f"{where}: the model drifts (first half -> second half of the measurement window): "
                  f"{'; '.join(parts)}. The figures depend on the horizon; see r.drift and README \"Steady state\".",
                  DriftWarning, stacklevel=stacklevel)
