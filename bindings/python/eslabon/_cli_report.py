"""``eslabon report RESULTS.h5 [--compare OTHER.h5] -o report.html``: a self-contained HTML report of a
run or sweep file (README "A report to hand over"). Exit codes: 0 written; 2 bad input, nothing
written; 1 a failure while making it."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ._cli_args import integer_in
from ._core import ConfigError

WHAT = "an eslabon results file (HDF5 from eslabon run -o, eslabon sweep -o or Result.to_hdf5)"


def load(path: str) -> Any:
    """The results file at `path` read back; ConfigError naming what is wrong with it."""
    if not os.path.exists(path):
        raise ConfigError(f"{path}: expected {WHAT}, found no such file")
    if os.path.isdir(path):
        raise ConfigError(f"{path}: expected {WHAT}, found a directory")
    if not os.access(path, os.R_OK):
        raise ConfigError(f"{path}: expected {WHAT}, found a file that cannot be read (permissions)")
    import h5py

    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as e:
        raise ConfigError(f"{path}: expected {WHAT}, found a file that cannot be read ({e})") from None
    if not is_hdf5:
        raise ConfigError(f"{path}: expected {WHAT}, found a file that is not HDF5")
    try:
        with h5py.File(path, "r") as f:
            ours = "eslabon_version" in f.attrs and ("summary" in f or "points" in f)
    except OSError as e:
        raise ConfigError(f"{path}: expected {WHAT}, found an HDF5 file that cannot be opened ({e})") from None
    if not ours:
        raise ConfigError(f"{path}: expected {WHAT}, found an HDF5 file eslabon did not write "
                          f"(no eslabon_version attribute and summary table)")
    from .result import read_hdf5

    return read_hdf5(path)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="eslabon report",
        description="Write one self-contained HTML file about a results file, to hand to a client: the model in "
                    "words and as a graph, KPIs with 95%% CIs, causes of lateness and cost, weak points ranked with "
                    "what fixing each is worth; for a sweep file, every point and heat maps.")
    p.add_argument("results", metavar="RESULTS.h5", help="a run file (eslabon run -o) or a sweep file (eslabon sweep -o)")
    p.add_argument("-o", "--output", metavar="REPORT.html", required=True, help="the HTML file to write")
    p.add_argument("--compare", metavar="OTHER.h5", help="another run file, shown beside this one")
    p.add_argument("--no-rank", action="store_true", help="leave out ranking the weak points (it runs the model)")
    p.add_argument("--rank-replications", type=integer_in(1), metavar="N",
                   help="replications per run of the ranking (default: the run's own)")
    p.add_argument("--rank-kpi", metavar="KPI", help="the KPI weak points are ranked on (default copq_per_order when "
                                                     "the run has a cost of poor quality, else lead_time_mean)")
    p.add_argument("--heatmap-kpi", metavar="KPI", action="append",
                   help="a KPI of a sweep's heat maps (repeat for more; default lead_time_mean, on_time_rate, "
                        "copq_per_order)")
    p.add_argument("--threads", type=integer_in(1), metavar="T", help="worker threads for the ranking (default: one per CPU this process may use)")
    return p


def _check_kpis(asked: list[str], known: list[str], option: str) -> None:
    for k in asked:
        if k not in known:
            import difflib

            near = difflib.get_close_matches(k, known, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise ConfigError(f"{option} {k}: no such KPI{hint}; expected one of {', '.join(known)}")


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    from ._report_html import check_output, write_atomic
    from .report import render
    from ._stored_sweep import StoredSweep

    source = load(args.results)
    other = load(args.compare) if args.compare else None
    kept = [(args.results, "the results file itself")]
    if args.compare:
        kept.append((args.compare, "the file given to --compare"))
    target = check_output(args.output, kept, f"-o {args.output}")
    sweep = isinstance(source, StoredSweep)
    if sweep and (args.compare or args.rank_kpi or args.rank_replications):
        raise ConfigError(f"{args.results}: a sweep file's report has no --compare, --rank-kpi or --rank-replications "
                          f"(they are for a run file)")
    if isinstance(other, StoredSweep):
        raise ConfigError(f"--compare {args.compare}: expected a run's results file, found a sweep file")
    if not sweep and args.heatmap_kpi:
        raise ConfigError(f"--heatmap-kpi: only a sweep file's report has heat maps; {args.results} is a run file")
    known = list(source.summary()["kpi"].unique()) if sweep else list(source.summary().index)
    _check_kpis(args.heatmap_kpi or [], known, "--heatmap-kpi")
    _check_kpis([args.rank_kpi] if args.rank_kpi else [], known, "--rank-kpi")

    if sweep:
        text = render(source, heatmap_kpis=args.heatmap_kpi)
    else:
        text = render(source, compare=other, rank=not args.no_rank, rank_replications=args.rank_replications,
                      rank_kpi=args.rank_kpi, threads=args.threads, progress=sys.stderr.isatty())
    try:
        write_atomic(target, text)
    except OSError as e:  # the disk filled, the directory went away: nothing is left behind
        print(f"eslabon report: cannot write {args.output}: {e}", file=sys.stderr)
        return 1
    print(f"report written to {args.output}")
    return 0
