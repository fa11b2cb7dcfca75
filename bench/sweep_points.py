#!/usr/bin/env python3
"""Sweeps of many tiny points: time and peak memory of `eslabon sweep -o OUT.h5` against the
number of points, where the cost is the bookkeeping (journal, HDF5 file), not the simulation.

Each point is the chain model (4 units) over a horizon of 50 h with one replication, so a pair
simulates about 250 events; the grid is units.production.servers x run.horizon. For each size
the script reports wall-clock seconds (median of `--repeat` runs), seconds per 1000 points, the
peak RSS of the eslabon process (wait4's ru_maxrss) and the size of OUT.h5.

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
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{err}")
    return elapsed, usage.ru_maxrss / 1024.0  # MiB


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
        print(f"{'points':>8} {'seconds':>9} {'s/1000 points':>14} {'peak RSS MiB':>13} {'OUT.h5 MiB':>11}")
        for n in args.points:
            sweep = tmp / f"s{n}.yaml"
            write_sweep(sweep, n)
            out = tmp / f"s{n}.h5"
            runs = [run_once([args.bin, "sweep", str(sweep), "-o", str(out), "--threads", str(args.threads)], tmp)
                    for _ in range(args.repeat)]
            secs = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            print(f"{n:>8} {secs:>9.2f} {1000 * secs / n:>14.3f} {rss:>13.1f} {out.stat().st_size / 2**20:>11.1f}",
                  flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
