#!/usr/bin/env python3
"""Sweep scaling: replications (pairs) per second of `eslabon sweep` on the weak-link model,
on 1 and 2 threads and on 2 MPI ranks, with the ratios against one worker.

The rate is marginal: each configuration runs a sweep of R and of 2R replications (median of 3
wall-clock times each) and the rate is the extra R x points pairs over the extra time, so the fixed
start-up (about 0.5 s for mpirun and MPI_Init here) does not count against MPI.
Run from the repository root: `make bench` (or .venv/bin/python bench/sweep_scaling.py)."""
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


def write_sweep(path, reps):
    path.write_text(f"model: model.yaml\nreplications: {reps}\nseed: 7\ngrid:\n"
                    "  units.production.servers: [4, 5]\n  links.purchase->produce.defect: [0.0, 0.05]\n")


def main():
    tmp = Path(tempfile.mkdtemp(prefix="eslabon-sweep-bench-"))
    try:
        model = (ROOT / "configs" / "weak_link.yaml").read_text()
        model = model.replace("arrivals: {customers: 400, rate_per_customer: 0.0025, acquisition: 0.05}", "arrivals: {poisson: 0.8}")
        (tmp / "model.yaml").write_text(model)
        reps, points = 30, 4
        write_sweep(tmp / "small.yaml", reps)
        write_sweep(tmp / "large.yaml", 2 * reps)
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                   OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_btl_vader_single_copy_mechanism="none")
        configs = [("1 thread", [BIN, "sweep", "{}", "--threads", "1"]),
                   ("2 threads", [BIN, "sweep", "{}", "--threads", "2"])]
        if shutil.which("mpirun"):
            configs.append(("2 MPI ranks", ["mpirun", "-n", "2", BIN, "sweep", "{}"]))
            configs.append(("2 ranks, unbound", ["mpirun", "-n", "2", "--bind-to", "none", BIN, "sweep", "{}"]))

        def seconds(cmd, sweep):
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                subprocess.run([c.replace("{}", str(sweep)) for c in cmd], check=True, capture_output=True, env=env, cwd=tmp)
                times.append(time.perf_counter() - t0)
            return statistics.median(times)

        rates = {}
        for name, cmd in configs:
            extra = seconds(cmd, tmp / "large.yaml") - seconds(cmd, tmp / "small.yaml")
            rates[name] = reps * points / extra
        base = rates["1 thread"]
        print(f"sweep scaling, weak-link model, 20000 h pairs, marginal rate ({reps * points} extra pairs; "
              f"load {os.getloadavg()[0]:.2f})")
        for name, r in rates.items():
            print(f"  {name:<12} {r:8.1f} replications/s   {r / base:5.2f}x one worker")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
