"""Signals, for real (README "Running a model": exit codes; "Sweeps from config files": what a stopped
sweep keeps): SIGINT and SIGTERM stop `eslabon run` with nothing written and `eslabon sweep` with only
complete pairs kept; SIGKILL at any moment leaves an existing results file as it was.

Each test waits until the command is demonstrably at work (CPU time used, a pair in the journal, a
temporary file on disk), never a fixed time. To signal a sweep or a write at a known point, the test
freezes the process with SIGSTOP, looks, then sends the signal (kept pending) and SIGCONT.
"""
from __future__ import annotations

import json
import signal
from pathlib import Path

import h5py
import pytest

from conftest import BIN, h5_equal, run, started, wait_until, wait_until_working

STOP = 20.0  # seconds a signalled command may take to end; the design goal is well under a second
EXIT = {"SIGINT": 130, "SIGTERM": 143}  # 128 + the signal's number, as a shell reports it

MODEL = """name: tiny
run: {{horizon: {horizon}, warmup: 20, replications: 2, seed: 1}}
units:
  desk: {{servers: 2}}
flows:
  order:
    arrivals: {{poisson: 1.0}}
    tasks:
      handle: {{unit: desk, service: {{exponential: {{mean: 1.0}}}}}}
"""
POINTS, REPLICATIONS = 3, 4
SWEEP = f"model: model.yaml\nreplications: {REPLICATIONS}\nseed: 3\ngrid:\n  units.desk.servers: [2, 3, 4]\n"


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def frozen(proc) -> None:
    """Stop `proc` where it is (SIGSTOP): it does nothing more until thawed."""
    proc.send_signal(signal.SIGSTOP)
    wait_until(lambda: Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "Tt",
               "the process stopped")


def thawed_with(proc, sig: int) -> None:
    """Send `sig` to a frozen `proc` (it stays pending), then let it run: it meets the signal at once."""
    proc.send_signal(sig)
    proc.send_signal(signal.SIGCONT)


# --------------------------------------------------------------------------------------------
# eslabon run
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_run_stops_at_the_signal_and_writes_nothing(tmp_path, sig):
    (tmp_path / "model.yaml").write_text(MODEL.format(horizon="1e9"))  # runs until stopped
    with started([BIN, "run", "model.yaml", "-o", "out.h5", "--threads", "1"], cwd=tmp_path) as proc:
        wait_until_working(proc, what="the run")  # the signal during the run, not before its handler is set
        proc.send_signal(getattr(signal, sig))
        _, err = proc.communicate(timeout=STOP)
    assert proc.returncode == EXIT[sig], err
    assert "eslabon: interrupted; nothing written" in err
    assert names(tmp_path) == ["model.yaml"]  # no out.h5, no temporary file


# --------------------------------------------------------------------------------------------
# eslabon sweep
# --------------------------------------------------------------------------------------------

def journal_pairs(journal: Path) -> set[int]:
    """The pairs a sweep's journal holds (its first line names the sweep; a line cut short is no pair)."""
    if not journal.exists():
        return set()
    pairs = set()
    for line in journal.read_text().splitlines()[1:]:
        try:
            pairs.add(json.loads(line)["pair"])
        except ValueError:
            pass
    return pairs


def sweep_dir(directory: Path) -> Path:
    (directory / "model.yaml").write_text(MODEL.format(horizon=100000))  # a pair: ~0.1 s
    (directory / "sweep.yaml").write_text(SWEEP)
    return directory


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    """The sweep run without interruption."""
    d = sweep_dir(tmp_path_factory.mktemp("whole"))
    run("sweep", "sweep.yaml", "-o", "whole.h5", "--threads", "1", check=True, cwd=d)
    return d / "whole.h5"


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_stopped_sweep_keeps_complete_pairs_and_resumes_to_the_same_file(tmp_path, whole, sig):
    sweep_dir(tmp_path)
    out, journal = tmp_path / "out.h5", tmp_path / "out.h5.journal"
    with started([BIN, "sweep", "sweep.yaml", "-o", "out.h5", "--threads", "1"], cwd=tmp_path) as proc:
        # One thread runs the pairs in order: past REPLICATIONS pairs, the first point is complete.
        wait_until(lambda: len(journal_pairs(journal)) > REPLICATIONS, "a complete point in the journal", proc=proc)
        frozen(proc)
        assert len(journal_pairs(journal)) < POINTS * REPLICATIONS  # stopped half-way
        thawed_with(proc, getattr(signal, sig))
        _, err = proc.communicate(timeout=STOP)
    assert proc.returncode == EXIT[sig], err
    assert "interrupted; finished pairs are kept (run again with --resume)" in err
    # Only complete pairs are kept, and the file and the journal agree: the file holds exactly the
    # points whose every replication the journal holds, each as the uninterrupted sweep has it.
    done = journal_pairs(journal)
    complete = {f"p{p:04d}" for p in range(POINTS) if all(p * REPLICATIONS + r in done for r in range(REPLICATIONS))}
    assert complete, done  # so that the bit-for-bit comparison below compares something
    with h5py.File(out) as f, h5py.File(whole) as w:
        assert f.attrs["complete"] == 0
        stored = set(f["points"]) if "points" in f else set()
        assert stored == complete
        ids = [x.decode() for x in f["scenarios"]["id"]]
        assert {i for i, c in zip(ids, f["scenarios"]["complete"]) if c} == complete
        for pid in complete:
            for table in f["points"][pid]:
                assert f["points"][pid][table][()].tobytes() == w["points"][pid][table][()].tobytes(), (pid, table)
    assert names(tmp_path) == ["model.yaml", "out.h5", "out.h5.journal", "sweep.yaml"]  # no .part, no temp file
    p = run("sweep", "sweep.yaml", "-o", "out.h5", "--threads", "1", "--resume", check=True, cwd=tmp_path)
    assert f"resumed: {len(done)} pair" in p.stderr
    h5_equal(whole, out)  # bit for bit but `created`
    assert names(tmp_path) == ["model.yaml", "out.h5", "sweep.yaml"]


