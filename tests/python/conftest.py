"""What every test module shares: where things are, running the eslabon command, configs edited into a
temporary directory, reading eslabon's HDF5 tables, and waiting for a process without guessing at time.

Test modules never import each other; they import these helpers with `from conftest import ...` (pytest
puts this directory on sys.path) and get the fixtures by name.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("ESLABON_BIN", str(ROOT / "build" / "eslabon"))
CONFIGS = ROOT / "configs"
WEAK = CONFIGS / "weak_link.yaml"
# The Python of the project (.venv sees build/python through a .pth file), for scripts run as subprocesses.
VENV_PY = ROOT / ".venv" / "bin" / "python"
PY = str(VENV_PY) if VENV_PY.exists() else sys.executable
# Open MPI as root in a container, with more ranks than cores.
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMPI_MCA_btl_vader_single_copy_mechanism": "none"}

# How long a test waits for something that normally takes well under a second (a process reaching
# its long computation, a sweep finishing its first pair, a process stopping after Ctrl-C). Only a
# hang reaches it, never a slow or loaded machine.
DEADLINE = 120.0


# --------------------------------------------------------------------------------------------
# The eslabon command
# --------------------------------------------------------------------------------------------

def run(*args, check: bool = False, **kw):
    """`eslabon ARGS...` to completion; a CompletedProcess with text stdout and stderr. `check=True`
    fails the test, showing both streams, unless it exits 0."""
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=300, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"exit {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def cli_json(*args) -> dict:
    """`eslabon ARGS... --json`, parsed."""
    return json.loads(run(*args, "--json", check=True).stdout)


# --------------------------------------------------------------------------------------------
# Configs
# --------------------------------------------------------------------------------------------

def edited(source: Path, *changes: tuple[str, str]) -> str:
    """The text of `source` with each (old, new) replaced. Fails if an `old` is not in the text, so that
    a test never silently runs the unedited config after the example it starts from has changed."""
    text = Path(source).read_text()
    for old, new in changes:
        assert old in text, f"{source} no longer contains {old!r}: update the test"
        text = text.replace(old, new)
    return text


@pytest.fixture
def config_file(tmp_path) -> Callable[..., Path]:
    """config_file(text, name="config.yaml"): `text` written to the test's temporary directory."""
    def write(text: str, name: str = "config.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


# --------------------------------------------------------------------------------------------
# HDF5 files written by eslabon
# --------------------------------------------------------------------------------------------

def h5_frame(dataset) -> pd.DataFrame:
    """A compound h5py dataset as a DataFrame, its byte-string columns decoded to str."""
    df = pd.DataFrame(dataset[:])
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].str.decode("utf-8")
    return df


def h5_point(f, pid: str, table: str) -> pd.DataFrame:
    """Table `table` of sweep point `pid` (p0000, p0001, ...) of an open `eslabon sweep` file."""
    return h5_frame(f["points"][pid][table])


def h5_sweep_tables(path) -> dict:
    """Every per-point table of an `eslabon sweep` file: {(point id, table): DataFrame}."""
    import h5py

    with h5py.File(path) as f:
        ids = [x.decode() for x in f["scenarios"]["id"]]
        return {(pid, t): h5_point(f, pid, t) for pid in ids for t in ["replications", "summary", "units", "links"]}


def h5_equal(a, b) -> str:
    """tests/cluster/h5_equal.py: every group, dataset and attribute of a and b equal, bit for bit, but /created."""
    p = subprocess.run([sys.executable, str(ROOT / "tests" / "cluster" / "h5_equal.py"), str(a), str(b),
                        "--ignore-attr", "/created"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stderr


# --------------------------------------------------------------------------------------------
# Processes: started, waited for on a condition (never for a fixed time), never left running
# --------------------------------------------------------------------------------------------

@contextmanager
def started(args, **kw) -> Iterator[subprocess.Popen]:
    """subprocess.Popen(args) with text stdout and stderr pipes, killed if the test leaves it running."""
    proc = subprocess.Popen([str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def wait_until(condition: Callable[[], bool], what: str, proc=None, deadline: float = DEADLINE) -> None:
    """Poll `condition` until it holds. Fails if `proc` (a Popen) exits first, or after `deadline` s."""
    end = time.monotonic() + deadline
    while not condition():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the process exited ({proc.returncode}) before {what}\nstdout:\n{out}\nstderr:\n{err}")
        if time.monotonic() > end:
            pytest.fail(f"no {what} after {deadline:.0f} s")
        time.sleep(0.02)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) that process `pid` has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after "pid (command)": state is field 3
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # fields 14 and 15: utime, stime


def wait_until_working(proc, cpu: float = 0.5, what: str = "its long computation") -> None:
    """Wait until `proc` has used `cpu` more seconds of CPU than when this was called: proof that it is
    inside a computation that long, however slowly the machine gives it time."""
    start = cpu_seconds(proc.pid)

    def busy() -> bool:
        try:
            return cpu_seconds(proc.pid) - start >= cpu
        except FileNotFoundError:  # gone: wait_until reports it
            return False

    wait_until(busy, f"{cpu} s of CPU in {what}", proc=proc)
