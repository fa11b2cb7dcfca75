#!/usr/bin/env python3
"""Sweeps of many tiny points: time and peak memory of `eslabon sweep -o OUT.h5` against the
number of points, where the cost is the bookkeeping (journal, HDF5 file), not the simulation.

Each point is the chain model (4 units) over a horizon of 50 h with one replication, so a pair
simulates about 250 events; the grid is units.production.servers x run.horizon. For each size
the script reports wall-clock and CPU seconds (median of `--repeat` runs), milliseconds per point,
the peak RSS of the eslabon process (wait4's ru_maxrss) and the size of OUT.h5; then the same sweep
once without -o, whose time and memory are those of loading the sweep file (every point's model is
built from the model parsed once, checked and dropped; built again when its pair runs) and
simulating, so the difference is what keeping the results costs.

    .venv/bin/python bench/sweep_points.py                    # 1000, 3000, 10000 points
    .venv/bin/python bench/sweep_points.py --points 100 1000 --bin build/eslabon --threads 1
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = os.environ.get("ESLABON_BIN", str(ROOT / "build" / "eslabon"))


def write_sweep(path, points):
    # rows x cols >= points, then the last factor trimmed so the grid has exactly `points` points
    cols = 100 if points >= 100 else points
    rows = points // cols
    assert rows * cols == points, "points must be a multiple of 100 (or below 100)"
    servers = ", ".join(str(4 + i) for i in range(rows))
    horizons = ", ".join(str(50 + i) for i in range(cols))
    path.write_text(f"model: model.yaml\nreplications: 1\nseed: 7\ngrid:\n"
                    f"  units.production.servers: [{servers}]\n  run.horizon: [{horizons}]\n")


def run_once(cmd, cwd):
    """(wall seconds, CPU seconds, peak RSS MiB) of one run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{err}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, nargs="+", default=[1000, 3000, 10000])
    ap.add_argument("--bin", default=BIN)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="eslabon-sweep-points-"))
    try:
        model = (ROOT / "configs" / "chain.yaml").read_text()
        model = model.replace("run: {horizon: 20000, warmup: 2000, replications: 10, seed: 42}",
                              "run: {horizon: 50, warmup: 0, replications: 1, seed: 42}")
        (tmp / "model.yaml").write_text(model)
        print(f"sweep of tiny points ({args.bin}, --threads {args.threads}, median of {args.repeat}; "
              f"load {os.getloadavg()[0]:.2f})")
        print(f"{'points':>8} {'wall s':>8} {'CPU s':>7} {'ms/point':>9} {'peak RSS MiB':>13} {'OUT.h5 MiB':>11}"
              f" | without -o: {'wall s':>7} {'CPU s':>6} {'RSS MiB':>8}")
        for n in args.points:
            sweep = tmp / f"s{n}.yaml"
            write_sweep(sweep, n)
            out = tmp / f"s{n}.h5"
            cmd = [args.bin, "sweep", str(sweep), "--threads", str(args.threads)]
            runs = [run_once([*cmd, "-o", str(out)], tmp) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rss = max(r[2] for r in runs)
            size = out.stat().st_size / 2**20
            out.unlink()
            bare = run_once(cmd, tmp)
            print(f"{n:>8} {wall:>8.2f} {cpu:>7.2f} {1000 * wall / n:>9.3f} {rss:>13.1f} {size:>11.1f}"
                  f" | {'':>12}{bare[0]:>7.2f} {bare[1]:>6.2f} {bare[2]:>8.1f}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
