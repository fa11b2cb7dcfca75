"""Models: load from YAML or a dict, change by path, run."""
from __future__ import annotations

import json
import math
import os
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from . import _core

if TYPE_CHECKING:
    import pandas as pd

    from .graph import Graph
    from .result import Result, StoredResult


# Model.run(events=True): the orders recorded per replication (README "Event logs for process mining").
EVENT_ORDERS = 10000


def _event_orders(events: Any) -> int:
    """Model.run's `events` as the number of orders to record per replication (0: none)."""
    if hasattr(events, "item") and getattr(events, "shape", None) == ():
        events = events.item()  # a numpy scalar
    if isinstance(events, bool):
        return EVENT_ORDERS if events else 0
    if not isinstance(events, int) or events < 1:
        raise _core.ConfigError(f"events: expected True, False or a whole number of orders >= 1, got {events!r}")
    return events


def _plain(value: Any) -> Any:
    """numpy scalars and arrays as Python values; containers recursively."""
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _yaml_value(value: Any) -> str:
    """A Python value as YAML text for an override (JSON is a subset of YAML, except for
    infinities and NaN, which YAML writes .inf and .nan)."""
    value = _plain(value)
    if isinstance(value, str):
        return value if value and value.strip() == value else json.dumps(value)
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    text = json.dumps(value)
    return text.replace("Infinity", ".inf").replace("NaN", ".nan")


def _nan(value: Any) -> Any:
    """JSON's null (a figure that is not finite) as NaN."""
    return math.nan if value is None else value


