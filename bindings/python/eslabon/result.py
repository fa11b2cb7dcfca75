"""Results as pandas DataFrames, from a run or from an HDF5 file."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from . import _core
    from .model import Model

_TABLES = ["replications", "summary", "units", "unit_summary", "flows", "flow_summary", "links", "link_summary",
           "origins", "origin_summary", "orders"]


def _frame(columns: Mapping[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({k: (v if isinstance(v, np.ndarray) else np.asarray(v, dtype=object)) for k, v in columns.items()})


class _Tables:
    """DataFrame accessors shared by run results and results read from a file."""

    @property
    def name(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def seed(self) -> int:  # pragma: no cover - overridden
        raise NotImplementedError

    def _table(self, name: str) -> pd.DataFrame:  # pragma: no cover - overridden
        raise NotImplementedError

    def summary(self) -> pd.DataFrame:
        """KPIs over replications: index = KPI; columns mean, ci_low, ci_high, std, n (95% Student t)."""
        return self._table("summary").set_index("kpi")

    @property
    def replications(self) -> pd.DataFrame:
        """One row per replication with every KPI."""
        return self._table("replications")

    @property
    def units(self) -> pd.DataFrame:
        """One row per (replication, unit) with utilisation, mean_queue, mean_wait, throughput, ..."""
        return self._table("units")

    @property
    def flows(self) -> pd.DataFrame:
        """One row per (replication, flow) with the flow's lead times, on-time rate, throughput, ..."""
        return self._table("flows")

    @property
    def links(self) -> pd.DataFrame:
        """One row per (replication, link FROM->TO): handoffs, defects, detected, escaped, rework_time, sla_met_rate, copq."""
        return self._table("links")

    @property
    def origins(self) -> pd.DataFrame:
        """One row per (replication, origin of defects): visible_defects, visible_share, copq, copq_share."""
        return self._table("origins")

    @property
    def orders(self) -> pd.DataFrame:
        """One row per order (only when the run recorded orders; else empty)."""
        return self._table("orders")

    def unit_summary(self) -> pd.DataFrame:
        return self._table("unit_summary").set_index(["unit", "stat"])

    def link_summary(self) -> pd.DataFrame:
        return self._table("link_summary").set_index(["link", "stat"])

    def origin_summary(self) -> pd.DataFrame:
        return self._table("origin_summary").set_index(["origin", "stat"])

    def __repr__(self) -> str:
        s = self.summary()
        lead = s.loc["lead_time_mean"]
        return (f"{type(self).__name__}({self.name!r}: {int(lead['n'])} replications, seed {self.seed}; "
                f"lead_time_mean {lead['mean']:.4g} [{lead['ci_low']:.4g}, {lead['ci_high']:.4g}], "
                f"throughput {s.loc['throughput', 'mean']:.4g})")


class Result(_Tables):
    """What Model.run returns: every table as a DataFrame, and the HDF5 file on request."""

    def __init__(self, core: _core.RunResult, model: Model) -> None:
        self._core = core
        self.model = model
        self._cache: dict[str, pd.DataFrame] = {}

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def seed(self) -> int:
        return self._core.seed

    @property
    def events(self) -> int:
        """Events simulated, over all replications."""
        return self._core.events

    def _table(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = _frame(self._core.table(name))
        return self._cache[name].copy()

    def to_hdf5(self, path: str | os.PathLike[str]) -> None:
        """Write the same file `eslabon run -o` writes (temporary name, then rename)."""
        self._core.write_hdf5(os.fspath(path), self.model._core)

    def to_json(self) -> str:
        """The same JSON document as `eslabon run --json`."""
        return self._core.to_json()


class StoredResult(_Tables):
    """A result read back from an HDF5 file written by eslabon (CLI or Python)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        import h5py

        self.path = os.fspath(path)
        self._frames: dict[str, pd.DataFrame] = {}
        with h5py.File(self.path, "r") as f:
            self.attrs: dict[str, Any] = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
            for name in _TABLES:
                if name in f:
                    df = pd.DataFrame(f[name][:])
                    for c in df.columns:
                        if df[c].dtype == object:
                            df[c] = df[c].map(lambda x: x.decode("utf-8") if isinstance(x, bytes) else x)
                    self._frames[name] = df
        self.config_text: str = self.attrs.get("config", "")

    @property
    def name(self) -> str:
        return self.attrs.get("name", "")

    @property
    def seed(self) -> int:
        return int(self.attrs.get("seed", -1))

    def _table(self, name: str) -> pd.DataFrame:
        return self._frames.get(name, pd.DataFrame()).copy()


def read_hdf5(path: str | os.PathLike[str]) -> StoredResult:
    """Read an eslabon HDF5 result file (from `eslabon run -o` or `Result.to_hdf5`)."""
    return StoredResult(path)