# --------------------------------------------------------------------------------------------
# SIGKILL never damages an existing results file
# --------------------------------------------------------------------------------------------

def temporaries(directory: Path) -> list[Path]:
    return sorted(directory.glob(".out.h5.tmp-*"))


def old_results(directory: Path) -> bytes:
    """out.h5 from a short run, which the killed run was about to replace."""
    (directory / "old.yaml").write_text(MODEL.format(horizon=200))
    run("run", "old.yaml", "-o", "out.h5", check=True, cwd=directory)
    (directory / "model.yaml").write_text(MODEL.format(horizon=200000))  # writes ~11 MB of orders
    return (directory / "out.h5").read_bytes()


# Where the kill lands: in the simulation; as the temporary file is created; half-way through writing it.
KILL_AT = {
    "simulating": lambda proc, d: wait_until_working(proc, 0.2, "the simulation"),
    "file created": lambda proc, d: wait_until(lambda: temporaries(d), "the temporary file", proc=proc),
    "file half written": lambda proc, d: wait_until(lambda: any(t.stat().st_size > 1 << 20 for t in temporaries(d)),
                                                    "a temporary file of 1 MB", proc=proc),
}


@pytest.mark.parametrize("when", list(KILL_AT))
def test_sigkill_leaves_the_existing_results_file_as_it_was(tmp_path, when):
    before = old_results(tmp_path)
    with started([BIN, "run", "model.yaml", "-o", "out.h5", "--orders", "--threads", "1"], cwd=tmp_path) as proc:
        KILL_AT[when](proc, tmp_path)
        frozen(proc)
        if when != "simulating":  # frozen while its temporary file is there: the rename is still to come
            assert temporaries(tmp_path), "the write was over before the kill: make the run longer"
        thawed_with(proc, signal.SIGKILL)
        proc.communicate(timeout=STOP)
    assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / "out.h5").read_bytes() == before
    with h5py.File(tmp_path / "out.h5") as f:  # and still readable
        assert f.attrs["seed"] == 1


def test_sigkill_during_a_sweep_leaves_the_existing_results_file_as_it_was(tmp_path):
    sweep_dir(tmp_path)
    (tmp_path / "sweep.yaml").write_text(SWEEP.replace("seed: 3", "seed: 4"))
    run("sweep", "sweep.yaml", "-o", "out.h5", "--threads", "1", check=True, cwd=tmp_path)
    before = (tmp_path / "out.h5").read_bytes()
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    journal = tmp_path / "out.h5.journal"
    with started([BIN, "sweep", "sweep.yaml", "-o", "out.h5", "--threads", "1"], cwd=tmp_path) as proc:
        wait_until(lambda: len(journal_pairs(journal)) > REPLICATIONS, "a complete point in the journal", proc=proc)
        frozen(proc)
        assert len(journal_pairs(journal)) < POINTS * REPLICATIONS, "the sweep was over before the kill"
        thawed_with(proc, signal.SIGKILL)
        proc.communicate(timeout=STOP)
    assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / "out.h5").read_bytes() == before


def test_the_next_run_removes_what_sigkill_left(tmp_path):
    old_results(tmp_path)
    with started([BIN, "run", "model.yaml", "-o", "out.h5", "--orders", "--threads", "1"], cwd=tmp_path) as proc:
        KILL_AT["file created"](proc, tmp_path)
        frozen(proc)
        assert temporaries(tmp_path)
        thawed_with(proc, signal.SIGKILL)
        proc.communicate(timeout=STOP)
    run("run", "old.yaml", "-o", "out.h5", check=True, cwd=tmp_path)
    assert temporaries(tmp_path) == []
