"""eslabon sweep: sweep files, validation before any work, the HDF5 layout, equality with Python."""
import os
import shutil
import signal
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd
import pytest

import eslabon as es
from conftest import (BIN, CONFIGS, DEADLINE, MPI_ENV, WEAK, edited, h5_frame, h5_point, h5_sweep_tables, run, started,
                      wait_until)

SWEEP = CONFIGS / "sweeps" / "staffing_vs_defects.yaml"


def small_sweep(tmp_path, grid=None, scenarios="  outsourced_qc: {links.purchase->produce.detect: 0.95}\n", extra=""):
    """tmp_path/sweep.yaml over tmp_path/model.yaml (weak_link.yaml with horizon 3000): 4 replications, seed 7."""
    model = edited(WEAK, ("horizon: 20000, warmup: 2000", "horizon: 3000, warmup: 300"))
    (tmp_path / "model.yaml").write_text(model)
    grid = grid if grid is not None else ("  units.production.servers: [3, 4]\n"
                                          "  links.purchase->produce.defect: [0.0, 0.05]\n")
    text = f"model: model.yaml\nreplications: 4\nseed: 7\n{extra}grid:\n{grid}"
    if scenarios:
        text += f"scenarios:\n{scenarios}"
    path = tmp_path / "sweep.yaml"
    path.write_text(text)
    return path


def test_sweep_writes_scenarios_and_points(tmp_path):
    out = tmp_path / "sweep.h5"
    p = run("sweep", small_sweep(tmp_path), "-o", out, check=True)
    assert "5 points x 4 replications = 20 pairs" in p.stdout
    with h5py.File(out) as f:
        assert "grid:" in f.attrs["sweep"]
        assert f.attrs["seed"] == 7 and f.attrs["replications"] == 4
        sc = h5_frame(f["scenarios"])
        assert list(sc["id"]) == ["p0000", "p0001", "p0002", "p0003", "p0004"]
        # Factors are numbers, NaN where a scenario does not set them (README "Sweeps from config files").
        np.testing.assert_array_equal(sc["units.production.servers"], [3, 3, 4, 4, np.nan])
        np.testing.assert_array_equal(sc["links.purchase->produce.defect"], [0.0, 0.05, 0.0, 0.05, np.nan])
        assert list(sc["scenario"]) == ["", "", "", "", "outsourced_qc"]
        for pid in sc["id"]:
            summary = h5_point(f, pid, "summary").set_index("kpi")
            assert summary.loc["lead_time_mean", "n"] == 4
            assert len(h5_point(f, pid, "replications")) == 4
            assert set(h5_point(f, pid, "links")["link"]) == {"purchase->produce", "take_order->purchase"}


