"""The warnings of README "Warm-up and replications without guessing", as Python warnings."""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .result import Result


class PrecisionWarning(UserWarning):
    """``warmup: auto`` found the run too short to remove the start-up bias, or a stopping rule
    reached ``max`` before its target (README "Warm-up and replications without guessing")."""


def warn_if_imprecise(result: Result, stacklevel: int = 3) -> None:
    """warnings.warn a PrecisionWarning with the CLI's warnings about the warm-up and the stopping rule."""
    for text in result._core.warnings:
        warnings.warn(f"{result.name}: {text.removeprefix('warning: ')}", PrecisionWarning, stacklevel=stacklevel)
