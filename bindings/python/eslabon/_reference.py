"""The config reference: every key of a model config (or of a sweep file) with its type, default,
unit and meaning, as the README's table and `eslabon keys` show them, and the JSON Schema. Both come
from the loader's own vocabulary (models/config/vocabulary.cpp).

    es.config_keys().loc["costs.late_penalty"]        # type, default, unit, description, see
    es.config_keys(sweep=True)                        # the keys of a sweep file
    es.config_schema()                                # the JSON Schema, as a dict
"""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from . import _core


def config_keys(sweep: bool = False) -> pd.DataFrame:
    """Every key of a model config (of a sweep file with `sweep=True`), one row per key in the
    README's order, indexed by its path (`units.UNIT.servers`, `links[].defect`); the columns are
    `type`, `default` (what the loader uses when the key is absent; "required" when it must be
    given), `unit`, `description` and `see` (the README section that says more, or "")."""
    return pd.DataFrame(_core.config_keys("sweep" if sweep else "model")).set_index("key")


def config_schema(sweep: bool = False) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a model config (of a sweep file with `sweep=True`), as
    `configs/eslabon.schema.json` holds it."""
    result: dict[str, Any] = json.loads(_core.config_schema("sweep" if sweep else "model"))
    return result
