"""Fitting an HPC allocation (README "Running on a cluster"): a sweep in shards (eslabon sweep --shard I/N,
eslabon merge, es.run_sweep(shard=), es.merge_shards) whose merge is the unsharded file bit for bit; the
thread rule (the default follows the CPU affinity mask and SLURM_CPUS_PER_TASK, --threads wins, the CLI and
Python say how many they used); es.sweep handing (point, replication) pairs to executors."""
import concurrent.futures
import os
import shutil
import signal
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

import eslabon as es
from conftest import BIN, CONFIGS, DEADLINE, WEAK, edited, h5_equal, run, started, wait_until

ARRAY_VARS = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP",
              "SLURM_ARRAY_TASK_COUNT", "SLURM_CPUS_PER_TASK", "SLURM_NTASKS"]


def clean_env(**extra):
    """This environment without SLURM's job variables (a test may itself run in a SLURM job), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ARRAY_VARS}
    env.update(extra)
    return env


@pytest.fixture
def sweep(tmp_path):
    """5 points x 4 replications = 20 pairs over weak_link.yaml with a short horizon. In 3 shards,
    pairs 0-5, 6-12, 13-19: points p0000, p0002 and p0004 are whole in one shard each, p0001 and
    p0003 are shared by two."""
    (tmp_path / "model.yaml").write_text(edited(WEAK, ("horizon: 20000, warmup: 2000", "horizon: 2000, warmup: 200")))
    path = tmp_path / "sweep.yaml"
    path.write_text("model: model.yaml\nreplications: 4\nseed: 3\ngrid:\n"
                    "  units.production.servers: [3, 4]\n  links.purchase->produce.defect: [0.0, 0.05]\n"
                    "scenarios:\n  outsourced_qc: {links.purchase->produce.detect: 0.95}\n")
    return path


def storage(path):
    """{dataset: how it is stored (layout, chunks, filters)}: a merged file stores its tables as an unsharded one does."""
    out = {}
    with h5py.File(path) as f:
        f.visititems(lambda name, o: out.__setitem__(name, (
            o.id.get_create_plist().get_layout(), o.chunks, o.compression, o.compression_opts, o.shuffle))
            if isinstance(o, h5py.Dataset) else None)
    return out


def shards(sweep, n, which=None, **kw):
    """Shards I/n (all, or `which`) of `sweep` as s{I}of{n}.h5 beside it."""
    out = []
    for i in (range(n) if which is None else which):
        path = sweep.parent / f"s{i}of{n}.h5"
        p = run("sweep", sweep, "--shard", f"{i}/{n}", "-o", path, check=True, env=clean_env(), **kw)
        assert f"shard {i}/{n}: pairs" in p.stdout
        out.append(path)
    return out


def test_merged_shards_are_the_unsharded_file_bit_for_bit(sweep, tmp_path):
    whole, merged = tmp_path / "whole.h5", tmp_path / "merged.h5"
    run("sweep", sweep, "-o", whole, check=True, env=clean_env())
    parts = shards(sweep, 3)
    with h5py.File(parts[1]) as f:  # pairs 6-12: p0002 whole; 6, 7 of p0001 and 12 of p0003 kept as pairs
        assert (f.attrs["shard_index"], f.attrs["shard_count"], f.attrs["pair_first"], f.attrs["pair_end"]) == (1, 3, 6, 13)
        assert f.attrs["shard_complete"] == 1 and f.attrs["complete"] == 0
        assert list(f["points"]) == ["p0002"]
        assert list(f["pairs/replications"]["pair"]) == [6, 7, 12]
        assert list(f["scenarios"]["complete"]) == [0, 0, 1, 0, 0]
    assert sorted(p.name for p in tmp_path.iterdir() if "journal" in p.name or p.name.startswith(".")) == []
    p = run("merge", *parts[::-1], "-o", merged, check=True)  # in any order
    assert "merged 3 shards: 5 points x 4 replications (3 copied whole, 2 joined from shards)" in p.stdout
    h5_equal(whole, merged)
    assert storage(merged) == storage(whole)
    # What differs is `created` alone: the merged file's is the latest of its shards'.
    with h5py.File(merged) as f:
        created = [h5py.File(s).attrs["created"] for s in parts]
        assert f.attrs["created"] == max(created)
        assert "pairs" not in f and "shard_index" not in f.attrs
    # A shard file reads as a sweep file of the points whole in it.
    s = es.read_hdf5(parts[0])
    assert list(s.points) == ["p0000"] and not s.complete


def test_any_shards_that_cover_every_pair_once_merge(sweep, tmp_path):
    whole = tmp_path / "whole.h5"
    run("sweep", sweep, "-o", whole, check=True, env=clean_env())
    parts = shards(sweep, 2, [0]) + shards(sweep, 4, [2, 3])  # pairs 0-9, 10-14, 15-19
    run("merge", *parts, "-o", tmp_path / "mixed.h5", check=True)
    h5_equal(whole, tmp_path / "mixed.h5")
    one = shards(sweep, 1)
    p = run("merge", *one, "-o", tmp_path / "one.h5", check=True)
    assert "(5 copied whole, 0 joined from shards)" in p.stdout
    h5_equal(whole, tmp_path / "one.h5")


def test_merge_refuses_what_is_not_one_whole_sweep(sweep, tmp_path):
    s0, s1, s2 = shards(sweep, 3)
    (half,) = shards(sweep, 2, [0])
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(tmp_path / "model.yaml", other / "model.yaml")
    (other / "sweep.yaml").write_text(edited(sweep, ("seed: 3", "seed: 4")))
    (foreign,) = shards(other / "sweep.yaml", 3, [2])
    unfinished = tmp_path / "unfinished.h5"
    shutil.copy(s2, unfinished)
    with h5py.File(unfinished, "r+") as f:
        f.attrs["shard_complete"] = 0  # as an interrupted shard leaves it
    run("sweep", sweep, "-o", tmp_path / "whole.h5", check=True, env=clean_env())
    (tmp_path / "notes.h5").write_text("not HDF5\n")
    out = tmp_path / "merged.h5"
    cases = [
        ([s0, s2], "pairs 6 to 12 of the sweep's 20 are in none of the shards given (missing: shard 1/3)"),
        ([s0, s1], "pairs 13 to 19 of the sweep's 20 are in none of the shards given (missing: shard 2/3)"),
        ([s0, s1, s1, s2], "are in both"),
        ([half, s1, s2], f"pairs 6 to 9 are in both {half} (shard 0/2) and {s1} (shard 1/3)"),
        ([s0, s1, foreign], "are shards of different sweeps"),
        ([s0, s1, unfinished], f"{unfinished} (shard 2/3): the shard is not finished (it was interrupted)"),
        ([s0, s1, tmp_path / "whole.h5"], "not a shard of a sweep; expected a file written by eslabon sweep --shard "
                                          "I/N -o FILE (this is a whole sweep's file)"),
        ([s0, s1, tmp_path / "notes.h5"], "notes.h5: not an HDF5 file"),
        ([s0, s1, tmp_path / "nothing.h5"], "nothing.h5: no such file; expected a shard"),
    ]
    for given, message in cases:
        p = run("merge", *given, "-o", out)
        assert p.returncode == 2 and message in p.stderr, (given, p.stderr)
        assert not out.exists()
    p = run("merge", s0, s1, s2, "-o", s1)
    assert p.returncode == 2 and "found one of the shards" in p.stderr, p.stderr
    # Found by fuzz_hdf5 (tests/fuzz/README.md): a shard's stored model text, its /pairs columns
    # with another type, a shard count of 0.
    bad_model, bad_pairs, no_count = (tmp_path / n for n in ("bad_model.h5", "bad_pairs.h5", "no_count.h5"))
    for copy, src in ((bad_model, s0), (bad_pairs, s1), (no_count, s0)):
        shutil.copy(src, copy)
    with h5py.File(bad_model, "r+") as f:
        model = f.attrs["model"]
        f.attrs["model"] = "com: 1\n" + (model.decode() if isinstance(model, bytes) else str(model))
    with h5py.File(bad_pairs, "r+") as f:
        table = f["pairs/replications"][...]
        as_float = np.zeros(table.shape, [(n, "f8" if n == "pair" else table.dtype[n]) for n in table.dtype.names])
        for n in table.dtype.names:
            as_float[n] = table[n]
        del f["pairs/replications"]
        f["pairs/replications"] = as_float
    with h5py.File(no_count, "r+") as f:
        f.attrs["shard_count"] = 0
    for given, message in [
        ([bad_model, s1, s2], f"{bad_model}: attribute model: "),
        ([s0, bad_pairs, s2], "/pairs/replications: not the columns this version of eslabon writes"),
        ([no_count], "of the sweep's 20 are in none of the shards given; expected"),
    ]:
        p = run("merge", *given, "-o", out)
        assert p.returncode == 2 and message in p.stderr, (given, p.stderr)
        assert not out.exists()
    with pytest.raises(es.ConfigError, match="missing: shard 1/3"):
        es.merge_shards([s0, s2], out)
    assert not out.exists()


@pytest.mark.parametrize("args,message", [
    (["--shard", "3/3"], "--shard 3/3: expected shard I of N as I/N with 0 <= I < N (shards count from 0), got 3/3"),
    (["--shard", "0/0"], "got 0/0"),
    (["--shard", "1-3"], "--shard 1-3: expected I/N (shard I of N, counting from 0, e.g. 0/8) or auto"),
    (["--shard", "0/21"], "--shard 0/21: the sweep has 20 pairs; expected at most 20 shards, got 21"),
    (["--shard", "auto"], "--shard auto: expected a task of a SLURM job array (sbatch --array), found no "
                          "SLURM_ARRAY_TASK_ID; outside a job array give --shard I/N"),
])
def test_bad_shards_exit_2_before_any_work(sweep, tmp_path, args, message):
    p = run("sweep", sweep, *args, "-o", tmp_path / "s.h5", env=clean_env())
    assert p.returncode == 2 and message in p.stderr, p.stderr
    assert not (tmp_path / "s.h5").exists() and not (tmp_path / "s.h5.journal").exists()


def test_shard_needs_an_output_file(sweep):
    p = run("sweep", sweep, "--shard", "0/2", env=clean_env())
    assert p.returncode == 2 and "--shard 0/2: expected -o SHARD.h5" in p.stderr, p.stderr


def test_shard_auto_is_the_job_arrays_task(sweep, tmp_path):
    # sbatch --array=2-10:4 gives tasks 2, 6, 10: task 6 runs shard 1 of 3.
    array = dict(SLURM_ARRAY_TASK_ID="6", SLURM_ARRAY_TASK_MIN="2", SLURM_ARRAY_TASK_MAX="10",
                 SLURM_ARRAY_TASK_STEP="4", SLURM_ARRAY_TASK_COUNT="3")
    p = run("sweep", sweep, "--shard", "auto", "-o", tmp_path / "auto.h5", check=True, env=clean_env(**array))
    assert "shard 1/3: pairs 6 to 12 of 20, in points p0001 to p0003" in p.stdout
    (given,) = shards(sweep, 3, [1])
    h5_equal(given, tmp_path / "auto.h5")
    uneven = dict(array, SLURM_ARRAY_TASK_MAX="9")  # --array=2,6,9: not evenly spaced
    p = run("sweep", sweep, "--shard", "auto", "-o", tmp_path / "x.h5", env=clean_env(**uneven))
    assert p.returncode == 2 and "expected a job array of evenly spaced task ids" in p.stderr, p.stderr


def journal_pairs(journal):
    return max(journal.read_text().count("\n") - 1, 0) if journal.exists() else 0


def test_killed_shard_resumes_and_merges_to_the_unsharded_file(sweep, tmp_path):
    # Pairs long enough that the kill lands half-way through shard 0's 10 pairs.
    (tmp_path / "model.yaml").write_text(edited(
        tmp_path / "model.yaml", ("horizon: 2000, warmup: 200", "horizon: 100000, warmup: 200"),
        ("arrivals: {customers: 400, rate_per_customer: 0.0025, acquisition: 0.05}", "arrivals: {poisson: 0.7}")))
    s0, s1 = tmp_path / "s0.h5", tmp_path / "s1.h5"
    journal = tmp_path / "s0.h5.journal"
    with started([BIN, "sweep", sweep, "--shard", "0/2", "-o", s0, "--threads", "1"], env=clean_env()) as proc:
        wait_until(lambda: journal_pairs(journal) >= 1, "finished pair in the shard's journal", proc=proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=DEADLINE)
    done = journal_pairs(journal)
    assert 0 < done < 10, done
    # Another shard does not resume from this one's journal, nor does the whole sweep.
    shutil.copy(journal, tmp_path / "s1.h5.journal")
    p = run("sweep", sweep, "--shard", "1/2", "-o", s1, "--resume", env=clean_env())
    assert p.returncode == 2 and "belongs to another sweep (or another version of this one, or another shard)" in p.stderr
    shutil.copy(journal, tmp_path / "whole.h5.journal")
    p = run("sweep", sweep, "-o", tmp_path / "whole.h5", "--resume", env=clean_env())
    assert p.returncode == 2 and "belongs to another sweep" in p.stderr
    (tmp_path / "s1.h5.journal").unlink()
    (tmp_path / "whole.h5.journal").unlink()
    p = run("sweep", sweep, "--shard", "0/2", "-o", s0, "--resume", check=True, env=clean_env())
    assert f"resumed: {done} {'pair was' if done == 1 else 'pairs were'} already done" in p.stderr
    assert not journal.exists()
    run("sweep", sweep, "--shard", "1/2", "-o", s1, check=True, env=clean_env())
    run("merge", s0, s1, "-o", tmp_path / "merged.h5", check=True)
    run("sweep", sweep, "-o", tmp_path / "whole.h5", check=True, env=clean_env())
    h5_equal(tmp_path / "whole.h5", tmp_path / "merged.h5")


def test_python_runs_and_merges_shards_as_the_cli(sweep, tmp_path):
    whole = tmp_path / "whole.h5"
    run("sweep", sweep, "-o", whole, check=True, env=clean_env())
    parts = [tmp_path / "a.h5", tmp_path / "b.h5", tmp_path / "c.h5"]
    for i, (path, shard) in enumerate(zip(parts, [(0, 3), "1/3", (2, 3)])):
        stored = es.run_sweep(sweep, path, shard=shard, threads=2)
        assert isinstance(stored, es.StoredSweep) and stored.attrs["shard_index"] == i
    merged = es.merge_shards(parts, tmp_path / "py.h5")
    assert merged.complete and len(merged.points) == 5
    h5_equal(whole, tmp_path / "py.h5")
    with pytest.raises(es.ConfigError, match="shard=3/3: expected shard I of N"):
        es.run_sweep(sweep, tmp_path / "x.h5", shard=(3, 3))
    with pytest.raises(ValueError, match="expected"):
        es.run_sweep(sweep, tmp_path / "x.h5", shard=(1, 2, 3))


# ---------------------------------------------------------------------------------------------------
# Threads: the affinity mask, SLURM_CPUS_PER_TASK, --threads
# ---------------------------------------------------------------------------------------------------

needs_taskset = pytest.mark.skipif(shutil.which("taskset") is None, reason="taskset (util-linux) is not installed")
SHORT = ["--replications", "4", "--horizon", "500", "--warmup", "50"]


def run_threads(*prefix, env=None, args=()):
    """The thread count `eslabon run` reports for chain.yaml with 4 replications."""
    p = subprocess.run([*prefix, BIN, "run", str(CONFIGS / "chain.yaml"), *SHORT, *args], capture_output=True,
                       text=True, env=env or clean_env(), timeout=300)
    assert p.returncode == 0, p.stderr
    head = p.stdout.splitlines()[0]
    assert "4 replications" in head, head
    return int(head.rsplit(",", 1)[1].split()[0])  # "..., 1234 events, 2 threads"


@needs_taskset
def test_run_threads_follow_the_affinity_mask_and_cpus_per_task():
    allowed = len(os.sched_getaffinity(0))
    assert run_threads() == min(allowed, 4)
    assert run_threads("taskset", "-c", "0") == 1
    assert run_threads(env=clean_env(SLURM_CPUS_PER_TASK="1")) == 1
    assert run_threads("taskset", "-c", "0", env=clean_env(SLURM_CPUS_PER_TASK="8")) == 1  # a cap, not a count
    assert run_threads(env=clean_env(SLURM_CPUS_PER_TASK="junk")) == min(allowed, 4)  # not a number: ignored
    assert run_threads(env=clean_env(SLURM_CPUS_PER_TASK="1"), args=["--threads", "3"]) == 3  # --threads wins
    assert run_threads("taskset", "-c", "0", args=["--threads", "2"]) == 2
    if allowed >= 2:
        assert run_threads("taskset", "-c", "0,1") == 2


@needs_taskset
def test_sweep_threads_follow_the_same_rule(sweep):
    p = subprocess.run(["taskset", "-c", "0", BIN, "sweep", str(sweep)], capture_output=True, text=True,
                       env=clean_env(), timeout=300)
    assert p.returncode == 0 and "5 points x 4 replications = 20 pairs (seed 3), on 1 thread\n" in p.stdout, p.stdout
    p = run("sweep", sweep, "--threads", "2", check=True, env=clean_env(SLURM_CPUS_PER_TASK="1"))
    assert "= 20 pairs (seed 3), on 2 threads" in p.stdout


def test_python_threads_follow_the_same_rule(monkeypatch):
    # In this process: a run's threads are started by the calling thread, and inherit its mask.
    m = es.Model.from_yaml(CONFIGS / "chain.yaml").with_changes({"run.horizon": 500, "run.warmup": 50})
    monkeypatch.delenv("SLURM_CPUS_PER_TASK", raising=False)
    allowed = os.sched_getaffinity(0)
    assert m.run(replications=4, progress=False).threads == min(len(allowed), 4)
    try:
        os.sched_setaffinity(0, {min(allowed)})  # as taskset -c 0
        assert m.run(replications=4, progress=False).threads == 1
        assert m.run(replications=4, threads=3, progress=False).threads == 3
    finally:
        os.sched_setaffinity(0, allowed)
    monkeypatch.setenv("SLURM_CPUS_PER_TASK", "1")
    assert m.run(replications=4, progress=False).threads == 1
    assert m.run(replications=4, threads=3, progress=False).threads == 3
    assert es._core.default_threads() == 1  # what es.sensitivity's pool of points starts


# ---------------------------------------------------------------------------------------------------
# es.sweep on executors: (point, replication) pairs, the serial sweep's numbers bit for bit
# ---------------------------------------------------------------------------------------------------

class Recording(concurrent.futures.Executor):
    """Runs what it is handed here, in order, and keeps the tasks (to see what a task holds)."""

    def __init__(self, max_workers=2):
        self._max_workers = max_workers
        self.tasks = []

    def map(self, fn, *iterables, **kwargs):
        tasks = list(zip(*iterables))
        self.tasks += [t[0] for t in tasks]
        return [fn(*t) for t in tasks]


def task_pairs(task):
    """[(point, replication)] of a task es.sweep handed over."""
    return [(point, rep) for point, _, reps in task[-1] for rep in reps]


@pytest.fixture(scope="module")
def small_model():
    return es.Model.from_yaml(WEAK).with_changes({"run.horizon": 2000, "run.warmup": 200})


GRID = {"units.production.servers": [3, 4], "links.purchase->produce.defect": [0.0, 0.05]}
SCENARIOS = {"outsourced_qc": {"links.purchase->produce.detect": 0.95}}


def test_sweep_hands_pairs_to_executors_and_equals_the_serial_sweep(small_model):
    serial = es.sweep(small_model, GRID, replications=3, seed=5, scenarios=SCENARIOS)
    all_pairs = [(p, r) for p in range(5) for r in range(3)]
    for chunk, tasks in [(1, 15), (4, 4), (None, 8)]:  # None: ceil(15 / (4 x 2 workers)) = 2 pairs a task
        ex = Recording(max_workers=2)
        df = es.sweep(small_model, GRID, replications=3, seed=5, scenarios=SCENARIOS, executor=ex, chunk=chunk)
        pd.testing.assert_frame_equal(df, serial, check_exact=True)  # every KPI, bit for bit
        assert len(ex.tasks) == tasks
        assert [pair for t in ex.tasks for pair in task_pairs(t)] == all_pairs  # each pair once, in order
        if chunk == 4:  # a task may hold pairs of two points: replications 1, 2 of p0001 and 0, 1 of p0002
            assert task_pairs(ex.tasks[1]) == [(1, 1), (1, 2), (2, 0), (2, 1)]
    with pytest.raises(ValueError, match="chunk: expected an integer >= 1, got 0"):
        es.sweep(small_model, GRID, replications=3, executor=Recording(), chunk=0)


def test_sweep_pairs_on_a_thread_pool_equal_the_serial_sweep(small_model):
    serial = es.sweep(small_model, GRID, replications=2, seed=9)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        df = es.sweep(small_model, GRID, replications=2, seed=9, executor=pool, chunk=1)
    pd.testing.assert_frame_equal(df, serial, check_exact=True)
