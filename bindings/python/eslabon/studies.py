"""What-if studies: paired comparisons, the cost of each weak link, sweeps over any executor."""
from __future__ import annotations

import errno
import itertools
import numbers
import os
from concurrent.futures import Executor
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from . import _args, _core
from ._args import ConfigError
from ._export import with_units
from .model import Model
from ._stored_sweep import StoredSweep
from .result import _frame


def _shared_warmup(model: Model, warmup: float) -> Model:
    """The model with the base's chosen warm-up when it says ``warmup: auto`` (README "Warm-up and
    replications without guessing": the scenarios of a study share the base's measurement window)."""
    return model.with_changes({"run.warmup": float(warmup)}) if model.warmup_auto else model


def structure_differences(base: Model, variant: Model) -> list[str]:
    """How two models' structures differ (README "In Python and Jupyter"): their units, flows, each flow's
    tasks and their weak links, by name. Parameters (servers, rates, probabilities, which unit does a task,
    ...) are not structure: a scenario's changes usually leave it as it is. [] when the structures are the
    same. The rule is the CLI's (``eslabon compare`` refuses such a scenario without ``--allow-different``)."""
    return list(_core.structure_differences(_model("base", base)._core, _model("variant", variant)._core))


def _model(name: str, value: Any) -> Model:
    if not isinstance(value, Model):
        raise TypeError(f"{name}: expected an eslabon Model, got {_args.type_name(value)}")
    return value


def compare(base: Model, variant: Model, replications: int = 30, seed: int = 1, threads: int | None = None,
            progress: bool = False, allow_different: bool = False) -> pd.DataFrame:
    """Paired comparison of two models by common random numbers, as ``eslabon compare``.

    Parameters:
        base, variant: the models; ``variant`` is usually ``base.with_changes(...)`` or ``base.scenario(...)``.
        replications: replications of each (an int >= 1); seed: their seed (an int >= 0), the same for both.
        threads: worker threads (None or 0: one per core); progress: a tqdm bar.
        allow_different: compare models whose structures differ (their units, flows, tasks or links:
            ``structure_differences``); refused by default, since the pairs then share no random numbers.

    Returns:
        DataFrame, one row per KPI (index ``kpi``): measured_in (the KPI's unit of measure), base_mean, variant_mean, diff_mean (variant - base),
        diff_ci_low, diff_ci_high (95%, paired by replication), paired_half_width, unpaired_half_width (the
        half-width two independent runs of the same size would have had: what common random numbers bought).
        ``attrs``: time_unit, currency.

    Raises:
        TypeError: a model that is not a Model, an argument of the wrong type.
        ConfigError: a value out of range; structures that differ without ``allow_different=True``.
    """
    base, variant = _model("base", base), _model("variant", variant)
    differences = structure_differences(base, variant)
    if differences and not _args.flag("allow_different", allow_different):
        raise ConfigError("variant: its structure differs from base's (" + "; ".join(differences) + "); pass "
                          "allow_different=True to compare different organisations")
    a = base.run(replications=replications, seed=seed, threads=threads, progress=progress)
    variant = _shared_warmup(variant, a.warmup) if base.warmup_auto else variant
    b = variant.run(replications=replications, seed=seed, threads=threads, progress=progress)
    return with_units(_frame(_core.compare_runs(a._core, b._core)), "comparison", base.time_unit,
                      base.currency).set_index("kpi")


def rank_links(model: Model, replications: int = 30, seed: int = 1, kpi: str = "copq_per_order",
               threads: int | None = None, progress: bool = False) -> pd.DataFrame:
    """The cost of each weak link: every link with a fault on (defects, a handoff delay, lost handoffs),
    and every skippable step, fixed in turn, compared with the baseline by common random numbers.

    One row per weak link, largest effect first: link, kind, change, base_mean, fixed_mean,
    effect_mean (base - fixed, what the link costs on `kpi`), effect_ci_low, effect_ci_high, n.
    Kept as it was (a link's faults fixed together, kind "link" or "skip"); ``rank`` covers every
    kind of weak point, a link's faults separately. Arguments and errors as ``rank``'s.
    """
    from ._progress import progress_bar

    model = _model("model", model)._with_run(replications, seed)
    kpi, threads = _args.kpi(kpi), _args.threads(threads)
    with progress_bar(_args.flag("progress", progress), f"rank {model.name}") as update:
        table = _core.rank_links(model._core, 0, -1, threads, kpi, update)
    df = with_units(_frame(table), "ranking", model.time_unit, model.currency, kpi)  # for es.plot.tornado
    df.attrs["kpi"] = kpi
    return df