class Model:
    """A value-chain model. Immutable: `with_changes` returns a new model.

    A model keeps its config text and the changes made to it, so it pickles to another
    process (ProcessPoolExecutor, MPI, Dask) and rebuilds there identically.
    """

    def __init__(self, text: str, source: str = "<string>", changes: Iterable[tuple[str, str]] = ()) -> None:
        self._text = text
        self._source = source
        self._changes = tuple(changes)
        self._core = _core.Model.load_text(text, source, list(self._changes))

    # --- making models ----------------------------------------------------------------
    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str]) -> Model:
        path = os.fspath(path)
        if os.path.isdir(path):
            raise ConfigError(f"{path}: expected a YAML file, found a directory")
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            raise ConfigError(f"{path}: cannot read the file (does it exist?)") from None
        return cls(text, path)

    @classmethod
    def from_dict(cls, config: Mapping[str, Any], name: str = "<dict>") -> Model:
        """A model from a dict shaped like the YAML config (durations may be strings: "30min")."""
        return cls(json.dumps(config, indent=1), name)

    def with_changes(self, changes: Mapping[str, Any]) -> Model:
        """A new model with config values changed by path, as `--set PATH=VALUE` does:
        ``m.with_changes({"links.purchase->produce.defect": 0.0, "units.production.servers": 5})``."""
        extra = tuple((str(path), _yaml_value(value)) for path, value in changes.items())
        return Model(self._text, self._source, self._changes + extra)

    def scenario(self, name: str) -> Model:
        """The model with the changes of scenario `name` from the config's `scenarios` section."""
        scenarios = self._core.scenarios
        if name not in scenarios:
            _core.scenario_model(self._core, name)  # raises the CLI's message, with a did-you-mean
        return Model(self._text, self._source, self._changes + tuple(scenarios[name]))

    # --- running ------------------------------------------------------------------------
    def run(self, replications: int | Mapping[str, Any] | None = None, seed: int | None = None,
            threads: int | None = None, orders: bool = False, progress: bool = True,
            events: bool | int = False, events_replications: int = 1) -> Result:
        """Run replications (default: the config's) and return a Result.

        ``replications`` is a number, or a stopping rule as in the config, e.g. ``{"until": 0.02,
        "kpi": "lead_time_mean", "max": 500}`` (README "Warm-up and replications without guessing";
        ``r.stopping`` says what it did). Releases the GIL while it runs; Ctrl-C (or the notebook's
        interrupt) stops it promptly and raises KeyboardInterrupt. ``progress=True`` shows a tqdm bar
        when tqdm is installed. A run whose work in the system passes ``run.max_wip`` raises
        ``eslabon.WipLimitExceeded``.

        ``events=True`` records the event log (``r.events``, ``r.to_xes``, ``r.to_ocel``; README "Event logs
        for process mining") of the first 10,000 orders of replication 0; ``events=N`` of the first N; with
        ``events_replications=K``, of replications 0 to K - 1.
        """
        from ._precision import warn_if_imprecise
        from ._drift import warn_if_drifting
        from .result import Result
        from ._progress import progress_bar

        # Replications and seed become part of the model, so the config stored with the
        # result (to_hdf5) says what produced it, exactly as the CLI's flags do.
        changes: dict[str, Any] = {}
        if isinstance(replications, Mapping):
            changes["run.replications"] = dict(replications)
        elif replications:
            changes["run.replications"] = int(replications)
        if seed is not None:
            changes["run.seed"] = int(seed)
        model = self.with_changes(changes) if changes else self
        limit = _event_orders(events)
        if isinstance(events_replications, bool) or not isinstance(events_replications, int) or events_replications < 1:
            raise _core.ConfigError(f"events_replications: expected a whole number >= 1, got {events_replications!r}")
        with progress_bar(progress, f"{self.name}") as update:
            core = _core.run(model._core, 0, -1, int(threads or 0), bool(orders), update, limit, events_replications)
        result = Result(core, model)
        warn_if_drifting(result)
        warn_if_imprecise(result)
        return result

    # --- what it holds --------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._core.name

    @property
    def units(self) -> list[str]:
        return list(self._core.units)

    @property
    def flows(self) -> list[str]:
        return list(self._core.flows)

    @property
    def links(self) -> list[str]:
        """The weak links, as FROM->TO."""
        return list(self._core.links)

    @property
    def origins(self) -> list[str]:
        """Where defects can begin: every link (each followed by its defect types, FROM->TO:TYPE), then every
        skippable step (skip:TASK)."""
        return list(self._core.origins)

    @property
    def scenarios(self) -> dict[str, dict[str, str]]:
        """The config's scenarios: name -> {path: value}."""
        return {k: dict(v) for k, v in self._core.scenarios.items()}

    @property
    def config_text(self) -> str:
        return self._core.config_text

    @property
    def source(self) -> str:
        return self._source

    @property
    def changes(self) -> dict[str, str]:
        """The changes made to the config: path -> value, as YAML text."""
        return dict(self._changes)

    @property
    def time_unit(self) -> str:
        return self._core.time_unit

    @property
    def calendar_start(self) -> pd.Timestamp:
        """Model time 0 as a date (``run.calendar_start``, default Monday 2026-01-05 00:00; README
        "Shifts and calendars")."""
        import pandas as pd

        return pd.Timestamp(self._core.calendar_start)

    @property
    def horizon(self) -> float:
        return self._core.horizon

    @property
    def warmup(self) -> float:
        """``run.warmup`` (0 with ``warmup: auto``, which a run decides: ``Result.warmup``)."""
        return self._core.warmup

    @property
    def warmup_auto(self) -> bool:
        """``run.warmup: auto`` (README "Warm-up and replications without guessing")."""
        return self._core.warmup_auto

    @property
    def max_wip(self) -> int:
        """``run.max_wip``: the most orders in the system a run allows (default 1000000)."""
        return self._core.max_wip

    @property
    def replications(self) -> int:
        return self._core.replications

    @property
    def seed(self) -> int:
        return self._core.seed

    def offered_load(self) -> pd.DataFrame:
        """Per unit (index, in model order): ``servers``, ``arrival_rate``, ``work_rate`` and
        ``utilisation`` from the traffic equations, without simulating (README "Before you simulate:
        check"); the complaint desk's row counts the complaints. The units of ``eslabon check``."""
        import pandas as pd

        return pd.DataFrame.from_dict(self._core.offered_load(), orient="index")

    def check(self) -> dict[str, Any]:
        """What ``eslabon check CONFIG --json`` prints, as a dict (README "Before you simulate: check"):
        ``model``, ``time_unit``, ``units`` (per unit: servers, arrival_rate, work_rate, utilisation,
        unstable, servers_for_stable, servers_for_comfortable, ...), ``flows`` (per flow: arrival_rate,
        customer_base, the per-order rates and ``tasks``), ``links`` (rates per time unit),
        ``complaints``, ``unstable`` (the overloaded units), ``warnings`` and ``notes``. A figure that is
        not finite is None. ``pd.DataFrame.from_dict(m.check()["units"], orient="index")`` is a table."""
        return json.loads(self._core.check_json())

    def _estimates(self) -> dict[str, Any]:
        return json.loads(self._core.lead_time_json())

    def lead_time_estimates(self) -> pd.DataFrame:
        """Each flow's lead time without simulating (README "Lead times without simulating"), one row per
        flow: ``lead_time`` (the estimate, in the time unit; NaN when a unit cannot keep up), ``method``
        (``M/M/c``: exact, a Jackson network; ``QNA``: Whitt's approximation), ``due``, ``critical_path``
        (its steps, ``A -> B``, handoffs with a link as ``A->B``), ``critical_time``, ``critical_share``
        (share of orders whose route takes it) and ``notes`` (what is approximate, ``; ``-separated). The
        same figures as ``eslabon check``."""
        import pandas as pd

        rows = {}
        for name, f in self._estimates()["flows"].items():
            path = f["critical_path"]
            rows[name] = {"lead_time": _nan(f["lead_time"]), "method": f["method"], "due": _nan(f["due"]),
                          "critical_path": " -> ".join(s["name"] for s in path["steps"]),
                          "critical_time": _nan(path["time"]), "critical_share": _nan(path["share_of_orders"]),
                          "notes": "; ".join(f["notes"])}
        cols = ["lead_time", "method", "due", "critical_path", "critical_time", "critical_share", "notes"]
        return pd.DataFrame.from_dict(rows, orient="index", columns=cols)

    def queue_estimates(self) -> pd.DataFrame:
        """Each unit as a queue without simulating, one row per unit: ``arrival_rate``, ``servers``,
        ``availability``, ``service_mean``, ``utilisation``, ``arrival_scv``, ``service_scv``, ``wait`` (mean
        wait in line per visit; NaN when the unit cannot keep up) and ``method`` (``M/M/c`` or ``QNA``)."""
        import pandas as pd

        units = self._estimates()["units"]
        rows = {u: {k: (_nan(v) if k != "method" else v) for k, v in q.items()} for u, q in units.items()}
        return pd.DataFrame.from_dict(rows, orient="index")

    def blast_radius(self) -> pd.DataFrame:
        """What lies downstream of each weak point (each link, skippable step, unit with outages, staff
        below the config's level or pressure that harms), one row per weak point and flow it reaches:
        ``name``, ``kind`` (link, skip, unit), ``faults``, ``flow``, ``tasks`` and ``units`` (lists),
        ``share_of_orders`` (of the flow's orders whose route passes it), ``customers`` (the flow's customer
        base; NaN for open demand) and ``order_rate``. A weak point that reaches no task has one row with
        flow None."""
        import pandas as pd

        rows = []
        for b in self._estimates()["blast_radius"]:
            base = {"name": b["name"], "kind": b["kind"], "faults": list(b["faults"])}
            if not b["flows"]:
                rows.append({**base, "flow": None, "tasks": [], "units": [], "share_of_orders": 0.0,
                             "customers": math.nan, "order_rate": math.nan})
            for flow, f in b["flows"].items():
                rows.append({**base, "flow": flow, "tasks": f["tasks"], "units": f["units"],
                             "share_of_orders": _nan(f["share_of_orders"]), "customers": _nan(f["customers"]),
                             "order_rate": _nan(f["order_rate"])})
        cols = ["name", "kind", "faults", "flow", "tasks", "units", "share_of_orders", "customers", "order_rate"]
        return pd.DataFrame(rows, columns=cols)

    def pressure_load(self) -> pd.DataFrame:
        """Can a unit's pressure tip it (README "Pressure")? One row per unit with ``pressure``: ``low``,
        its offered load with every unit with pressure at its lowest level; ``high``, the largest with
        this unit alone at another level its measure can reach, and that ``level``; ``can_tip``, low < 1
        <= high (what ``eslabon check`` warns about). Empty without pressure."""
        import pandas as pd

        rows = self._core.pressure_load()
        cols = ["low", "high", "level", "can_tip"]
        return pd.DataFrame.from_dict(rows, orient="index", columns=cols) if rows else pd.DataFrame(columns=cols)

    def pressure_warning(self) -> str:
        """The warning ``eslabon check`` and ``eslabon run`` print for the units that can tip, one line
        each ("" when none can)."""
        return self._core.pressure_warning()

    def graph(self, results: Result | StoredResult | None = None, color: str | None = None) -> Graph:
        """The organisation as a picture (README "Drawing the organisation"): units sized by servers, task
        handoffs as edges as wide as their flow, weak links red and dashed, the external customer and the
        complaint desk. ``color``: ``utilisation`` (the default without results; simulated with them),
        ``copq`` (the default with results) or ``escaped``, from ``results`` (this model's Result or
        StoredResult). Shows itself in Jupyter; ``.svg()``, ``.png()``, ``.save(path)``, ``.dot``."""
        from .graph import build

        return build(self, results=results, color=color)

    def __getstate__(self) -> dict[str, Any]:
        return {"text": self._text, "source": self._source, "changes": self._changes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        Model.__init__(self, state["text"], state["source"], state["changes"])

    def __repr__(self) -> str:
        changes = f", changes={dict(self._changes)!r}" if self._changes else ""
        return (f"Model({self.name!r}, units={len(self.units)}, flows={len(self.flows)}, links={len(self.links)}, "
                f"horizon={self.horizon:g} {self.time_unit}, replications={self.replications}{changes})")


ConfigError = _core.ConfigError
