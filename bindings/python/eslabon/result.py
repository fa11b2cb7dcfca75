"""Results as pandas DataFrames, from a run or from an HDF5 file."""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._export import with_units
from .event_log import EventLogAccess

if TYPE_CHECKING:
    from ._stored_sweep import StoredSweep
    from .model import Model


def _table_names(sweep_point: bool = False) -> list[str]:
    """The tables a result file may hold (a sweep point: those marked in_sweep), from the one list in C++."""
    return [t["name"] for t in _core.result_tables() if t["in_sweep"] or not sweep_point]


def _frame(columns: Mapping[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({k: (v if isinstance(v, np.ndarray) else np.asarray(v, dtype=object)) for k, v in columns.items()})


def _read_dataset(ds: Any) -> pd.DataFrame:
    df = pd.DataFrame(ds[:])
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda x: x.decode("utf-8") if isinstance(x, bytes) else x)
    return df


# The config's time units as pandas spells them.
_PANDAS_UNITS = {"second": "s", "minute": "min", "hour": "h", "day": "D", "week": "W"}
# README "Shifts and calendars": model time 0 when the config does not say.
_DEFAULT_CALENDAR_START = "2026-01-05T00:00"


def _read_attrs(obj: Any) -> dict[str, Any]:
    return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in obj.attrs.items()}