def test_finished_sweep_leaves_only_its_file(tmp_path):
    sweep = small_sweep(tmp_path)
    run("sweep", sweep, "-o", tmp_path / "s.h5", check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.yaml", "s.h5", "sweep.yaml"]  # no journal, no .part


def test_read_hdf5_reads_a_sweep_file(tmp_path):
    import eslabon as es

    sweep = small_sweep(tmp_path)
    out = tmp_path / "sweep.h5"
    run("sweep", sweep, "-o", out, check=True)
    s = es.read_hdf5(out)
    assert isinstance(s, es.StoredSweep)
    assert s.complete and s.seed == 7 and s.replications == 4 and "grid:" in s.sweep_text
    assert list(s.scenarios["id"]) == ["p0000", "p0001", "p0002", "p0003", "p0004"]
    assert list(s.scenarios["complete"]) == [1] * 5
    assert s.factors == ["units.production.servers", "links.purchase->produce.defect"]
    assert list(s.points) == list(s.scenarios["id"]) and len(s) == 5
    with h5py.File(out) as f:
        for pid in s.points:
            p = s[pid]
            assert p.name == pid and p.seed == 7
            pd.testing.assert_frame_equal(p.summary(), h5_point(f, pid, "summary").set_index("kpi"))
            for table in ["replications", "units", "links", "origins"]:
                pd.testing.assert_frame_equal(getattr(p, table), h5_point(f, pid, table), obj=table)
            assert p.flows.empty  # a sweep point keeps only the tables marked in_sweep
    assert "replications=4" in repr(s["p0002"]) and "points=5, complete=5" in repr(s)
    with pytest.raises(KeyError):
        s["p0099"]
    # summary(): one row per (point, KPI), the factors as numbers: the same numbers as es.sweep.
    df = s.summary()
    assert df.attrs["factors"] == s.factors
    assert list(df.columns[:4]) == ["id", "units.production.servers", "links.purchase->produce.defect", "scenario"]
    m = es.Model.from_yaml(tmp_path / "model.yaml")
    py = es.sweep(m, {"units.production.servers": [3, 4], "links.purchase->produce.defect": [0.0, 0.05]},
                  replications=4, seed=7, scenarios={"outsourced_qc": {"links.purchase->produce.detect": 0.95}})
    assert len(df) == len(py)
    for c in ["units.production.servers", "links.purchase->produce.defect"]:
        np.testing.assert_array_equal(df[c].to_numpy(dtype=float), py[c].to_numpy(dtype=float))
    assert list(df["scenario"]) == list(py["scenario"]) and list(df["kpi"]) == list(py["kpi"])
    for c in ["mean", "ci_low", "ci_high", "std", "n"]:
        np.testing.assert_array_equal(df[c].to_numpy(dtype=float), py[c].to_numpy(dtype=float))
    # A run file still reads as a StoredResult.
    run("run", tmp_path / "model.yaml", "--replications", "2", "-o", tmp_path / "run.h5", check=True)
    assert isinstance(es.read_hdf5(tmp_path / "run.h5"), es.StoredResult)


def test_sweep_equals_python_and_any_thread_count(tmp_path):
    sweep = small_sweep(tmp_path)
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    run("sweep", sweep, "-o", a, "--threads", "1", check=True)
    run("sweep", sweep, "-o", b, "--threads", "2", check=True)
    m = es.Model.from_yaml(tmp_path / "model.yaml")
    py = es.sweep(m, {"units.production.servers": [3, 4], "links.purchase->produce.defect": [0.0, 0.05]},
                  replications=4, seed=7, scenarios={"outsourced_qc": {"links.purchase->produce.detect": 0.95}})
    with h5py.File(a) as fa, h5py.File(b) as fb:
        for i, pid in enumerate(["p0000", "p0001", "p0002", "p0003", "p0004"]):
            sa = h5_point(fa, pid, "summary").set_index("kpi")
            sb = h5_point(fb, pid, "summary").set_index("kpi")
            pd.testing.assert_frame_equal(sa, sb)  # threads do not change a bit
            rows = py.iloc[i * len(sa):(i + 1) * len(sa)].set_index("kpi")
            np.testing.assert_array_equal(rows.loc[sa.index, "mean"].to_numpy(dtype=float), sa["mean"].to_numpy())


def test_python_run_sweep_writes_the_clis_file(tmp_path):
    sweep = small_sweep(tmp_path)
    cli, py = tmp_path / "cli.h5", tmp_path / "py.h5"
    run("sweep", sweep, "-o", cli, check=True)
    stored = es.run_sweep(sweep, py, threads=2)
    assert isinstance(stored, es.StoredSweep) and stored.complete and len(stored.points) == 5
    a, b = h5_sweep_tables(cli), h5_sweep_tables(py)
    assert a.keys() == b.keys()
    for key in a:
        pd.testing.assert_frame_equal(a[key], b[key], check_exact=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.h5", "model.yaml", "py.h5", "sweep.yaml"]


def test_sweep_output_never_replaces_the_sweeps_model(tmp_path):
    sweep = small_sweep(tmp_path)
    model = tmp_path / "model.yaml"
    before = model.read_text()
    p = run("sweep", sweep, "-o", model)
    assert p.returncode == 2 and "expected an output file, found the sweep's model file" in p.stderr, p.stderr
    with pytest.raises(es.ConfigError, match="out=.*model.yaml: expected an output file, found the sweep's model file"):
        es.run_sweep(sweep, model)
    with pytest.raises(es.ConfigError, match="found the sweep file itself"):
        es.run_sweep(sweep, sweep)
    assert model.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.yaml", "sweep.yaml"]


@pytest.mark.parametrize("grid,scenarios,extra,message", [
    ("  units.prodution.servers: [3, 4]\n", None, "",
     "grid.units.prodution.servers.0: this does not give a valid model: units.prodution: no such key in the config "
     "(did you mean 'production'?)"),
    ("  units.production.servers: [3, 0]\n", None, "",
     "grid.units.production.servers.1: this does not give a valid model: units.production.servers: expected an integer from 1 to 1000000, got 0"),
    ("  units.production.servers: []\n", None, "", "grid.units.production.servers: expected a non-empty list of values, got an empty list"),
    ("", None, "", "grid: expected at least one path with a list of values (or scenarios), got an empty grid"),
    ("  units.production.servers: [3]\n", None, "threads: 4\n", "threads: unknown key"),
    ("  units.production.servers: [3]\n", "  bad: {links.purchase->produce.detect: 2}\n", "",
     "scenarios.bad: this does not give a valid model: links.purchase->produce.detect: expected a probability between 0 and 1, got 2"),
])
def test_bad_sweep_files_exit_2_before_any_work(tmp_path, grid, scenarios, extra, message):
    out = tmp_path / "never.h5"
    p = run("sweep", small_sweep(tmp_path, grid=grid, scenarios=scenarios, extra=extra), "-o", out)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr, p.stderr
    assert p.stderr.startswith(str(tmp_path / "sweep.yaml") + ":")
    assert not out.exists()


def test_sweep_with_a_broken_model_names_the_model_file(tmp_path):
    sweep = small_sweep(tmp_path)
    model = tmp_path / "model.yaml"
    model.write_text(edited(model, ("servers: 4, cost_per_hour: 40", "servers: 0, cost_per_hour: 40")))
    p = run("sweep", sweep)
    assert p.returncode == 2
    assert p.stderr.startswith(f"{model}:") and "units.production.servers: expected an integer" in p.stderr


def test_example_sweep_file_loads():
    p = run("sweep", SWEEP, "--threads", "2", check=False)
    assert p.returncode == 0, p.stderr
    assert "13 points x 30 replications" in p.stdout


def finished_pairs(journal):
    """Pairs recorded in a sweep's journal: its complete lines after the first (which names the sweep)."""
    return max(journal.read_text().count("\n") - 1, 0) if journal.exists() else 0


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGINT"])
def test_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path, sig):
    # Long enough pairs (7 points x 4 replications) that the kill lands half-way.
    sweep = small_sweep(tmp_path, grid="  units.production.servers: [3, 4, 5]\n  links.purchase->produce.defect: [0.0, 0.05]\n")
    text = edited(tmp_path / "model.yaml", ("horizon: 3000, warmup: 300", "horizon: 600000, warmup: 300"),
                  ("arrivals: {customers: 400, rate_per_customer: 0.0025, acquisition: 0.05}", "arrivals: {poisson: 0.7}"))
    (tmp_path / "model.yaml").write_text(text)
    whole, part = tmp_path / "whole.h5", tmp_path / "part.h5"
    run("sweep", sweep, "-o", whole, "--threads", "2", check=True)
    journal = tmp_path / "part.h5.journal"
    with started([BIN, "sweep", sweep, "-o", part, "--threads", "2"]) as proc:
        # Killed once a pair is on disk, however long that took: then some pairs are done and most are not.
        wait_until(lambda: finished_pairs(journal) >= 1, "finished pair in the journal", proc=proc)
        proc.send_signal(getattr(signal, sig))
        proc.communicate(timeout=DEADLINE)
    assert journal.exists()
    done_before = finished_pairs(journal)
    assert 0 < done_before < 7 * 4, done_before       # killed half-way
    assert part.exists() == (sig == "SIGINT")        # Ctrl-C publishes the points done so far
    if part.exists():                                 # whatever was written is a whole HDF5 file
        with h5py.File(part) as f:
            assert f.attrs["complete"] == 0
    p = run("sweep", sweep, "-o", part, "--threads", "2", "--resume", check=True)
    pairs = "1 pair was" if done_before == 1 else f"{done_before} pairs were"
    assert f"resumed: {pairs} already done" in p.stderr
    a, b = h5_sweep_tables(whole), h5_sweep_tables(part)
    assert a.keys() == b.keys()
    for key in a:
        pd.testing.assert_frame_equal(a[key], b[key], obj=str(key))
    with h5py.File(part) as f:
        assert f.attrs["complete"] == 1
    # A finished sweep removes its journal and leaves no temporary file.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.yaml", "part.h5", "sweep.yaml", "whole.h5"]


def test_resume_refuses_another_sweeps_journal(tmp_path):
    sweep = small_sweep(tmp_path)
    out = tmp_path / "s.h5"
    run("sweep", sweep, "-o", out, check=True)
    assert not (tmp_path / "s.h5.journal").exists()  # a finished sweep removes its journal
    # An interrupted sweep leaves its journal; here one of the seed-7 sweep, written by hand.
    fingerprint = h5py.File(out).attrs["fingerprint"]
    (tmp_path / "s.h5.journal").write_text(f'{{"eslabon_sweep_journal": "{fingerprint}"}}\n')
    sweep.write_text(edited(sweep, ("seed: 7", "seed: 8")))
    p = run("sweep", sweep, "-o", out, "--resume")
    assert p.returncode == 2
    assert "belongs to another sweep" in p.stderr
    # With no journal, --resume runs the whole sweep.
    (tmp_path / "s.h5.journal").unlink()
    p = run("sweep", sweep, "-o", out, "--resume", check=True)
    assert "resumed" not in p.stderr
    with h5py.File(out) as f:
        assert f.attrs["seed"] == 8 and f.attrs["complete"] == 1


@pytest.mark.parametrize("ranks", [2, 3])
def test_mpi_ranks_give_the_single_process_file(tmp_path, ranks):
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("Open MPI is not installed")
    sweep = small_sweep(tmp_path)
    single, multi = tmp_path / "single.h5", tmp_path / "mpi.h5"
    run("sweep", sweep, "-o", single, "--threads", "1", check=True)
    env = dict(os.environ, **MPI_ENV)
    p = subprocess.run(["timeout", "120", mpirun, "-n", str(ranks), BIN, "sweep", str(sweep), "-o", str(multi)],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("points x") == 1  # only rank 0 reports
    a, b = h5_sweep_tables(single), h5_sweep_tables(multi)
    assert a.keys() == b.keys()
    for key in a:
        pd.testing.assert_frame_equal(a[key], b[key], obj=str(key))
    # A bad sweep file stops every rank with exit 2 before any work.
    bad = small_sweep(tmp_path, grid="  units.prodution.servers: [3]\n")
    p = subprocess.run(["timeout", "120", mpirun, "-n", str(ranks), BIN, "sweep", str(bad), "-o", str(tmp_path / "x.h5")],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 2, p.stderr
    assert p.stderr.count("did you mean 'production'?") == 1
    assert not (tmp_path / "x.h5").exists()


def test_python_sweep_on_an_mpi_pool_equals_the_cli(tmp_path):
    pytest.importorskip("mpi4py")
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        pytest.skip("Open MPI is not installed")
    sweep = small_sweep(tmp_path, scenarios=None)
    cli = tmp_path / "cli.h5"
    run("sweep", sweep, "-o", cli, check=True)
    script = tmp_path / "mpi_sweep.py"
    script.write_text(f"""
import eslabon as es
from mpi4py.futures import MPIPoolExecutor
if __name__ == "__main__":
    m = es.Model.from_yaml({str(tmp_path / 'model.yaml')!r})
    with MPIPoolExecutor() as ex:
        df = es.sweep(m, {{"units.production.servers": [3, 4], "links.purchase->produce.defect": [0.0, 0.05]}},
                      replications=4, seed=7, executor=ex)
    df.to_pickle({str(tmp_path / 'py.pkl')!r})
""")
    env = dict(os.environ, **MPI_ENV)
    p = subprocess.run(["timeout", "180", mpiexec, "-n", "3", sys.executable, "-m", "mpi4py.futures", str(script)],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    py = pd.read_pickle(tmp_path / "py.pkl")
    with h5py.File(cli) as f:
        for i, pid in enumerate(["p0000", "p0001", "p0002", "p0003"]):
            s = h5_point(f, pid, "summary").set_index("kpi")
            rows = py.iloc[i * len(s):(i + 1) * len(s)].set_index("kpi")
            np.testing.assert_array_equal(rows.loc[s.index, "mean"].to_numpy(dtype=float), s["mean"].to_numpy())


def test_slurm_tasks_without_mpi_are_refused(tmp_path):
    sweep = small_sweep(tmp_path)
    for procid, says in [("0", True), ("1", False)]:
        env = dict(os.environ, SLURM_NTASKS="2", SLURM_PROCID=procid)
        p = subprocess.run([BIN, "sweep", str(sweep), "-o", str(tmp_path / "x.h5")], capture_output=True, text=True, env=env)
        assert p.returncode == 2
        assert ("not one MPI job" in p.stderr) == says  # one message, from task 0
    assert not (tmp_path / "x.h5").exists()