def rank(model: Model, kpi: str = "copq_per_order", replications: int = 30, seed: int = 1, shapley: bool = False,
         budget: float | None = None, threads: int | None = None, progress: bool = False) -> pd.DataFrame:
    """What fixing is worth, for every kind of weak point (as ``eslabon rank``): each fixed alone and
    compared with the baseline by common random numbers.

    One row per weak point, largest |effect| first: name, kind (defects, defect_type, delay, lost, skip,
    outages, staffing, complaints, scenario), change (the overrides, "PATH=VALUE, ..."), base_mean, fixed_mean,
    effect_mean (base - fixed) with effect_ci_low/high (paired 95%), n; cost (a scenario's cost per
    time unit), saving_mean, net_mean with net_ci_low/high, return_mean (when the KPI is money:
    copq_per_order or revenue); shapley_mean with shapley_ci_low/high (``shapley=True``: the faults'
    Shapley contributions to base - every fault fixed, which sum to it exactly); ledger (the base
    run's copq per order booked on the weak point's origin, for copq_per_order). ``attrs``: kpi,
    time_unit, currency, units ({column: unit of measure}), shapley (method, coalitions, permutations, total: {mean, ci_low, ci_high, n}) and budget
    (``budget=B``: the best set of costed scenarios whose cost fits: chosen, cost, net, method,
    combined_net, note), each None when not asked for.

    ``kpi`` is one of ``eslabon.kpi_names()``; ``replications`` an int >= 1 and ``seed`` an int >= 0 (the
    same for every weak point); ``budget`` a cost per time unit >= 0; ``threads`` None or 0 (one per core)
    to 4096. Raises TypeError for an argument of the wrong type, ConfigError naming the argument (and
    listing the KPIs) for a bad value.
    """
    from ._progress import progress_bar

    model = _model("model", model)._with_run(replications, seed)
    kpi, threads, shapley = _args.kpi(kpi), _args.threads(threads), _args.flag("shapley", shapley)
    if budget is not None:
        budget = _args.number("budget", budget)
    with progress_bar(_args.flag("progress", progress), f"rank {model.name}") as update:
        out = _core.rank(model._core, 0, -1, threads, kpi, shapley, budget, update)
    df = with_units(_frame(out["table"]), "ranking", model.time_unit, model.currency, kpi)  # for es.plot.tornado
    df.attrs["kpi"] = kpi
    df.attrs["shapley"] = out["shapley"]
    df.attrs["budget"] = out["budget"]
    return df


def _run_point(args: tuple[Model, dict[str, Any], int, int, int | None]) -> pd.DataFrame:
    """One sweep point, here, on every thread the thread rule gives (es.sweep without an executor)."""
    model, changes, replications, seed, threads = args
    r = model.with_changes(changes).run(replications=replications, seed=seed, threads=threads, progress=False)
    return r.summary()


# One task for an executor: the model's text and source, the seed, and runs of pairs as (point, the point
# model's changes, replications). Each point's model is parsed once per task, from its text and changes.
_Changes = tuple[tuple[str, str, str], ...]  # (path, value as YAML, label), as Model keeps them
_Task = tuple[str, str, int, list[tuple[int, _Changes, list[int]]]]


def _run_pairs(task: _Task) -> list[tuple[int, list[int], Any]]:
    """Some (point, replication) pairs, in whatever process the executor chose, on one thread: for each
    point, (point, replications, their KPIs as an array replication x KPI)."""
    text, source, seed, runs = task
    return [(point, reps, _core.replication_kpis(Model(text, source, changes)._core, seed, reps))
            for point, changes, reps in runs]


def _workers(executor: Executor) -> int:
    """How many tasks the executor runs at once, as far as it says (else this machine's CPUs)."""
    n = getattr(executor, "_max_workers", None)  # concurrent.futures' process and thread pools
    client = getattr(executor, "_client", None)  # a dask.distributed Client's get_executor()
    if n is None and client is not None and hasattr(client, "nthreads"):
        n = sum(client.nthreads().values())
    return int(n) if isinstance(n, int) and n > 0 else (os.cpu_count() or 1)


def _pair_tasks(model: Model, points: list[_Changes], replications: int, seed: int, chunk: int) -> list[_Task]:
    """The sweep's pairs in point order, `chunk` to a task (a task may span points)."""
    tasks: list[_Task] = []
    pairs = len(points) * replications
    for first in range(0, pairs, chunk):
        runs: list[tuple[int, _Changes, list[int]]] = []
        for pair in range(first, min(first + chunk, pairs)):
            point, rep = divmod(pair, replications)
            if runs and runs[-1][0] == point:
                runs[-1][2].append(rep)
            else:
                runs.append((point, points[point], [rep]))
        tasks.append((model._text, model._source, seed, runs))
    return tasks


