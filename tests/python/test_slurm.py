"""configs/cluster/*.sbatch on a real one-node SLURM cluster (tests/cluster/slurm_cluster.sh).

The script starts munged, slurmctld and slurmd in a scratch directory, submits the shipped sbatch
scripts on a small sweep: sweep.sbatch (2 tasks, srun --mpi=pmix), and sweep_array.sbatch as a
3-task job array with merge.sbatch after it. It checks the jobs' logs, the MPI job's jobcomp record,
and that both HDF5 files equal a single-process `eslabon sweep`; it stops the daemons on every exit.
It exits 77 when the machine cannot run SLURM (not root, packages missing, daemons do not start):
the test is then skipped with the script's reason.
"""
import os
import signal
import subprocess
import sys

import pytest

from conftest import BIN, ROOT

SCRIPT = ROOT / "tests" / "cluster" / "slurm_cluster.sh"
TIMEOUT = 240  # the whole check takes about 10 s; the script's own deadlines are shorter than this


def test_sbatch_sweep_on_a_real_slurm_cluster_equals_a_single_process():
    env = dict(os.environ, ESLABON_BIN=str(BIN), PYTHON=sys.executable)
    # A session of its own, so that a timeout can stop the script and let its trap stop the daemons.
    proc = subprocess.Popen(["bash", str(SCRIPT)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, cwd=ROOT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        pytest.fail(f"{SCRIPT.name} did not finish in {TIMEOUT} s:\n{out}")
    if proc.returncode == 77:
        reason = [line for line in out.splitlines() if "SKIP:" in line]
        pytest.skip(reason[-1] if reason else out[-2000:])
    assert proc.returncode == 0, out
    assert "PASS: sbatch configs/cluster/sweep.sbatch" in out, out
    assert "PASS: sbatch --array=0-2 configs/cluster/sweep_array.sbatch, then merge.sbatch" in out, out
    assert "objects equal (ignoring /created)" in out, out
