"""Sensitivity of KPIs to parameters over ranges: Morris elementary effects and Sobol indices (README
"Sensitivity"). numpy only: the designs, the estimators and the bootstrap are written out here.

Every point of a design runs with the same seed and replications (common random numbers), so the
differences between points come from the parameters, not from the noise of the simulation.
"""
from __future__ import annotations

import math
import os
import warnings
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence, Union

import numpy as np
import pandas as pd

from . import _args, _core
from ._args import did_you_mean  # noqa: F401  (here too for _sensitivity_spec)
from .model import Model

METHODS = ("morris", "sobol")
DEFAULT_SAMPLES = {"morris": 10, "sobol": 64}
# Each method's design and bootstrap draw from numpy's default generator seeded with [seed, this].
_STREAM = {"morris": 0, "sobol": 1}

# A model given as a function: called with the points (one column per parameter), it returns one array
# of values per KPI (a mapping or a DataFrame with a column per KPI).
ModelFunction = Callable[[pd.DataFrame], Any]


class SpecProblem(ValueError):
    """A bad setting: `keys` says where (("parameters", PATH, 0) is the low end of PATH's range)."""

    def __init__(self, keys: Sequence[Any], message: str) -> None:
        super().__init__(message)
        self.keys = tuple(keys)
        self.message = message

    def text(self) -> str:
        return ".".join(str(k) for k in self.keys) + ": " + self.message


@dataclass(frozen=True)
class Parameter:
    """A parameter: a config path, its range and whether the config takes it as an integer."""

    path: str
    low: float
    high: float
    integer: bool = False

    def values(self, u: np.ndarray, discrete: bool) -> np.ndarray:
        """The values at u in [0, 1]: low + u (high - low), an integer rounded to the nearest (Morris's
        grid), or, with `discrete` (Sobol's uniform sample), low + floor(u (high - low + 1))."""
        span = self.high - self.low
        if not self.integer:
            return self.low + u * span
        if discrete:
            return np.minimum(self.low + np.floor(u * (span + 1)), self.high)
        return np.floor(self.low + u * span + 0.5)

    def unit(self, values: np.ndarray) -> np.ndarray:
        return (values - self.low) / (self.high - self.low)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) \
        and math.isfinite(float(v))