def _on_executor(executor: Executor, model: Model, points: list[_Changes], replications: int, seed: int,
                 chunk: int | None) -> list[pd.DataFrame]:
    """Every point's KPI summary from (point, replication) pairs run by the executor, `chunk` pairs per
    task; by default about four tasks per worker, as multiprocessing's Pool.map chooses: few enough that
    what a task costs beside its pairs (sending the model's text and parsing it, a round trip) stays small
    next to them, enough that no worker idles long while the last tasks finish."""
    pairs = len(points) * replications
    if chunk is None:
        chunk = max(1, -(-pairs // (4 * _workers(executor))))
    kpis: list[list[tuple[list[int], Any]]] = [[] for _ in points]
    for result in executor.map(_run_pairs, _pair_tasks(model, points, replications, seed, chunk)):
        for point, reps, values in result:
            kpis[point].append((reps, values))
    summaries = []
    for parts in kpis:
        reps = [r for part, _ in parts for r in part]
        values = np.concatenate([v for _, v in parts]) if parts else np.empty((0, len(_core.kpi_names())))
        summaries.append(_frame(_core.kpi_summary(reps, values, model.time_unit, model.currency)).set_index("kpi"))
    return summaries


def sweep(model: Model, grid: Mapping[str, Iterable[Any]], replications: int = 10, seed: int | None = None,
          executor: Executor | None = None, scenarios: Mapping[str, Mapping[str, Any]] | None = None,
          chunk: int | None = None) -> pd.DataFrame:
    """Run the model at every point of a full-factorial grid (plus named scenarios).

    ``grid``: {config path: values}, e.g. ``{"units.production.servers": [3, 4, 5]}`` (values as
    ``with_changes`` takes them); ``scenarios``: {name: {path: value}}, points of their own.
    ``replications`` (an int >= 1) and ``seed`` (an int >= 0; None: the config's) are the same at every
    point, so points are paired. ``executor`` is any concurrent.futures.Executor (ProcessPoolExecutor,
    mpi4py's MPIPoolExecutor, a dask.distributed Client's get_executor()); None runs here, on this
    process's CPUs. An executor is handed (point, replication) pairs, ``chunk`` to a task (an int >= 1;
    default: about four tasks per worker), so a sweep of a few long points keeps every worker busy too;
    every point uses the same seed and replication indices, so the result is identical, bit for bit,
    whichever executor ran it. Every point is checked before any runs.

    Returns one row per (point, KPI): the factor values, scenario, kpi, mean, ci_low, ci_high, std, n.
    Raises TypeError (a grid that is not a dict of paths to lists, an argument of the wrong type),
    ValueError (an empty grid) and ConfigError naming the bad point (``grid["units.production.servers"]:
    expected an integer from 1 to 1000000, got 0``).
    """
    model = _model("model", model)
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid: expected a dict of config paths to lists of values, got {_args.type_name(grid)}")
    if scenarios is not None and not isinstance(scenarios, Mapping):
        raise TypeError(f"scenarios: expected a dict of names to {{path: value}}, got {_args.type_name(scenarios)}")
    keys = list(grid)
    for k in keys:
        if isinstance(grid[k], (str, bytes, Mapping)) or not isinstance(grid[k], Iterable):
            raise TypeError(f"grid[{_args._quote(str(k))}]: expected a list of values, got {_args.type_name(grid[k])}")
    points: list[tuple[str, dict[str, Any]]] = []
    if keys:
        points = [("", dict(zip(keys, values))) for values in itertools.product(*(list(grid[k]) for k in keys))]
    for name, changes in (scenarios or {}).items():
        if not isinstance(changes, Mapping):
            raise TypeError(f"scenarios[{_args._quote(str(name))}]: expected a dict of config paths to values, "
                            f"got {_args.type_name(changes)}")
        points.append((name, dict(changes)))
    if not points:
        raise ValueError("grid: the grid is empty; expected at least one path with at least one value")
    replications = _args.integer("replications", replications)
    base = model._with_run(replications, seed)  # checks both, as Model.run would
    seed = base.seed
    if chunk is not None:
        chunk = _args.integer("chunk", chunk, 1)
    # warmup: auto is decided once, on the model without any point's changes, for every point.
    warmup = _core.choose_warmup(model._core, int(seed), replications)[0] if model.warmup_auto else None
    if warmup is not None:
        points = [(name, {"run.warmup": float(warmup), **changes}) for name, changes in points]
    # Fail fast, before any work, on a bad path or value; keep each point's changes as its model has them.
    point_changes = [model._changed(changes, f"scenarios[{_args._quote(name)}]" if name else "grid")._changes
                     for name, changes in points]
    if executor is None:
        summaries = [_run_point((model, changes, replications, seed, None)) for _, changes in points]
    else:
        summaries = _on_executor(executor, model, point_changes, replications, seed, chunk)
    rows: list[dict[str, Any]] = []
    for (name, changes), summary in zip(points, summaries):
        for row in summary.reset_index().to_dict("records"):  # keeps n an integer
            rows.append({**{k: changes.get(k) for k in keys}, "scenario": name, **row})
    df = with_units(pd.DataFrame(rows), "summary", model.time_unit, model.currency)  # for es.plot.sweep, heatmap
    df.attrs["factors"] = keys
    df.attrs["warmup"] = warmup  # the shared warm-up of warmup: auto, else None
    return df


def run_sweep(path: str | os.PathLike[str], out: str | os.PathLike[str], resume: bool = False,
              threads: int | None = None, progress: bool = False,
              shard: str | tuple[int, int] | None = None) -> StoredSweep:
    """Run a sweep file (YAML: model, replications, seed, grid, scenarios) into the HDF5 file ``out``,
    exactly as ``eslabon sweep PATH -o OUT`` does: the same file, journal and resume.

    Each complete point is appended to the file as it finishes; an interrupted sweep (Ctrl-C in
    Jupyter raises KeyboardInterrupt) keeps its finished pairs, and ``resume=True`` runs only the
    pairs still missing. ``out`` must not be the sweep file or its model. ``shard=(i, n)`` (or
    ``"i/n"``, or ``"auto"`` in a SLURM job array) runs only shard i of n of the pairs, as
    ``--shard i/n`` does; ``merge_shards`` joins the shards' files. Returns the file read back
    (``es.read_hdf5(out)``); its ``summary()`` has one row per (point, KPI) like ``es.sweep`` (for a
    shard, over the points whole in it).

    Raises FileNotFoundError (no sweep file ``path``), TypeError (an argument of the wrong type) and
    ConfigError for a sweep file that is not valid (``FILE:LINE:COL: key: ...``), an ``out`` that cannot be
    written, or ``resume=True`` with an ``out`` of another sweep.
    """
    from ._progress import progress_bar

    for name, value in (("path", path), ("out", out)):
        if not isinstance(value, (str, os.PathLike)):
            raise TypeError(f"{name}: expected a str or os.PathLike, got {_args.type_name(value)}")
    path, out = os.fspath(path), os.fspath(out)
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, "no such sweep file", path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "expected a sweep file, found a directory", path)
    resume, threads = _args.flag("resume", resume), _args.threads(threads)
    if isinstance(shard, tuple):
        if len(shard) != 2 or not all(isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in shard):
            raise ConfigError(f"shard: expected (i, n), two integers, 'i/n' or 'auto', got {shard!r}")
        shard = f"{int(shard[0])}/{int(shard[1])}"
    elif shard is not None and not isinstance(shard, str):
        raise TypeError(f"shard: expected (i, n), 'i/n' or 'auto', got {_args.type_name(shard)}")
    with progress_bar(_args.flag("progress", progress), f"sweep {os.path.basename(path)}") as update:
        try:
            _core.run_sweep_file(path, out, resume, threads, update, shard or "")
        except ConfigError as e:  # the CLI's words for two arguments: out=OUT stays, --resume is resume=True
            if str(e).startswith("--resume: "):
                text = str(e)[len("--resume: "):].replace("run without --resume", "run with resume=False")
                raise ConfigError("resume=True: " + text) from None
            raise
    return StoredSweep(out)


def merge_shards(shards: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str]) -> StoredSweep:
    """Join the files of a sweep's shards (``run_sweep(shard=...)``, ``eslabon sweep --shard``) into the
    file the unsharded sweep writes, as ``eslabon merge SHARDS -o OUT`` does: every dataset and attribute
    equal to the unsharded sweep's, bit for bit, except ``created``. Raises ConfigError (nothing
    written) for shards of different sweeps, unfinished shards, or shards that overlap or leave pairs
    out. Returns the file read back."""
    if isinstance(shards, (str, bytes, os.PathLike)):
        raise TypeError(f"shards: expected a list of shard files, got {_args.type_name(shards)}")
    paths = [_args.path("shards[]", p) for p in shards]
    out = _args.path("out", out)
    _core.merge_sweep_shards(paths, out)
    return StoredSweep(out)
