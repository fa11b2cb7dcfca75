"""Units of measure on DataFrames, and results out as CSV, Excel and xarray (README "CSV and Excel").

The units come from the C++ vocabulary (models/results/measure_units.cpp) and the files from the
C++ writers `eslabon run|compare|rank|sweep --csv/--xlsx` use, so the CLI and Python write the
same files (tests/python/test_files.py compares them byte for byte).
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pandas as pd

from . import _core

if TYPE_CHECKING:
    from ._stored_sweep import StoredSweep
    from .result import _Tables


def units_attrs(table: str, columns: Iterable[Any], time_unit: str, currency: str, kpi: str = "") -> dict[str, Any]:
    """What a result DataFrame carries in ``attrs``: time_unit, currency and units ({column: unit} for
    the columns that have one; a table with one row per figure has its units in ``measured_in``)."""
    units = {str(c): _core.unit_of(table, str(c), time_unit, currency, kpi) for c in columns}
    return {"time_unit": time_unit, "currency": currency, "units": {c: u for c, u in units.items() if u}}


def with_units(df: pd.DataFrame, table: str, time_unit: str, currency: str, kpi: str = "") -> pd.DataFrame:
    df.attrs.update(units_attrs(table, df.columns, time_unit, currency, kpi))
    return df


def _columns(df: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    return [(str(c), df[c].to_numpy()) for c in df.columns]


def write(frames: list[tuple[str, pd.DataFrame]], csv_dir: str | os.PathLike[str] | None = None,
          xlsx: str | os.PathLike[str] | None = None, time_unit: str = "hour",
          currency: str = "", kpi: str = "", kept: list[tuple[str, str]] | None = None) -> None:
    """[(table name, frame)] to DIR/NAME.csv and/or one sheet each of an Excel workbook, each column's unit
    in its header. Paths (the argument ``path`` of to_csv and to_excel) are checked first, by the rules of
    README "Where results may be written" (es.ConfigError; the workbook must not replace one of ``kept``,
    [(file, what it is)]); nothing is half-written."""
    from . import _args

    csv_dir = _args.path("path", csv_dir) if csv_dir is not None else None
    xlsx = _args.path("path", xlsx) if xlsx is not None else None
    currency = currency or _core.default_currency()
    tables = [(name, _columns(df), [_core.unit_of(_vocabulary(name), str(c), time_unit, currency, kpi)
                                    for c in df.columns]) for name, df in frames]
    _core.write_tables(tables, csv_dir or "", xlsx or "", kept or [])


def _vocabulary(name: str) -> str:
    """The unit vocabulary of an exported table ("weak_points" is a ranking)."""
    return "ranking" if name == "weak_points" else name


def result_frames(result: _Tables) -> list[tuple[str, pd.DataFrame]]:
    """A run's tables in file order: the tables it has (a run file's, or a sweep point's), without the
    per-order ones when orders were not recorded."""
    from .result import _table_names

    frames = [(name, result._table(name)) for name in _table_names()]
    return [(name, df) for name, df in frames if len(df.columns)]


def sweep_frames(sweep: StoredSweep) -> list[tuple[str, pd.DataFrame]]:
    """A sweep file's tables as `eslabon sweep --csv` writes them: scenarios, summary, then each point
    table of the file (replications, units, links, origins), the complete points' rows one after
    another, each led by the point's id."""
    from .result import _table_names

    frames = [("scenarios", sweep.scenarios), ("summary", sweep.summary())]
    for name in _table_names(sweep_point=True):
        if name == "summary":
            continue
        parts = [sweep.points[pid]._table(name).assign(id=pid) for pid in sweep.points]
        parts = [p[["id", *[c for c in p.columns if c != "id"]]] for p in parts]
        frames.append((name, pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()))
    return frames


def sweep_xarray(sweep: StoredSweep) -> Any:
    """The grid points of a sweep as an xarray Dataset: one dimension per factor and one for the KPI;
    variables mean, ci_low, ci_high, std and n; coordinate measured_in along kpi; attrs time_unit and
    currency. Named scenarios are not on the grid: they stay in summary()."""
    import xarray as xr

    s = sweep.summary()
    grid = s[s["scenario"] == ""]
    keys = [*sweep.factors, "kpi"]
    ds = xr.Dataset.from_dataframe(grid.set_index(keys)[["mean", "ci_low", "ci_high", "std", "n"]])
    units = grid.drop_duplicates("kpi").set_index("kpi")["measured_in"]
    ds = ds.assign_coords(measured_in=("kpi", [units[k] for k in ds["kpi"].values]))
    ds.attrs.update({k: v for k, v in s.attrs.items() if k in ("time_unit", "currency")})
    return ds
