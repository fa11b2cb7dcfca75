"""Models: load from YAML or a dict, change by path, run."""
from __future__ import annotations

import json
import math
import os
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np

from . import _args, _core
from ._args import ConfigError, _quote
from ._dictconfig import to_yaml

if TYPE_CHECKING:
    import pandas as pd

    from .graph import Graph
    from .result import Result, StoredResult


# Model.run(events=True): the orders recorded per replication (README "Event logs for process mining").
EVENT_ORDERS = 10000


def _event_orders(events: Any) -> int:
    """Model.run's `events` as the number of orders to record per replication (0: none)."""
    if isinstance(events, (bool, np.bool_)):
        return EVENT_ORDERS if events else 0
    expected = "expected True, False or a whole number of orders >= 1"
    if not isinstance(events, (int, np.integer)):
        raise TypeError(f"events: {expected}, got {_args.type_name(events)}")
    if events < 1:
        raise ConfigError(f"events: {expected}, got {int(events)}")
    return int(events)


def _yaml_value(value: Any, where: str) -> str:
    """A Python value as YAML text for a change: a str as written (so ``"30min"`` and ``"{exponential:
    {mean: 2}}"`` read as the config would), anything else as _dictconfig writes it, on one line."""
    if isinstance(value, str):
        return str(value) if value and value.strip() == value else json.dumps(str(value), ensure_ascii=False)
    return to_yaml(value, where, indent=None)


def _nan(value: Any) -> Any:
    """JSON's null (a figure that is not finite) as NaN."""
    return math.nan if value is None else value


def _label(path: str, argument: str = "changes") -> str:
    """How a message names a change made by the package: ``changes["units.production.servers"]``."""
    return f"{argument}[{_quote(path)}]"


