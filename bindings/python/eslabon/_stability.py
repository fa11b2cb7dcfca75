"""The warning a run gives before it starts when a unit cannot keep up (README "Before you simulate:
check"), as `eslabon run` prints it."""
from __future__ import annotations

import warnings
from typing import Any


class UnstableWarning(UserWarning):
    """A model with a unit (without a finite capacity) whose utilisation is >= 1: its queue grows without
    bound, and the run's figures depend on its horizon (see ``m.check()``)."""


def warn_if_unstable(model: Any, stacklevel: int = 3) -> None:
    """warnings.warn an UnstableWarning naming each overloaded unit with its utilisation, from ``m.check()``."""
    doc = model.check()
    if not doc["unstable"]:
        return
    units = ", ".join(f"{u} (utilisation {doc['units'][u]['utilisation']:.4g})" for u in doc["unstable"])
    warnings.warn(f"{model.name}: a unit has utilisation >= 1; its queue grows without bound: {units}; "
                  "see m.check()", UnstableWarning, stacklevel=stacklevel)