class _Tables(EventLogAccess):
    """DataFrame accessors shared by run results and results read from a file (the event log's: event_log.py)."""

    def _precision(self, name: str) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def warmup_auto(self) -> dict[str, Any] | None:
        """How ``warmup: auto`` chose the warm-up (README "Warm-up and replications without guessing"):
        warmup, method ("mser-5"), pilots, lead_time and wip (each: observations, batches, truncated,
        used, time), capped, too_short; None without ``warmup: auto``."""
        text = self._precision("warmup_auto")
        return json.loads(text) if text else None

    @property
    def stopping(self) -> dict[str, Any] | None:
        """What the stopping rule did (``replications: {until: ...}``): kpi, until, min, max,
        replications (the number used), relative_half_width (achieved), met; None without one."""
        text = self._precision("stopping")
        return json.loads(text) if text else None

    @property
    def name(self) -> str:  # pragma: no cover - overridden
        """The model's name (a sweep point's: its id, p0000, ...)."""

    @property
    def seed(self) -> int:  # pragma: no cover - overridden
        """The seed of the first replication."""

    def _table(self, name: str) -> pd.DataFrame:  # pragma: no cover - overridden
        raise NotImplementedError

    def _indexed(self, name: str, keys: list[str]) -> pd.DataFrame:
        """Table `name` indexed by `keys`; as it is (empty) when the result has no such table (a sweep
        point holds only some)."""
        t = self._table(name)
        return t.set_index(keys) if set(keys) <= set(t.columns) else t

    @property
    def time_unit(self) -> str:  # pragma: no cover - overridden
        """The unit of every time in the tables: second, minute, hour, day or week."""

    @property
    def calendar_start(self) -> pd.Timestamp:  # pragma: no cover - overridden
        """Model time 0 as a date (README "Shifts and calendars")."""

    @property
    def currency(self) -> str:  # pragma: no cover - overridden
        """The name of the currency of costs, values and penalties (config ``costs.currency``)."""

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write every table as PATH/TABLE.csv, each column's unit in its header (``lead_time_mean [hour]``),
        as ``eslabon run --csv PATH`` does (README "CSV and Excel"); PATH may be new (its parent must exist)."""
        from . import _args, _export

        _export.write(_export.result_frames(self), csv_dir=path, time_unit=self.time_unit, currency=self.currency,
                      kept=_args.inputs_of(self))

    def to_excel(self, path: str | os.PathLike[str]) -> None:
        """Write every table as a sheet of an Excel workbook, as ``eslabon run --xlsx PATH`` does."""
        from . import _args, _export

        _export.write(_export.result_frames(self), xlsx=path, time_unit=self.time_unit, currency=self.currency,
                      kept=_args.inputs_of(self))

    def dates(self, times: Any) -> Any:
        """Model times (a number, an array or a Series in the model's time unit, e.g.
        ``r.orders["delivered"]``) as dates: ``calendar_start`` plus that many time units (README
        "Shifts and calendars": no time zone, every day 24 hours)."""
        return self.calendar_start + pd.to_timedelta(times, unit=_PANDAS_UNITS[self.time_unit])

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
        """One row per (replication, link FROM->TO), then per (replication, defect type of a link FROM->TO:TYPE): handoffs,
        defects, detected, escaped, lost, false_alarms, rework_time, sla_met_rate, copq."""
        return self._table("links")

    @property
    def origins(self) -> pd.DataFrame:
        """The cost ledger (README "Who pays"): one row per (replication, row), a row being an origin of defects
        (link, defect type of a link FROM->TO:TYPE, skipped step), a cause of delay other than rework (service:, queue:,
        outage:, closed:UNIT, delay:LINK) or
        "(unattributed)"; visible_defects, visible_share, copq, copq_per_order, copq_share."""
        return self._table("origins")

    @property
    def delays(self) -> pd.DataFrame:
        """Where the lead time went: index = cause (service:UNIT, queue:UNIT, outage:UNIT, closed:UNIT, rework:ORIGIN,
        delay:LINK), largest first, causes that took no time left out; columns time (mean per delivered
        order), ci_low, ci_high (95%), lead_share, lateness_share (means over replications)."""
        s = self.delay_summary()
        if s.empty:
            return pd.DataFrame(columns=["time", "ci_low", "ci_high", "lead_share", "lateness_share"])
        t = s.xs("time", level="stat")[["mean", "ci_low", "ci_high"]].rename(columns={"mean": "time"})
        t["lead_share"] = s.xs("lead_share", level="stat")["mean"]
        t["lateness_share"] = s.xs("lateness_share", level="stat")["mean"]
        return t[t["time"] > 0].sort_values("time", ascending=False)

    @property
    def causes(self) -> pd.DataFrame:
        """Where the time and the money went, per delivered order (README "Where the time went" and "Who
        pays"): index = cause, one row per row of the cost ledger (an origin of defects FROM->TO or
        skip:TASK, whose time is the rework its defects caused; service:, queue:, outage:, closed:UNIT; delay:LINK;
        "(unattributed)"); columns time, time_ci_low, time_ci_high, lateness_share, copq, copq_ci_low,
        copq_ci_high (95%), copq_share (means over replications). Largest cost first, then largest time;
        rows with neither left out. ``attrs``: lead_time_mean and copq_per_order of the run (mean, ci_low,
        ci_high), the totals the rows add up to."""
        columns = ["time", "time_ci_low", "time_ci_high", "lateness_share", "copq", "copq_ci_low", "copq_ci_high",
                   "copq_share"]
        d, o = self.delay_summary(), self.origin_summary()
        delay_names = list(dict.fromkeys(d.index.get_level_values(0))) if not d.empty else []
        rows = {}

        def stat(table: pd.DataFrame, name: str, s: str, col: str = "mean") -> float:
            return float(table.loc[(name, s), col]) if (name, s) in table.index else float("nan")

        for name in (dict.fromkeys(o.index.get_level_values(0)) if not o.empty else []):
            cause = f"rework:{name}" if f"rework:{name}" in delay_names else name
            rows[name] = [stat(d, cause, "time"), stat(d, cause, "time", "ci_low"), stat(d, cause, "time", "ci_high"),
                          stat(d, cause, "lateness_share"), stat(o, name, "copq_per_order"),
                          stat(o, name, "copq_per_order", "ci_low"), stat(o, name, "copq_per_order", "ci_high"),
                          stat(o, name, "copq_share")]
        t = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
        t.index.name = "cause"
        t = t[(t["time"].fillna(0) > 0) | (t["copq"].fillna(0) > 0)]
        t = t.assign(_c=t["copq"].fillna(0), _t=t["time"].fillna(0)).sort_values(["_c", "_t"], ascending=False,
                                                                                  kind="stable")
        t = t.drop(columns=["_c", "_t"])
        summary = self.summary()
        t.attrs = {k: {c: float(summary.loc[k, c]) for c in ("mean", "ci_low", "ci_high")}
                   for k in ("lead_time_mean", "copq_per_order") if k in summary.index}
        return t

    @property
    def delay_causes(self) -> pd.DataFrame:
        """One row per (replication, cause): time and lateness per delivered order, lead_share, lateness_share."""
        return self._table("delay_causes")

    @property
    def order_delays(self) -> pd.DataFrame:
        """One row per (order, cause that took time on its path): replication, flow, order, cause, time
        (only when the run recorded orders; else empty)."""
        return self._table("delays")

    @property
    def orders(self) -> pd.DataFrame:
        """One row per order (only when the run recorded orders; else empty)."""
        return self._table("orders")

    @property
    def drift(self) -> pd.DataFrame:
        """The drift check: index = KPI; first_half, second_half (means over replications), the paired
        difference (second - first) with its 99% CI (ci_low, ci_high) and n, overall (the KPI's mean),
        relative_difference, and significant, material, drifting (0/1; README "Steady state")."""
        return self._indexed("drift", ["kpi"])

    @property
    def contracts(self) -> pd.DataFrame:
        """Internal service contracts (README "Internal service contracts"): index = link with an SLA;
        within, share (target; NaN without one), penalty (per late handoff), met_rate with its 95% CI
        (ci_low, ci_high), target_met (1 when the mean met rate reaches the share, 0 when not, NaN without
        a target) and sure (1 when the whole CI lies on that side of the share)."""
        return self._indexed("contracts", ["link"])

    @property
    def satisfaction(self) -> pd.DataFrame:
        """Customers who remember (README "Customers who remember"): index = score band ("0.0-0.1", ...,
        "0.9-1.0"); share (of the customers in bases with memory, averaged over time), ci_low, ci_high (95%),
        customers (time-average number in the band); means over replications. Empty without memory."""
        s = self.satisfaction_summary()
        if s.empty:
            return pd.DataFrame(columns=["share", "ci_low", "ci_high", "customers"])
        t = s.xs("share", level="stat")[["mean", "ci_low", "ci_high"]].rename(columns={"mean": "share"})
        t["customers"] = s.xs("customers", level="stat")["mean"]
        return t

    @property
    def satisfaction_bands(self) -> pd.DataFrame:
        """One row per (replication, score band): customers, share (empty without memory)."""
        return self._table("satisfaction")

    def satisfaction_summary(self) -> pd.DataFrame:
        """The satisfaction bands over replications: index (band, stat), stats customers and share; columns
        mean, ci_low, ci_high, std, n."""
        return self._indexed("satisfaction_summary", ["band", "stat"])

    def unit_summary(self) -> pd.DataFrame:
        """Each unit's statistics over replications: index (unit, stat); columns mean, ci_low, ci_high, std, n."""
        return self._indexed("unit_summary", ["unit", "stat"])

    def link_summary(self) -> pd.DataFrame:
        """Each link's statistics over replications: index (link, stat); columns mean, ci_low, ci_high, std, n."""
        return self._indexed("link_summary", ["link", "stat"])

    def origin_summary(self) -> pd.DataFrame:
        """The cost ledger over replications: index (origin, stat); columns mean, ci_low, ci_high, std, n."""
        return self._indexed("origin_summary", ["origin", "stat"])

    def delay_summary(self) -> pd.DataFrame:
        """Where the lead time went, over replications: index (cause, stat), stats time and lateness (per
        delivered order), lead_share and lateness_share; columns mean, ci_low, ci_high, std, n."""
        return self._indexed("delay_summary", ["cause", "stat"])

    def report(self, path: str | os.PathLike[str], **options: Any) -> str:
        """Write a self-contained HTML report for a client, as ``eslabon report -o`` (README "A report to
        hand over"); options: compare, rank, rank_replications, rank_kpi, ranking, threads, progress
        (see ``eslabon.report.render``). Ranking the weak points runs the model. Returns the path."""
        from .report import write_report

        return write_report(self, path, **options)

    def __repr__(self) -> str:
        s = self.summary()
        lead = s.loc["lead_time_mean"]
        return (f"{type(self).__name__}({self.name!r}, replications={int(lead['n'])}, seed={self.seed}, "
                f"lead_time_mean={lead['mean']:.4g} [{lead['ci_low']:.4g}, {lead['ci_high']:.4g}], "
                f"throughput={s.loc['throughput', 'mean']:.4g})")


class Result(_Tables):
    """What Model.run returns: every table as a DataFrame, and the HDF5 file on request."""

    def __init__(self, core: _core.RunResult, model: Model) -> None:
        self._core = core
        self.model = model
        self._cache: dict[str, pd.DataFrame] = {}

    @property
    def name(self) -> str:
        """The model's name."""
        return self._core.name

    @property
    def seed(self) -> int:
        """The seed of the first replication."""
        return self._core.seed

    @property
    def simulated_events(self) -> int:
        """Events simulated, over all replications (``events`` is the event log)."""
        return self._core.events

    @property
    def warmup(self) -> float:
        """The warm-up the replications used, in the model's time unit (chosen by ``warmup: auto``)."""
        return self._core.warmup

    @property
    def threads(self) -> int:
        """The threads the replications ran on: ``threads=`` of Model.run, else one per CPU this process may
        use (its affinity mask, at most SLURM_CPUS_PER_TASK), never more than the replications."""
        return self._core.threads

    def _precision(self, name: str) -> str:
        return str(getattr(self._core, name))

    @property
    def time_unit(self) -> str:
        """The model's time unit: every time in the tables is in it."""
        return self.model.time_unit

    @property
    def currency(self) -> str:
        """The currency of costs, values and penalties (config ``costs.currency``)."""
        return self._core.currency

    @property
    def calendar_start(self) -> pd.Timestamp:
        """Model time 0 as a date (``Model.calendar_start``)."""
        return self.model.calendar_start

    def _table(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = _frame(self._core.table(name))
        return with_units(self._cache[name].copy(), name, self.time_unit, self.currency)

    def to_hdf5(self, path: str | os.PathLike[str]) -> None:
        """Write the same file `eslabon run -o` writes (temporary name, then rename), where `eslabon run -o`
        may write (README "Where results may be written"; not the model's config file). Raises ConfigError
        before writing anything for a path that may not be written (also FileNotFoundError for no such
        directory, IsADirectoryError, PermissionError: it is both), OSError when writing fails (a full
        disk: ENOSPC; nothing is left behind)."""
        from . import _args

        target = _args.path("path", path)
        try:
            self._core.write_hdf5(target, self.model._core, _args.inputs_of(self))
        except OSError as e:  # a failed write names its file, as Python's own I/O errors do
            if isinstance(e, _core.ConfigError) or e.filename:
                raise
            raise OSError(e.errno, f"writing {target} failed: {e.strerror or e}", target) from None

    def to_json(self) -> str:
        """The same JSON document as `eslabon run --json`."""
        return self._core.to_json()


class StoredResult(_Tables):
    """A result read back from an HDF5 file written by eslabon (CLI or Python), or one point of a
    sweep file (then `name` is the point's id, and the tables are those a sweep point holds with the
    summaries of its units, links and origins, made from them as a run makes them; the others are empty)."""

    def __init__(self, path: str | os.PathLike[str], group: str = "/", attrs: dict[str, Any] | None = None) -> None:
        import h5py

        self.path = os.fspath(path)
        self._frames: dict[str, pd.DataFrame] = {}
        with h5py.File(self.path, "r") as f:
            g = f[group]
            self.attrs: dict[str, Any] = _read_attrs(f) if attrs is None else attrs
            for name in _table_names(sweep_point=group != "/"):
                if name in g:
                    self._frames[name] = _read_dataset(g[name])
        self.config_text: str = self.attrs.get("config", "")
        # A sweep point keeps its per-replication tables, not their summaries: make them as a run does.
        for t in _core.result_tables():
            per, summary = self._frames.get(t["name"]), t["summary"]
            if summary and summary not in self._frames and per is not None and len(per.columns) > 2:
                self._frames[summary] = _frame(_core.summarise(
                    summary, [(str(c), per[c].to_numpy()) for c in per.columns], list(dict.fromkeys(per.iloc[:, 1])),
                    self.time_unit, self.currency))

    @property
    def time_unit(self) -> str:
        """The file's time unit: every time in the tables is in it."""
        return str(self.attrs.get("time_unit", "hour"))

    @property
    def currency(self) -> str:
        """The file's currency of costs, values and penalties (its ``currency`` attribute)."""
        return str(self.attrs.get("currency", _core.default_currency()))

    @property
    def calendar_start(self) -> pd.Timestamp:
        """Model time 0 as a date: the file's ``calendar_start`` attribute, written when the config
        gives one or a unit has shifts; else the default, Monday 2026-01-05 00:00."""
        return pd.Timestamp(str(self.attrs.get("calendar_start", _DEFAULT_CALENDAR_START)))

    @property
    def name(self) -> str:
        """The model's name (a sweep point's id)."""
        return self.attrs.get("name", "")

    @property
    def seed(self) -> int:
        """The seed of the first replication."""
        return int(self.attrs.get("seed", -1))

    def _precision(self, name: str) -> str:
        return str(self.attrs.get(name, ""))

    @property
    def warmup(self) -> float:
        """The warm-up the replications used: the ``warmup_auto`` attribute's, else the stored config's."""
        auto = self.warmup_auto
        if auto is not None:
            return float(auto["warmup"])
        from . import _core

        return float(_core.Model.load_text(self.config_text, self.path).warmup) if self.config_text else float("nan")

    def _table(self, name: str) -> pd.DataFrame:
        return with_units(self._frames.get(name, pd.DataFrame()).copy(), name, self.time_unit, self.currency)


def read_hdf5(path: str | os.PathLike[str]) -> StoredResult | StoredSweep:
    """Read an eslabon HDF5 file: a run (`eslabon run -o`, `Result.to_hdf5`) gives a StoredResult,
    a sweep (`eslabon sweep -o`) a StoredSweep."""
    import h5py

    from ._stored_sweep import StoredSweep

    with h5py.File(os.fspath(path), "r") as f:
        is_sweep = "sweep" in f.attrs or "points" in f
    return StoredSweep(path) if is_sweep else StoredResult(path)