class Model:
    """A value-chain model, loaded and validated (README "The model (config contract)"). Immutable:
    ``with_changes`` and ``scenario`` return new models.

    Make one with ``Model.from_yaml(path)``, ``Model.from_dict(config)`` or ``Model(text)`` (YAML text;
    ``changes``: (path, value as YAML) pairs applied first). A model keeps its config text and the
    changes made to it, so it pickles to another process (ProcessPoolExecutor, MPI, Dask) and rebuilds
    there identically.

    Raises ConfigError (a ValueError) when the config does not give a valid model: the message names
    ``FILE:LINE:COL: path.to.key`` for a file, the dict path for a dict, the change for a change.
    """

    def __init__(self, text: str, source: str = "<string>", changes: Iterable[tuple[str, str]] = ()) -> None:
        # A (path, value, label) triple keeps its label (the CLI's commands in Python: "--set ...").
        given = [tuple(c) for c in changes]
        triples = tuple((str(c[0]), str(c[1]), str(c[2]) if len(c) > 2 else _label(str(c[0]))) for c in given)
        ours = {label: (path, None) for (path, _, label), c in zip(triples, given) if len(c) == 2}
        self._load(_args.text("text", text), _args.text("source", source), triples, ours)

    def _load(self, text: str, source: str, changes: tuple[tuple[str, str, str], ...],
              labels: dict[str, tuple[str, Any]], config: Any = None) -> None:
        """Load with `changes` (path, YAML text, label). An error blamed on a change whose label is in
        `labels` ({label: (path, the Python value or None)}) is told in the package's words; one in the
        text of a dict (``from_dict``: `config`, or a later model's ``_from_dict``) with the dict path."""
        self._text, self._source, self._changes = text, source, changes
        self._ours = {label: (path, None) for label, (path, _) in labels.items()}  # what pickles
        self._from_dict = config is not None or getattr(self, "_from_dict", False)
        try:
            self._core = _core.Model.load_text(text, source, list(changes))
        except ConfigError as e:
            if self._from_dict:
                import yaml  # the dict, back from the text from_dict wrote, when it is not at hand

                e = _args.dict_error(e, yaml.safe_load(text) if config is None else config, source)
            raise _args.model_error(e, labels) from None

    # --- making models ----------------------------------------------------------------
    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str]) -> Model:
        """The model in the YAML file ``path``.

        Raises FileNotFoundError (no such file), IsADirectoryError, PermissionError (as ``open`` does),
        TypeError (``path`` is not a path) and ConfigError (a ValueError) for a config that does not give
        a valid model, its message ``FILE:LINE:COL: path.to.key: expected ..., got ...`` as the CLI's, or
        a file the CLI would not read either (README "Limits": a device, more than 16 MiB, not UTF-8).
        """
        path = _args.path("path", path)
        return cls(_args.read_config(path), path)

    @classmethod
    def from_dict(cls, config: Mapping[str, Any], name: str = "<dict>") -> Model:
        """A model from a dict shaped like the YAML config, e.g. ``{"units": {"sales": {"servers": 2}}, ...}``.

        Values may be what pandas and numpy hand over (numpy integers, floats and bools, 0-d arrays, arrays
        and Series as lists), durations as strings (``"30min"``) or timedeltas, dates for
        ``run.calendar_start``; names any unicode. ``name`` is the model's source (and its name when the
        config has no ``name``).

        Raises TypeError (``config`` is not a mapping, or holds a value of another type: the message names
        its dict path) and ConfigError (a ValueError) for a config that does not give a valid model, e.g.
        ``config["units"]["production"]["servers"]: expected an integer from 1 to 1000000, got 0``
        (``e.key`` is the config path, ``e.detail`` the problem).
        """
        if not isinstance(config, Mapping):
            raise TypeError(f"config: expected a dict (a mapping), got {_args.type_name(config)}")
        m = cls.__new__(cls)
        m._load(to_yaml(config, "config"), _args.text("name", name), (), {}, config)
        return m

    def with_changes(self, changes: Mapping[str, Any]) -> Model:
        """A new model with config values changed by path, as the CLI's ``--set PATH=VALUE``:
        ``m.with_changes({"links.purchase->produce.defect": 0.0, "units.production.servers": 5})``.

        A path walks mappings by key and lists by index or, for links, by FROM->TO. Values are Python
        values (numpy's too; a dict or list replaces a whole section); a str is read as YAML, so
        ``"30min"`` and ``"{exponential: {mean: 2}}"`` mean what they mean in the config.

        Raises TypeError (``changes`` is not a mapping, a path is not a str, a value of another type) and
        ConfigError (a ValueError) naming the change, e.g. ``changes["units.production.servers"]: expected
        an integer from 1 to 1000000, got 0``.
        """
        return self._changed(changes, "changes")

    def _changed(self, changes: Mapping[str, Any], argument: str, labels: Mapping[str, str] | None = None) -> Model:
        """with_changes, its messages naming `argument` (or labels[path] for a path in `labels`)."""
        if not isinstance(changes, Mapping):
            raise TypeError(f"{argument}: expected a dict of config paths to values, got {_args.type_name(changes)}")
        extra, values = [], {}
        for path, value in changes.items():
            if not isinstance(path, str):
                raise TypeError(f"{argument}: expected config paths (str) as keys, got {_args.type_name(path)}")
            label = (labels or {}).get(path) or _label(path, argument)
            extra.append((str(path), _yaml_value(value, label), label))
            values[label] = (str(path), value)
        return self._derived(tuple(extra), values)

    def scenario(self, name: str) -> Model:
        """The model with the changes of scenario ``name`` from the config's ``scenarios`` section
        (``m.scenarios`` lists them). Raises TypeError (not a str) and ConfigError listing the scenarios."""
        scenarios = self._core.scenarios
        name = _args.choice("name", name, list(scenarios), "scenario")
        extra = tuple((path, value, f"scenarios[{_quote(name)}][{_quote(path)}]") for path, value in scenarios[name])
        return self._derived(extra, {label: (path, None) for path, _, label in extra})

    def _derived(self, extra: tuple[tuple[str, str, str], ...], labels: dict[str, tuple[str, Any]]) -> Model:
        """This model's text and changes, then `extra` (their labels in `labels`)."""
        m = Model.__new__(Model)
        m._from_dict = self._from_dict
        m._load(self._text, self._source, self._changes + extra, {**self._ours, **labels})
        return m

    # --- running ------------------------------------------------------------------------
    def _with_run(self, replications: Any, seed: Any) -> Model:
        """The model with ``replications`` and ``seed`` checked and set (None: the config's), so that the
        config stored with a result says what produced it, as the CLI's flags do."""
        changes: dict[str, Any] = {}
        if isinstance(replications, Mapping):
            if isinstance(replications.get("kpi"), str):  # listing the KPIs, which the loader does not
                _args.kpi(replications["kpi"], 'replications["kpi"]')
            changes["run.replications"] = dict(replications)
        elif replications is not None:
            changes["run.replications"] = _args.integer("replications", replications)
        if seed is not None:
            changes["run.seed"] = _args.integer("seed", seed)
        labels = {"run.replications": "replications", "run.seed": "seed"}
        return self._changed(changes, "changes", labels) if changes else self

    def run(self, replications: int | Mapping[str, Any] | None = None, seed: int | None = None,
            threads: int | None = None, orders: bool = False, progress: bool = True,
            events: bool | int = False, events_replications: int = 1, time_limit: Any = None) -> Result:
        """Run replications of the model and return a Result (its tables as DataFrames).

        Parameters:
            replications: how many (an int >= 1; numpy integers too), or a stopping rule as in the
                config, e.g. ``{"until": 0.02, "kpi": "lead_time_mean", "max": 500}`` (README "Warm-up and
                replications without guessing"; ``r.stopping`` says what it did). None: the config's.
            seed: the first replication's seed (an int >= 0); None: the config's ``run.seed``.
            threads: worker threads (0 to 4096); None or 0: one per core. The result does not depend on it.
            orders: record every order (``r.orders``, ``r.order_delays``).
            progress: show a tqdm bar when tqdm is installed.
            events: record the event log (``r.events``, ``r.to_xes``, ``r.to_ocel``; README "Event logs for
                process mining"): True for the first 10,000 orders of replication 0, an int N for the first N.
            events_replications: with ``events``, record replications 0 to K - 1 (an int K >= 1).
            time_limit: the most wall-clock time the run may take, in seconds (a number > 0 or a
                ``datetime.timedelta``); None: no limit (README "Limits").

        Returns:
            Result: ``r.summary()`` (KPIs with 95% CIs), ``r.replications``, ``r.units``, ... .

        Raises:
            TypeError: an argument of the wrong type (``replications=1.5``, ``seed="1"``).
            ConfigError: a value out of range (``replications=0``), naming the argument.
            WipLimitExceeded: the work in the system passed ``run.max_wip``.
            EventLimitExceeded: a replication passed ``run.max_events`` events.
            TimeLimitExceeded: the run took longer than ``time_limit``. All three are RunLimitExceeded
                (a RuntimeError).
            KeyboardInterrupt: Ctrl-C (or the notebook's interrupt) stops the run promptly; the GIL is
                released while it runs.

        Warns:
            UnstableWarning: before the run starts, when a unit cannot keep up (``m.check()["unstable"]``),
                as ``eslabon run`` prints it.
        """
        from ._precision import warn_if_imprecise
        from ._stability import warn_if_unstable
        from ._drift import warn_if_drifting
        from .result import Result
        from ._progress import progress_bar

        threads = _args.threads(threads)
        orders, progress = _args.flag("orders", orders), _args.flag("progress", progress)
        model = self._with_run(replications, seed)
        limit = _event_orders(events)
        events_replications = _args.integer("events_replications", events_replications, 1)
        seconds = _args.time_limit(time_limit)
        warn_if_unstable(model)
        with progress_bar(progress, f"{self.name}") as update:
            core = _core.run(model._core, 0, -1, threads, orders, update, limit, events_replications, seconds)
        result = Result(core, model)
        warn_if_drifting(result)
        warn_if_imprecise(result)
        return result

    # --- what it holds --------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The config's ``name`` (else the file's stem, or "model")."""
        return self._core.name

    @property
    def units(self) -> list[str]:
        """The units (departments), in config order."""
        return list(self._core.units)

    @property
    def flows(self) -> list[str]:
        """The flows (kinds of external order), in config order."""
        return list(self._core.flows)

    @property
    def tasks(self) -> dict[str, list[str]]:
        """Each flow's tasks: {flow: [task, ...]}, in config order."""
        return {flow: list(tasks) for flow, tasks in self._core.tasks.items()}

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
        """The config as YAML text, with the changes applied (what a results file stores)."""
        return self._core.config_text

    @property
    def source(self) -> str:
        """Where the config came from: the file's path, ``<dict>`` (from_dict's ``name``), ``<string>``."""
        return self._source

    @property
    def changes(self) -> dict[str, str]:
        """The changes made to the config: path -> value, as YAML text."""
        return {path: value for path, value, _ in self._changes}

    @property
    def time_unit(self) -> str:
        """The unit of every time in the model and its results: second, minute, hour, day or week."""
        return self._core.time_unit

    @property
    def currency(self) -> str:
        """The name of the currency of costs, values and penalties (``costs.currency``, default "currency")."""
        return self._core.currency

    @property
    def calendar_start(self) -> pd.Timestamp:
        """Model time 0 as a date (``run.calendar_start``, default Monday 2026-01-05 00:00; README
        "Shifts and calendars")."""
        import pandas as pd

        return pd.Timestamp(self._core.calendar_start)

    @property
    def horizon(self) -> float:
        """``run.horizon``: the simulated time span of a replication, in the time unit."""
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
        """``run.replications`` (with a stopping rule, its ``min``)."""
        return self._core.replications

    @property
    def seed(self) -> int:
        """``run.seed``: the first replication's seed."""
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
        flow: ``lead_time`` (the estimate, in the time unit; NaN when a unit cannot keep up), ``sd`` (its
        standard deviation), ``late_share`` (P(lead time > due), a gamma law of that mean and sd; 0
        without a due), ``method`` (``M/M/c``: exact, a Jackson network; ``QNA``: Whitt's
        approximation), ``due``, ``critical_path``
        (its steps, ``A -> B``, handoffs with a link as ``A->B``), ``critical_time``, ``critical_share``
        (share of orders whose route takes it) and ``notes`` (what is approximate, ``; ``-separated). The
        same figures as ``eslabon check``."""
        import pandas as pd

        rows = {}
        for name, f in self._estimates()["flows"].items():
            path = f["critical_path"]
            rows[name] = {"lead_time": _nan(f["lead_time"]), "sd": _nan(f["sd"]), "late_share": _nan(f["late_share"]),
                          "method": f["method"], "due": _nan(f["due"]),
                          "critical_path": " -> ".join(s["name"] for s in path["steps"]),
                          "critical_time": _nan(path["time"]), "critical_share": _nan(path["share_of_orders"]),
                          "notes": "; ".join(f["notes"])}
        cols = ["lead_time", "sd", "late_share", "method", "due", "critical_path", "critical_time", "critical_share",
                "notes"]
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
        return {"text": self._text, "source": self._source, "changes": self._changes, "ours": self._ours,
                "from_dict": self._from_dict}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._from_dict = state.get("from_dict", False)
        self._load(state["text"], state["source"], tuple(state["changes"]), state.get("ours", {}))

    def __repr__(self) -> str:
        changes = f", changes={self.changes!r}" if self._changes else ""
        return (f"Model({self.name!r}, units={len(self.units)}, flows={len(self.flows)}, links={len(self.links)}, "
                f"horizon={self.horizon:g} {self.time_unit}, replications={self.replications}{changes})")


def load_for_cli(path: str) -> Model:
    """The model in file ``path`` for the CLI's commands written in Python (graph, sensitivity): a file
    that cannot be read is a ConfigError (exit 2) in the words of the C++ CLI, not an OSError."""
    try:
        return Model.from_yaml(path)
    except OSError:
        _core.Model.load_file(path)  # raises the CLI's message
        raise