def _text(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_text(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "a mapping"
    return "nothing" if v is None else (f"{v:g}" if _number(v) else repr(v))


def _model_error(model: Model, path: str, value: Any) -> str | None:
    """The model's complaint about `path` set to `value`, without naming the change."""
    try:
        model.with_changes({path: value})
    except _core.ConfigError as e:
        return _complaint(e)
    return None


def _complaint(e: Exception) -> str:
    """A ConfigError's "path.to.key: what", without naming the change that caused it."""
    key, detail = getattr(e, "key", None), getattr(e, "detail", None)
    return (f"{key}: {detail}" if key else detail) if detail is not None else str(e)


def check_parameters(model: Model | None, parameters: Any) -> list[Parameter]:
    """The parameters as {path: [low, high]} checked against the model (None: a function, any path)."""
    if not isinstance(parameters, Mapping) or not parameters:
        raise SpecProblem(["parameters"], f"expected a mapping of config paths to [low, high], got {_text(parameters)}")
    out = []
    for path, rng in parameters.items():
        keys = ["parameters", path]
        if not isinstance(path, str) or not path:
            raise SpecProblem(["parameters"], f"expected config paths as keys, got {_text(path)}")
        if not isinstance(rng, (list, tuple)) or len(rng) != 2 or not all(_number(v) for v in rng):
            raise SpecProblem(keys, f"expected [low, high], two numbers, got {_text(rng)}")
        low, high = (v.item() if hasattr(v, "item") else v for v in rng)
        if not low < high:
            raise SpecProblem(keys, f"expected low < high, got [{low:g}, {high:g}]")
        integer = False
        if model is not None:
            for i, v in enumerate((low, high)):
                err = _model_error(model, path, v)
                if err is not None and "expected an integer" in err and float(v).is_integer():
                    err = _model_error(model, path, int(v))
                if err is not None:
                    raise SpecProblem(keys + [i], "this does not give a valid model: " + err)
            # An integer parameter is one the config refuses a fraction for; probe inside the range.
            probe = next((p for p in (low + f * (high - low) for f in (0.5, 0.381966, 0.618034))
                          if not float(p).is_integer()), low + 0.5 * (high - low))
            err = _model_error(model, path, probe)
            if err is not None and "expected an integer" in err:
                integer = True
                if not (float(low).is_integer() and float(high).is_integer()):
                    raise SpecProblem(keys, f"expected whole numbers for this integer parameter, got [{low:g}, {high:g}]")
            elif err is not None:
                raise SpecProblem(keys, f"this does not give a valid model at {probe:g}: {err}")
        out.append(Parameter(path, float(low), float(high), integer))
    return out


def check_kpis(kpis: Any, valid: Sequence[str] | None = None) -> list[str]:
    valid = list(_core.kpi_names()) if valid is None else list(valid)
    kpis = [kpis] if isinstance(kpis, str) else kpis
    if not isinstance(kpis, (list, tuple)) or not kpis:
        raise SpecProblem(["kpis"], f"expected a list of KPI names, got {_text(kpis)}")
    for i, k in enumerate(kpis):
        if not isinstance(k, str) or k not in valid:
            hint = did_you_mean(k, valid) if isinstance(k, str) else ""
            raise SpecProblem(["kpis", i], f"unknown KPI {_text(k)}" + (f" (did you mean '{hint}'?)" if hint else "")
                              + "; expected one of " + ", ".join(valid))
    if len(set(kpis)) != len(kpis):
        raise SpecProblem(["kpis"], "expected each KPI once, got " + _text(list(kpis)))
    return list(kpis)


def check_methods(method: Any) -> list[str]:
    methods = [method] if isinstance(method, str) else method
    if not isinstance(methods, (list, tuple)) or not methods:
        raise SpecProblem(["method"], f"expected morris, sobol or [morris, sobol], got {_text(method)}")
    for i, m in enumerate(methods):
        if m not in METHODS:
            hint = did_you_mean(m, METHODS) if isinstance(m, str) else ""
            raise SpecProblem(["method"] + ([i] if not isinstance(method, str) else []),
                              f"unknown method {_text(m)}" + (f" (did you mean '{hint}'?)" if hint else "")
                              + "; expected morris or sobol")
    return [m for m in METHODS if m in methods]


def check_integer(keys: Sequence[Any], v: Any, low: int, high: int, what: str = "an integer") -> int:
    if not _number(v) or not float(v).is_integer() or not low <= v <= high:
        raise SpecProblem(keys, f"expected {what} from {low} to {high}, got {_text(v)}")
    return int(v)


def check_samples(samples: Any, methods: Sequence[str]) -> dict[str, int]:
    """{method: r trajectories or N base rows}; `samples` is one number for every method or {method: n}."""
    if samples is None:
        return {m: DEFAULT_SAMPLES[m] for m in methods}
    if isinstance(samples, Mapping):
        for m in samples:
            if m not in METHODS:
                raise SpecProblem(["samples", m], "unknown method; expected morris or sobol")
        return {m: check_integer(["samples", m], samples[m], 2, 10**6) if m in samples else DEFAULT_SAMPLES[m]
                for m in methods}
    n = check_integer(["samples"], samples, 2, 10**6)
    return {m: n for m in methods}


def check_levels(levels: Any, parameters: Sequence[Parameter], methods: Sequence[str]) -> int:
    if not _number(levels) or not float(levels).is_integer() or not 2 <= levels <= 100 or levels % 2:
        raise SpecProblem(["levels"], f"expected an even number of levels from 2 to 100, got {_text(levels)}")
    levels = int(levels)
    delta = levels / (2 * (levels - 1))
    for p in parameters:
        if "morris" in methods and p.integer and delta * (p.high - p.low) < 1:
            raise SpecProblem(["parameters", p.path],
                              f"Morris's step ({delta:.4g} of the range = {delta * (p.high - p.low):.4g}) is less than 1 "
                              "for this integer parameter; widen the range or use fewer levels")
    return levels


# ------------------------------------------------------------------------------------------------
# Designs and estimators
# ------------------------------------------------------------------------------------------------

def morris_design(k: int, trajectories: int, levels: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Morris's (1991) random trajectories on the grid {0, 1/(p-1), ..., 1} of p levels, step
    Delta = p / (2 (p - 1)): per trajectory a base point x* on the grid with x* <= 1 - Delta, a random
    direction per factor and a random order; k + 1 rows, each moving one factor by +-Delta.
    Returns (u: (r (k + 1), k) points in [0, 1], moved: the factor each row moved, -1 for a first row)."""
    delta = levels / (2 * (levels - 1))
    u = np.empty((trajectories * (k + 1), k))
    moved = np.full(trajectories * (k + 1), -1)
    for t in range(trajectories):
        base = rng.integers(0, levels // 2, size=k) / (levels - 1)
        sign = rng.choice(np.array([-1.0, 1.0]), size=k)
        order = rng.permutation(k)
        x = base + delta * (1 - sign) / 2
        row = t * (k + 1)
        u[row] = x
        for s, i in enumerate(order, start=1):
            x[i] = base[i] + delta * (1 + sign[i]) / 2
            u[row + s], moved[row + s] = x, i
    return np.clip(u, 0.0, 1.0), moved


def morris_effects(u: np.ndarray, moved: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The elementary effects (r, k): per step, the change of y over the change of the moved factor in [0, 1]
    (the values actually run, so an integer parameter's rounded step)."""
    k = u.shape[1]
    r = len(y) // (k + 1)
    ee = np.full((r, k), np.nan)
    for row in np.flatnonzero(moved >= 0):
        i = moved[row]
        ee[row // (k + 1), i] = (y[row] - y[row - 1]) / (u[row, i] - u[row - 1, i])
    return ee


def morris_indices(ee: np.ndarray, resamples: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """mu (mean effect), mu_star (mean |effect|; Campolongo et al. 2007), sigma (standard deviation,
    n - 1) per factor; mu_star's 95% percentile bootstrap CI over trajectories (`resamples`: (B, r) rows)."""
    out = {"mu": ee.mean(axis=0), "mu_star": np.abs(ee).mean(axis=0),
           "sigma": ee.std(axis=0, ddof=1) if len(ee) > 1 else np.full(ee.shape[1], np.nan)}
    lo = hi = np.full(ee.shape[1], np.nan)
    if resamples is not None and len(resamples):
        boot = np.abs(ee)[resamples].mean(axis=1)  # (B, k)
        lo, hi = np.percentile(boot, [2.5, 97.5], axis=0)
    out["mu_star_ci_low"], out["mu_star_ci_high"] = lo, hi
    return out


def sobol_design(k: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Saltelli's design: A and B, two independent (n, k) uniform samples, then for each factor i the
    matrix AB_i, A with column i from B. Returns the n (k + 2) rows stacked A, B, AB_0, ..., AB_{k-1}."""
    a, b = rng.random((n, k)), rng.random((n, k))
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


def _sobol_point(fa: np.ndarray, fb: np.ndarray, fab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """S1 (Saltelli et al. 2010) and ST (Jansen 1999) over axis -1; fab has the factors first."""
    both = np.concatenate([fa, fb], axis=-1)
    var = np.var(both, axis=-1)
    # f(B) centred on the mean of f(A), f(B): the same expectation (f(AB_i) - f(A) has mean 0), a far smaller
    # variance when the KPI's mean is large against its spread (Sobol' 2001).
    centred = fb - np.mean(both, axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.mean(centred * (fab - fa), axis=-1) / var
        st = 0.5 * np.mean((fa - fab) ** 2, axis=-1) / var
    bad = ~(var > 0)  # a KPI that does not vary over the sample has no indices
    return np.where(bad, np.nan, s1), np.where(bad, np.nan, st)


def sobol_indices(y: np.ndarray, k: int, resamples: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """From y over sobol_design's rows: S1_i = mean((f(B) - f0) (f(AB_i) - f(A))) / V, ST_i = mean((f(A) -
    f(AB_i))^2) / (2 V), f0 and V the mean and variance (1/(2n)) of the 2n values f(A), f(B); 95% percentile
    bootstrap CIs over the n rows (`resamples`: (B, n), the same rows of A, B and every AB_i)."""
    n = len(y) // (k + 2)
    fa, fb, fab = y[:n], y[n:2 * n], y[2 * n:].reshape(k, n)
    s1, st = _sobol_point(fa, fb, fab)
    out = {"S1": s1, "ST": st}
    for name in ("S1", "ST"):
        out[f"{name}_ci_low"] = out[f"{name}_ci_high"] = np.full(k, np.nan)
    if resamples is not None and len(resamples):
        b1, bt = np.empty((len(resamples), k)), np.empty((len(resamples), k))
        chunk = max(1, 2_000_000 // (n * (k + 2)))  # resamples at a time: a few tens of MB whatever n and k
        for lo in range(0, len(resamples), chunk):
            rs = resamples[lo:lo + chunk]
            b1[lo:lo + chunk], bt[lo:lo + chunk] = _sobol_point(fa[rs][:, None, :], fb[rs][:, None, :],
                                                                fab[:, rs].transpose(1, 0, 2))
        for name, boot in (("S1", b1), ("ST", bt)):
            out[f"{name}_ci_low"], out[f"{name}_ci_high"] = np.percentile(boot, [2.5, 97.5], axis=0)
    return out


# ------------------------------------------------------------------------------------------------
# Running the points
# ------------------------------------------------------------------------------------------------

def _point_kpis(args: tuple[Model, dict[str, Any], int, int, int, list[str]]) -> list[float]:
    """One point (in whatever thread or process the executor chose): the KPIs' means over replications."""
    model, changes, replications, seed, threads, kpis = args
    try:
        point = model.with_changes(changes)
    except _core.ConfigError as e:  # each range was checked alone; this combination fails
        at = ", ".join(f"{k}={v}" for k, v in changes.items())
        raise _core.ConfigError(f"parameters: the point {at} does not give a valid model: {_complaint(e)}") from None
    means = point.run(replications=replications, seed=seed, threads=threads, progress=False).summary()["mean"]
    return [float(means[k]) for k in kpis]


def _changes(params: Sequence[Parameter], row: np.ndarray) -> dict[str, Any]:
    return {p.path: int(v) if p.integer else float(v) for p, v in zip(params, row)}


def evaluate(model: Model | ModelFunction, params: Sequence[Parameter], x: np.ndarray, kpis: Sequence[str],
             replications: int, seed: int, threads: int | None = None, executor: Executor | None = None,
             progress: bool = False, cache: dict[tuple[float, ...], list[float]] | None = None,
             stats: dict[str, int] | None = None) -> np.ndarray:
    """The KPIs (n, len(kpis)) at the rows of x (parameter values). A point that appears twice runs once
    (`cache`: point -> KPIs, shared between calls); every point runs with `seed` and `replications`.
    `stats` counts the points run ("points") and those whose run drifts ("drifting")."""
    cache = {} if cache is None else cache
    stats = {} if stats is None else stats
    keys = [tuple(float(v) for v in row) for row in x]
    todo = list(dict.fromkeys(k for k in keys if k not in cache))
    stats["points"] = stats.get("points", 0) + len(todo)
    stats.setdefault("drifting", 0)
    if todo and not isinstance(model, Model):
        table = model(pd.DataFrame(todo, columns=[p.path for p in params]))
        cols = [np.asarray(table[k], dtype=float).reshape(len(todo)) for k in kpis]
        for i, key in enumerate(todo):
            cache[key] = [float(c[i]) for c in cols]
    elif todo:
        from ._progress import progress_bar
        from ._drift import DriftWarning

        jobs = [(model, _changes(params, np.array(key)), replications, seed, 1, list(kpis)) for key in todo]
        with warnings.catch_warnings(record=True) as caught, progress_bar(progress, f"sensitivity {model.name}") as update:
            warnings.simplefilter("always", DriftWarning)
            pool = executor or ThreadPoolExecutor(max_workers=threads or _core.default_threads())
            try:
                futures = [pool.submit(_point_kpis, job) for job in jobs]
                for i, (key, f) in enumerate(zip(todo, futures)):
                    cache[key] = f.result()
                    if update:
                        update((i + 1) / len(todo))
            finally:
                if executor is None:
                    pool.shutdown(wait=True, cancel_futures=True)
        drifting = 0
        for w in caught:
            if issubclass(w.category, DriftWarning):
                drifting += 1
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        stats["drifting"] += drifting
        if drifting:
            warnings.warn(f"{model.name}: {drifting} of {len(todo)} points drift (their KPIs differ between the first "
                          "and the second half of the measurement window); see README \"Steady state\"", DriftWarning,
                          stacklevel=4)
    return np.array([cache[k] for k in keys], dtype=float).reshape(len(keys), len(kpis))


# ------------------------------------------------------------------------------------------------
# The study
# ------------------------------------------------------------------------------------------------

@dataclass
class Settings:
    """A checked study: what es.sensitivity and a spec file both come to."""

    model: Model | ModelFunction
    parameters: list[Parameter]
    kpis: list[str]
    methods: list[str]
    samples: dict[str, int]
    levels: int
    replications: int
    seed: int
    bootstrap: int


def settings(model: Model | ModelFunction, parameters: Any, kpis: Any = ("lead_time_mean",), method: Any = "morris",
             samples: Any = None, levels: Any = 4, replications: Any = None, seed: Any = None,
             bootstrap: Any = 1000) -> Settings:
    """Every setting checked (a SpecProblem names the first bad one), defaults filled in from the model."""
    is_model = isinstance(model, Model)
    if not is_model and not callable(model):
        raise SpecProblem(["model"], f"expected an eslabon Model, a config path or a function, got {type(model).__name__}")
    params = check_parameters(model if is_model else None, parameters)
    kpi_list = check_kpis(kpis, None if is_model else [kpis] if isinstance(kpis, str) else list(kpis or []))
    methods = check_methods(method)
    counts = check_samples(samples, methods)
    lv = check_levels(levels, params, methods)
    reps = check_integer(["replications"], model.replications if is_model and replications is None else
                         1 if replications is None else replications, 1, 10**6)
    sd = check_integer(["seed"], (model.seed if is_model else 0) if seed is None else seed, 0, 2**63 - 1)
    boot = check_integer(["bootstrap"], bootstrap, 0, 10**5, "a number of resamples")
    return Settings(model, params, kpi_list, methods, counts, lv, reps, sd, boot)


def run_study(s: Settings, threads: int | None = None, executor: Executor | None = None,
              progress: bool = False) -> dict[str, pd.DataFrame]:
    """{method: the indices, one row per (KPI, parameter)}; each frame's attrs say how they were made."""
    k, cache = len(s.parameters), {}
    names = [p.path for p in s.parameters]
    out = {}
    for method in s.methods:
        rng = np.random.default_rng([s.seed, _STREAM[method]])
        n, stats = s.samples[method], {}
        if method == "morris":
            u, moved = morris_design(k, n, s.levels, rng)
            x = np.column_stack([p.values(u[:, i], False) for i, p in enumerate(s.parameters)])
            design = {"trajectory": np.repeat(np.arange(n), k + 1), "step": np.tile(np.arange(k + 1), n),
                      "moved": [names[i] if i >= 0 else "" for i in moved]}
        else:
            u = sobol_design(k, n, rng)
            x = np.column_stack([p.values(u[:, i], True) for i, p in enumerate(s.parameters)])
            design = {"row": np.tile(np.arange(n), k + 2), "matrix": np.repeat(["A", "B"] + [f"AB:{p}" for p in names], n)}
        resamples = rng.integers(0, n, size=(s.bootstrap, n)) if s.bootstrap else None
        y = evaluate(s.model, s.parameters, x, s.kpis, s.replications, s.seed, threads, executor, progress, cache, stats)
        rows = []
        for j, kpi in enumerate(s.kpis):
            if method == "morris":
                ee = morris_effects(np.column_stack([p.unit(x[:, i]) for i, p in enumerate(s.parameters)]), moved, y[:, j])
                ix = morris_indices(ee, resamples)
                cols = ["mu", "mu_star", "mu_star_ci_low", "mu_star_ci_high", "sigma"]
            else:
                ix = sobol_indices(y[:, j], k, resamples)
                cols = ["S1", "S1_ci_low", "S1_ci_high", "ST", "ST_ci_low", "ST_ci_high"]
            for i, name in enumerate(names):
                rows.append({"kpi": kpi, "parameter": name, **{c: float(ix[c][i]) for c in cols},
                             ("trajectories" if method == "morris" else "N"): n})
        df = pd.DataFrame(rows)
        design.update({p: x[:, i] for i, p in enumerate(names)})
        design.update({kpi: y[:, j] for j, kpi in enumerate(s.kpis)})
        df.attrs = {"method": method, "parameters": {p.path: {"low": p.low, "high": p.high, "integer": p.integer}
                                                     for p in s.parameters},
                    "kpis": list(s.kpis), "samples": n, "levels": s.levels if method == "morris" else None,
                    "replications": s.replications, "seed": s.seed, "bootstrap": s.bootstrap,
                    "rows": len(x), "points": stats["points"], "drifting": stats["drifting"],
                    "design": {c: [v.item() if hasattr(v, "item") else v for v in col] for c, col in design.items()}}
        out[method] = df
    return out


def sensitivity(model: Model | str | os.PathLike[str] | ModelFunction, parameters: Mapping[str, Sequence[float]],
                kpis: Union[str, Sequence[str]] = ("lead_time_mean",), method: Union[str, Sequence[str]] = "morris",
                samples: Union[int, Mapping[str, int], None] = None, levels: int = 4, replications: int | None = None,
                seed: int | None = None, bootstrap: int = 1000, threads: int | None = None,
                executor: Executor | None = None, progress: bool = False) -> Union[pd.DataFrame, dict[str, pd.DataFrame]]:
    """How much each parameter moves each KPI over its range (README "Sensitivity"), as ``eslabon
    sensitivity SPEC.yaml``.

    ``parameters``: {config path: [low, high]} (paths as ``with_changes`` takes them; a parameter the
    config takes as an integer, such as servers, is rounded). ``method``: "morris", "sobol" or both
    (a list). ``samples``: Morris's trajectories r and Sobol's base rows N, one number or {method: n}
    (default 10 and 64). ``levels``: Morris's grid (even). Every point runs ``replications`` with
    ``seed`` (default the config's): common random numbers. ``model`` may also be a function of a
    DataFrame of points (a column per parameter) returning an array per KPI, run on the same design.

    Returns one DataFrame per method (a dict {method: frame} for both), one row per (kpi, parameter):
    Morris: mu, mu_star, mu_star_ci_low, mu_star_ci_high, sigma, trajectories (effects per full range of
    the parameter); Sobol: S1, S1_ci_low, S1_ci_high, ST, ST_ci_low, ST_ci_high, N (95% percentile
    bootstrap CIs, ``bootstrap`` resamples). ``attrs``: method, parameters, kpis, samples, levels,
    replications, seed, bootstrap, rows, points (distinct points run), drifting, design ({column: list}:
    every design row with its parameter values and KPIs). Threads run the points (``threads``, default one
    per CPU this process may use) unless ``executor`` is given; the result is the same either way.

    Raises FileNotFoundError (a config path that does not exist), TypeError (``threads`` not an int) and
    ConfigError (a ValueError) naming the setting, e.g. ``kpis.0: unknown KPI 'nope' ...; expected one of ...``.
    """
    threads = _args.threads(threads) or None
    if isinstance(model, (str, os.PathLike)):
        model = Model.from_yaml(model)
    try:
        s = settings(model, parameters, kpis, method, samples, levels, replications, seed, bootstrap)
    except SpecProblem as e:
        raise _core.ConfigError(e.text()) from None
    out = run_study(s, threads, executor, progress)
    return out[s.methods[0]] if len(s.methods) == 1 else out
