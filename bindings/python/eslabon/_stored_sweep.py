"""A sweep file (`eslabon sweep -o`, es.run_sweep) read back: es.read_hdf5 gives a StoredSweep."""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd

from . import _core
from .result import StoredResult, _read_attrs, _read_dataset


def _factor_values(column: pd.Series) -> pd.Series:
    """A factor's values: numbers as the sweep file stores them; text (a file of an earlier version,
    or values that are not all numbers) as numbers when they all are; "" (a scenario that does not
    set the factor) becomes missing."""
    if column.dtype.kind in "iuf":
        return column
    col = column.where(column != "", None)
    given = col.dropna()
    if pd.to_numeric(given, errors="coerce").isna().any():
        return col
    num = pd.to_numeric(col)  # missing values make it float, as in es.sweep's frame
    return num.astype("int64") if num.notna().all() and given.str.fullmatch(r"-?\d+").all() else num


class StoredSweep:
    """A sweep file (`eslabon sweep -o`) read back.

    - ``scenarios``: one row per point (point, id, scenario, one column per factor: numbers when
      its values are, NaN where a scenario does not set it; complete);
    - ``points``: {id: StoredResult} for the complete points, read when first asked for
      (``sweep["p0003"]`` is the same);
    - ``summary()``: one row per (point, KPI) like ``es.sweep``: id, the factors (as numbers where
      they are), scenario, kpi, measured_in, mean, ci_low, ci_high, std, n;
    - ``attrs`` (``sweep``: the sweep file's text, ``seed``, ``replications``, ``complete``, ...);
    - ``to_csv(dir)``, ``to_excel(path)``, ``to_xarray()`` (README "CSV and Excel").
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        import h5py

        self.path = os.fspath(path)
        with h5py.File(self.path, "r") as f:
            self.attrs: dict[str, Any] = _read_attrs(f)
            self.scenarios = _read_dataset(f["scenarios"]) if "scenarios" in f else pd.DataFrame()
            present = set(f["points"]) if "points" in f else set()
        ids = list(self.scenarios["id"]) if len(self.scenarios) else sorted(present)
        self.points = _LazyPoints(self, [i for i in ids if i in present])
        self.factors = [c for c in self.scenarios.columns if c not in ("point", "id", "scenario", "complete")]

    @property
    def seed(self) -> int:
        """The seed every point used."""
        return int(self.attrs.get("seed", -1))

    @property
    def replications(self) -> int:
        """The replications of each point."""
        return int(self.attrs.get("replications", 0))

    @property
    def complete(self) -> bool:
        """Whether every point is in the file (a sweep stopped early is not)."""
        return bool(self.attrs.get("complete", 0))

    @property
    def sweep_text(self) -> str:
        """The sweep file's text."""
        return str(self.attrs.get("sweep", ""))

    def __getitem__(self, point_id: str) -> StoredResult:
        return self.points[point_id]

    def __len__(self) -> int:
        return len(self.scenarios)

    def summary(self) -> pd.DataFrame:
        """One row per (complete point, KPI) like es.sweep's: id, factors, scenario, kpi, measured_in, mean,
        ci_low, ci_high, std, n; ``attrs``: factors, time_unit, currency."""
        import h5py

        frames = []
        with h5py.File(self.path, "r") as f:
            for pid in self.points:
                s = _read_dataset(f["points"][pid]["summary"])
                s.insert(0, "id", pid)
                frames.append(s)
        cols = ["id", *self.factors, "scenario", "kpi", "measured_in", "mean", "ci_low", "ci_high", "std", "n"]
        if not frames:
            return pd.DataFrame(columns=cols)
        df = pd.concat(frames, ignore_index=True)
        sc = self.scenarios.set_index("id")
        for c in [*self.factors, "scenario"]:
            values = sc[c] if c == "scenario" else _factor_values(sc[c])
            df[c] = df["id"].map(values)
        df = df[[c for c in cols if c in df.columns]]  # measured_in: not in files of earlier versions
        df.attrs["factors"] = list(self.factors)
        df.attrs.update({k: str(self.attrs[k]) for k in ("time_unit", "currency") if k in self.attrs})
        return df

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the sweep's tables as PATH/TABLE.csv, as ``eslabon sweep --csv PATH``: scenarios, summary, and
        replications, units, links and origins of every complete point (each row led by its point's id)."""
        from . import _args, _export

        _export.write(_export.sweep_frames(self), csv_dir=path, kept=_args.inputs_of(self), **self._measures())

    def to_excel(self, path: str | os.PathLike[str]) -> None:
        """The tables of ``to_csv`` as the sheets of an Excel workbook, as ``eslabon sweep --xlsx PATH``."""
        from . import _args, _export

        _export.write(_export.sweep_frames(self), xlsx=path, kept=_args.inputs_of(self), **self._measures())

    def to_xarray(self) -> Any:
        """The grid points as an xarray Dataset: one dimension per factor and kpi; mean, ci_low, ci_high,
        std, n; coordinate measured_in along kpi (named scenarios are off the grid: see summary())."""
        from . import _export

        return _export.sweep_xarray(self)

    def _measures(self) -> dict[str, str]:
        return {"time_unit": str(self.attrs.get("time_unit", "hour")),
                "currency": str(self.attrs.get("currency", _core.default_currency()))}

    def report(self, path: str | os.PathLike[str], heatmap_kpis: list[str] | None = None) -> str:
        """Write a self-contained HTML report of the sweep (every point's KPIs, heat maps over two factors),
        as ``eslabon report SWEEP.h5 -o``. Returns the path."""
        from .report import write_report

        return write_report(self, path, heatmap_kpis=heatmap_kpis)

    def __repr__(self) -> str:
        return (f"StoredSweep({self.path!r}, points={len(self)}, complete={len(self.points)}, "
                f"replications={self.replications}, seed={self.seed}, factors={self.factors})")


class _LazyPoints(Mapping[str, "StoredResult"]):
    """{id: StoredResult} over a sweep file's complete points, each read on first access."""

    def __init__(self, sweep: StoredSweep, ids: list[str]) -> None:
        self._sweep, self._ids = sweep, ids
        self._cache: dict[str, StoredResult] = {}
        self._known = set(ids)

    def __getitem__(self, pid: str) -> StoredResult:
        if pid not in self._known:
            raise KeyError(f"no complete point {pid!r} in {self._sweep.path}; expected one of {', '.join(self._ids)}")
        if pid not in self._cache:
            attrs = {"name": pid, "seed": self._sweep.seed, **{k: self._sweep.attrs[k] for k in
                                                                ("time_unit", "currency", "calendar_start")
                                                                if k in self._sweep.attrs}}
            self._cache[pid] = StoredResult(self._sweep.path, f"/points/{pid}", attrs)
        return self._cache[pid]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
