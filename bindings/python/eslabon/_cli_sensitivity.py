"""``eslabon sensitivity SPEC.yaml [-o OUT.h5] [--json] [--threads T]`` (README "Sensitivity"): Morris
elementary effects and Sobol indices of KPIs for parameters over ranges, every point with the same seed
and replications. Exit codes: 0 done, 2 bad input (nothing run, nothing written), 1 failure."""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import Any

import pandas as pd

from . import _core
from ._cli_args import integer_in


def _num(x: float | None) -> str:
    """A number as every command prints it (core's format_number, README "Output conventions")."""
    return "-" if x is None else _core.format_number(float(x))


def _count(n: int, one: str, many: str = "") -> str:
    """"1 replication", "3 replications" (core's noun)."""
    return f"{n} {_core.noun(n, one, many)}"


def _ci(lo: float, hi: float) -> str:
    return "-" if math.isnan(lo) else f"[{_num(lo)}, {_num(hi)}]"


def check_output(out: str, kept: list[tuple[str, str]]) -> str:
    """The output file's checks (models/output/output_path.cpp's); the path to write."""
    return _core.check_output_path(out, [(os.fspath(f), w) for f, w in kept], f"-o {out}")


def _table(df: pd.DataFrame, columns: list[tuple[str, Any]]) -> str:
    """Rows of (kpi, parameter, cells...) as aligned text; `columns`: (header, row -> cell text)."""
    cells = [[r["kpi"], r["parameter"]] + [f(r) for _, f in columns] for _, r in df.iterrows()]
    head = ["kpi", "parameter"] + [h for h, _ in columns]
    widths = [max(len(str(row[i])) for row in cells + [head]) for i in range(len(head))]
    lines = []
    for row in [head] + cells:
        lines.append("  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(line.rstrip() for line in lines)


def report(frames: dict[str, pd.DataFrame], name: str) -> str:
    first = next(iter(frames.values())).attrs
    out = [f"{name}: sensitivity of {', '.join(first['kpis'])} to {_count(len(first['parameters']), 'parameter')}, "
           f"{_count(first['replications'], 'replication')} per point (seed {first['seed']}, the same at every point)"]
    for method, df in frames.items():
        a = df.attrs
        verb = _core.noun(a["drifting"], "drifts", "drift")  # "1 drifts", "2 drift" (points)
        drift = f"; {a['drifting']} {verb} (README \"Steady state\")" if a["drifting"] else ""
        if method == "morris":
            out += ["", f"Morris elementary effects: {_count(a['samples'], 'trajectory', 'trajectories')}, "
                    f"{_count(a['levels'], 'level')}, {_count(a['rows'], 'row')}, {_count(a['points'], 'point')} run{drift}",
                    "effects are per full range of the parameter: mu = mean effect, mu* = mean |effect| "
                    f"(95% bootstrap CI, {_count(a['bootstrap'], 'resample')}), sigma = standard deviation of the "
                    "effects", "",
                    _table(df, [("mu", lambda r: _num(r["mu"])), ("mu*", lambda r: _num(r["mu_star"])),
                                ("mu* 95% CI", lambda r: _ci(r["mu_star_ci_low"], r["mu_star_ci_high"])),
                                ("sigma", lambda r: _num(r["sigma"]))])]
        else:
            out += ["", f"Sobol indices: N = {_count(a['samples'], 'base row')}, {_count(a['rows'], 'row')}, "
                    f"{_count(a['points'], 'point')} run{drift}",
                    "S1 = first-order index (Saltelli 2010), ST = total index (Jansen); 95% bootstrap CIs, "
                    f"{_count(a['bootstrap'], 'resample')}", "",
                    _table(df, [("S1", lambda r: _num(r["S1"])), ("S1 95% CI", lambda r: _ci(r["S1_ci_low"], r["S1_ci_high"])),
                                ("ST", lambda r: _num(r["ST"])), ("ST 95% CI", lambda r: _ci(r["ST_ci_low"], r["ST_ci_high"]))])]
        if df.drop(columns=["kpi", "parameter"]).iloc[:, 0].isna().any():
            out.append("- : not defined (the KPI has no value at some point, or does not vary over the sample)")
    return "\n".join(out)


def _plain(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v.item() if hasattr(v, "item") else v


def as_json(frames: dict[str, pd.DataFrame], name: str, spec: str, model: str) -> str:
    first = next(iter(frames.values())).attrs
    doc: dict[str, Any] = {"name": name, "spec": spec, "model": model, "kpis": first["kpis"],
                           "parameters": first["parameters"], "replications": first["replications"],
                           "seed": first["seed"], "bootstrap": first["bootstrap"]}
    for method, df in frames.items():
        a = df.attrs
        doc[method] = {**{k: a[k] for k in ("samples", "levels", "rows", "points", "drifting") if a[k] is not None},
                       "indices": df.to_dict("records")}
    return json.dumps(_plain(doc), indent=2)


def main(argv: list[str]) -> int:
    from ._sensitivity_io import write_hdf5
    from ._sensitivity_spec import load_spec
    from .sensitivity import run_study

    ap = argparse.ArgumentParser(prog="eslabon sensitivity",
                                 description="Morris elementary effects and Sobol indices of KPIs for parameters over "
                                             "ranges (README \"Sensitivity\"), every point with the same seed and "
                                             "replications (common random numbers).")
    ap.add_argument("spec", metavar="SPEC.yaml", help="the spec: model, method, parameters, kpis, samples, ...")
    ap.add_argument("-o", "--output", metavar="OUT.h5", help="write the indices and the design with its KPIs (HDF5)")
    ap.add_argument("--json", action="store_true", help="print the indices as JSON instead of tables")
    ap.add_argument("--threads", type=integer_in(0), default=0, metavar="T", help="points run at once (default: one per CPU this process may use)")
    args = ap.parse_args(argv)
    try:
        spec = load_spec(args.spec)
        out = None
        if args.output:
            out = check_output(args.output, [(args.spec, "the spec file itself"), (spec.model_path, "the spec's model file")])
    except _core.ConfigError as e:
        print(e, file=sys.stderr)
        return 2
    model = spec.settings.model
    try:
        frames = run_study(spec.settings, threads=args.threads or None, progress=sys.stderr.isatty())
    except _core.ConfigError as e:
        print(f"{spec.parameters_at}: {e}", file=sys.stderr)
        return 2
    if out:
        write_hdf5(frames, out, spec.text, model.config_text)
    if args.json:
        print(as_json(frames, model.name, spec.path, spec.model_path))
    else:
        print(report(frames, model.name))
        if out:
            print(f"\nwrote {args.output}")
    return 0
