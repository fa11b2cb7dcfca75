"""Where results may be written (README "Where results may be written").

Every writer, of the CLI and of Python, checks its target by one function before any work: a device or
other special file, a directory, an input of the run, a missing or unwritable directory, a name too long
for the file system and a directory of /proc or /sys are refused with exit 2 (a ConfigError naming the
argument in Python, also the OSError Python raises for that errno), nothing written, nothing touched. A
full file system ends with exit 1 (an OSError, ENOSPC, in Python) and no temporary file, and the
temporary files of processes killed while writing are removed by the next writer of the same output.
"""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import BIN, PY, ROOT, WEAK, edited, run, started, wait_until

import eslabon as es

MODEL = edited(WEAK, ("run: {horizon: 20000, warmup: 2000, replications: 10,", "run: {horizon: 300, warmup: 30, replications: 2,"))
SWEEP = "model: model.yaml\nreplications: 2\nseed: 3\ngrid:\n  units.production.servers: [3, 4]\n"
SPEC = textwrap.dedent("""\
    model: model.yaml
    method: morris
    parameters:
      units.production.servers: [3, 6]
    kpis: [lead_time_mean]
    samples: {morris: 2}
    replications: 1
    bootstrap: 10
    """)


def _mount_tmpfs(directory: Path, options: str) -> str:
    """Mounts a tmpfs on `directory`; "" on success, else why it could not."""
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(directory)], capture_output=True, text=True)
    return "" if p.returncode == 0 else f"cannot mount a tmpfs here: {p.stderr.strip()}"


def _umount(directory: Path) -> None:
    subprocess.run(["umount", str(directory)], capture_output=True)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """A directory with a model, a sweep and its two shards, a run file with an event log, a sensitivity
    spec, and the bad targets: a FIFO, a directory, a plain file, an unwritable directory."""
    d = tmp_path_factory.mktemp("safety")
    (d / "model.yaml").write_text(MODEL)
    (d / "sweep.yaml").write_text(SWEEP)
    (d / "sens.yaml").write_text(SPEC)
    run("run", d / "model.yaml", "--events", "-o", d / "run.h5", check=True)
    for i in (0, 1):
        run("sweep", d / "sweep.yaml", "--shard", f"{i}/2", "-o", d / f"s{i}.h5", check=True)
    os.mkfifo(d / "fifo.h5")
    os.mkfifo(d / "fifo.svg")
    (d / "adir.h5").mkdir()
    (d / "adir.svg").mkdir()
    (d / "afile").write_text("x")
    ro = d / "ro"
    ro.mkdir()
    why = ""
    if os.geteuid() == 0:  # root writes anywhere permissions say no: a read-only file system then
        why = _mount_tmpfs(ro, "ro,size=64k")
    else:
        ro.chmod(0o555)
    yield d, why
    if os.geteuid() == 0 and not why:
        _umount(ro)
    else:
        ro.chmod(0o755)


def _listing(d: Path) -> dict[str, tuple[int, int]]:
    """Every file under `d` with its size and modification time: what a refusal must leave as it was."""
    out = {}
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = Path(root) / name
            st = p.lstat()
            out[str(p.relative_to(d))] = (st.st_size, st.st_mtime_ns)
    return out


# The bad targets, by kind: (path, a fragment of the message, the OSError class Python also raises).
def _targets(d: Path, suffix: str) -> dict[str, tuple[str, str, type | None]]:
    return {
        "special file": (str(d / f"fifo{suffix}"), "found a device, socket or pipe", None),
        "directory": (str(d / f"adir{suffix}"), "found a directory", IsADirectoryError),
        "missing directory": (str(d / "no" / f"x{suffix}"), f"found no directory {d / 'no'}", FileNotFoundError),
        "name too long": (str(d / ("x" * 250 + suffix)), "expected a file name of at most", OSError),
        "/proc": (f"/proc/x{suffix}", "expected a directory of an ordinary file system, found /proc on proc", None),
        "unwritable directory": (str(d / "ro" / f"x{suffix}"), "expected a writable directory", OSError),
    }


def _dir_targets(d: Path) -> dict[str, tuple[str, str, type | None]]:
    """The bad targets of an output directory (--csv, to_csv): an existing directory is a good one."""
    t = _targets(d, "")
    t["special file"] = (str(d / "fifo.h5"), "expected a directory (or a new name), found a device", NotADirectoryError)
    t["directory"] = (str(d / "afile"), "expected a directory (or a new name), found a file", NotADirectoryError)
    t["missing directory"] = (str(d / "no" / "x"), f"found no directory {d / 'no'}", FileNotFoundError)
    t["name too long"] = (str(d / ("x" * 250)), "expected a directory name of at most", OSError)
    return t


KINDS = list(_targets(Path("/"), ""))


def _skip_unwritable(kind: str, why: str) -> None:
    if kind == "unwritable directory" and why:
        pytest.skip(why)


# --- the CLI -------------------------------------------------------------------------------------
# Each writer: its arguments for a target T, and the inputs of that run it must not replace.
CLI = {
    "run -o": (lambda d, t: ["run", d / "model.yaml", "-o", t], ["model.yaml"]),
    "run --xlsx": (lambda d, t: ["run", d / "model.yaml", "--xlsx", t], ["model.yaml"]),
    "sweep -o": (lambda d, t: ["sweep", d / "sweep.yaml", "-o", t], ["model.yaml", "sweep.yaml"]),
    "sweep --xlsx": (lambda d, t: ["sweep", d / "sweep.yaml", "-o", d / "new.h5", "--xlsx", t], ["model.yaml"]),
    "merge -o": (lambda d, t: ["merge", d / "s0.h5", d / "s1.h5", "-o", t], ["s0.h5", "s1.h5"]),
}
# The commands written in Python, run in this process as the binary runs them (python -m eslabon).
PY_CLI = {
    "export --xes": (lambda d, t: ["export", d / "run.h5", "--xes", t], ["run.h5"], ".h5"),
    "export --ocel": (lambda d, t: ["export", d / "run.h5", "--ocel", t], ["run.h5"], ".h5"),
    "report -o": (lambda d, t: ["report", d / "run.h5", "-o", t], ["run.h5"], ".h5"),
    "sensitivity -o": (lambda d, t: ["sensitivity", d / "sens.yaml", "-o", t], ["sens.yaml", "model.yaml"], ".h5"),
    "graph -o": (lambda d, t: ["graph", d / "model.yaml", "-o", t], [], ".svg"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("writer", CLI)
def test_the_cli_refuses_bad_targets_before_any_work(work, writer, kind):
    d, why = work
    _skip_unwritable(kind, why)
    target, message, _ = _targets(d, ".h5")[kind]
    before = _listing(d)
    p = run(*CLI[writer][0](d, target))
    assert p.returncode == 2, (writer, kind, p.stderr)
    flag = writer.split()[1]
    assert f"{flag} {target}: expected" in p.stderr and message in p.stderr, p.stderr
    assert p.stdout == ""  # nothing run, nothing printed
    assert _listing(d) == before


@pytest.mark.parametrize("writer", CLI)
def test_the_cli_refuses_to_replace_an_input_of_the_run(work, writer):
    d, _ = work
    for name in CLI[writer][1]:
        before = _listing(d)
        p = run(*CLI[writer][0](d, d / name))
        assert p.returncode == 2 and "expected an output file, found " in p.stderr, (name, p.stderr)
        assert _listing(d) == before


def test_the_cli_refuses_dev_null_and_two_outputs_on_one_file(work):
    d, _ = work
    for args in (["run", d / "model.yaml", "-o", "/dev/null"], ["sweep", d / "sweep.yaml", "-o", "/dev/null"]):
        p = run(*args)
        assert p.returncode == 2 and "-o /dev/null: expected a regular file (or a new name), found a device" in p.stderr
    assert Path("/dev/null").is_char_device()
    p = run("run", d / "model.yaml", "-o", d / "same.h5", "--xlsx", d / "same.h5")
    assert p.returncode == 2 and "expected an output file, found the file given to -o" in p.stderr
    assert not (d / "same.h5").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_csv_directories_follow_the_same_rules(work, kind):
    d, why = work
    _skip_unwritable(kind, why)
    target, message, _ = _dir_targets(d)[kind]
    before = _listing(d)
    p = run("run", d / "model.yaml", "--csv", target)
    assert p.returncode == 2 and f"--csv {target}: expected" in p.stderr and message in p.stderr, p.stderr
    assert _listing(d) == before


@pytest.mark.parametrize("kind", KINDS + ["own input"])
@pytest.mark.parametrize("writer", PY_CLI)
def test_the_python_commands_refuse_bad_targets(work, writer, kind, capsys):
    from eslabon.__main__ import main

    d, why = work
    _skip_unwritable(kind, why)
    args, inputs, suffix = PY_CLI[writer]
    if kind == "own input":
        if not inputs:
            pytest.skip(f"{writer} takes a config only, and requires an image's extension of its output")
        targets = [(str(d / name), "expected an output file, found ") for name in inputs]
    else:
        target, message, _ = _targets(d, ".svg" if writer == "graph -o" else suffix)[kind]
        targets = [(target, message)]
    for target, message in targets:
        before = _listing(d)
        assert main([str(a) for a in args(d, target)]) == 2, (writer, kind)
        err = capsys.readouterr().err
        assert f"{writer.split()[1]} {target}: expected" in err and message in err, err
        assert _listing(d) == before


# --- Python ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def results(work):
    d, _ = work
    return {"run": es.Model.from_yaml(d / "model.yaml").run(replications=1, events=True),
            "stored": es.read_hdf5(d / "run.h5"), "sweep": es.read_hdf5(d / "s0.h5")}


# Each writer: a call writing to T, and the inputs it must not replace.
PYTHON = {
    "Result.to_hdf5": (lambda d, r, t: r["run"].to_hdf5(t), ["model.yaml"]),
    "Result.to_excel": (lambda d, r, t: r["run"].to_excel(t), ["model.yaml"]),
    "Result.to_xes": (lambda d, r, t: r["run"].to_xes(t), ["model.yaml"]),
    "StoredResult.to_ocel": (lambda d, r, t: r["stored"].to_ocel(t), ["run.h5"]),
    "StoredResult.to_excel": (lambda d, r, t: r["stored"].to_excel(t), ["run.h5"]),
    "Result.report": (lambda d, r, t: r["run"].report(t, rank=False), ["model.yaml"]),
    "StoredSweep.report": (lambda d, r, t: r["sweep"].report(t), ["s0.h5"]),
    "StoredSweep.to_excel": (lambda d, r, t: r["sweep"].to_excel(t), ["s0.h5"]),
    "run_sweep": (lambda d, r, t: es.run_sweep(d / "sweep.yaml", t), ["model.yaml", "sweep.yaml"]),
    "merge_shards": (lambda d, r, t: es.merge_shards([d / "s0.h5", d / "s1.h5"], t), ["s0.h5"]),
    "Graph.save": (lambda d, r, t: es.Model.from_yaml(d / "model.yaml").graph(r["stored"]).save(t),
                   ["model.yaml", "run.h5"]),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("writer", PYTHON)
def test_python_refuses_bad_targets_as_the_cli_does(work, results, writer, kind):
    d, why = work
    _skip_unwritable(kind, why)
    target, message, oserror = _targets(d, ".h5")[kind]
    argument = "out" if writer in ("run_sweep", "merge_shards") else "path"
    before = _listing(d)
    with pytest.raises(es.ConfigError) as e:
        PYTHON[writer][0](d, results, target)
    assert str(e.value).startswith(f"{argument}={target}: expected") and message in str(e.value), str(e.value)
    if oserror is None:
        assert not isinstance(e.value, OSError)
    else:  # what open(target, "w") would raise
        assert isinstance(e.value, oserror) and e.value.errno and e.value.filename == target
    assert _listing(d) == before


@pytest.mark.parametrize("writer", PYTHON)
def test_python_refuses_to_replace_an_input(work, results, writer):
    d, _ = work
    for name in PYTHON[writer][1]:
        before = _listing(d)
        with pytest.raises(es.ConfigError, match="expected an output file, found "):
            PYTHON[writer][0](d, results, d / name)
        assert _listing(d) == before


def test_to_hdf5_refuses_what_the_issue_found(work, results, tmp_path):
    """r.to_hdf5('/dev/null') replaced the device with a file, r.to_hdf5('cfg.yaml') overwrote the
    config, r.to_hdf5('/tmp') wrote /.tmp.tmp-PID."""
    d, _ = work
    r = results["run"]
    with pytest.raises(es.ConfigError, match="path=/dev/null: expected a regular file .*found a device"):
        r.to_hdf5("/dev/null")
    assert Path("/dev/null").is_char_device()
    with pytest.raises(es.ConfigError, match="found the config file itself"):
        r.to_hdf5(d / "model.yaml")
    assert (d / "model.yaml").read_text() == MODEL
    with pytest.raises(IsADirectoryError, match="path=/tmp: expected a regular file .*found a directory"):
        r.to_hdf5("/tmp")
    assert not Path("/.tmp.tmp-%d" % os.getpid()).exists()
    with pytest.raises(TypeError, match="path: expected a str or os.PathLike, got int"):
        r.to_hdf5(3)
    r.to_hdf5(tmp_path / "ok.h5")  # and a good path is written
    assert es.read_hdf5(tmp_path / "ok.h5").summary().shape[0] > 0


@pytest.mark.parametrize("kind", KINDS)
def test_to_csv_refuses_bad_directories(work, results, kind):
    d, why = work
    _skip_unwritable(kind, why)
    target, message, oserror = _dir_targets(d)[kind]
    before = _listing(d)
    for writer in (results["run"], results["stored"], results["sweep"]):
        with pytest.raises(es.ConfigError) as e:
            writer.to_csv(target)
        assert str(e.value).startswith(f"path={target}: expected") and message in str(e.value), str(e.value)
        assert isinstance(e.value, oserror) if oserror else not isinstance(e.value, OSError)
    assert _listing(d) == before


# --- a full file system ------------------------------------------------------------------------------
@pytest.fixture
def full(tmp_path):
    """A 256 KiB tmpfs (skipped, with the reason, where none can be mounted)."""
    d = tmp_path / "full"
    d.mkdir()
    why = _mount_tmpfs(d, "size=256k")
    if why:
        pytest.skip(why)
    yield d
    _umount(d)


def _fill(directory: Path, leave: int) -> None:
    """Fills the file system of `directory` but `leave` bytes (a file of zeros)."""
    st = os.statvfs(directory)
    (directory / "filler").write_bytes(bytes(max(0, st.f_bavail * st.f_frsize - leave)))


def test_a_full_file_system_ends_the_cli_with_exit_1_and_leaves_nothing(work, full):
    d, _ = work
    for args, leave in ((["run", d / "model.yaml", "--orders", "--horizon", "3000", "-o", full / "x.h5"], None),
                        (["run", d / "model.yaml", "--orders", "--horizon", "3000", "--xlsx", full / "x.xlsx"], None),
                        (["run", d / "model.yaml", "--orders", "--horizon", "3000", "--csv", full / "csv"], None),
                        (["sweep", d / "sweep.yaml", "-o", full / "s.h5"], 40 << 10),  # the file fills it
                        (["sweep", d / "sweep.yaml", "-o", full / "s.h5"], 8 << 10)):  # the journal fills it
        if leave is not None:
            _fill(full, leave)
        p = run(*args)
        assert p.returncode == 1, (args, p.returncode, p.stderr)  # not a crash (-11: SIGSEGV)
        assert "No space left on device" in p.stderr or "no space" in p.stderr.lower(), p.stderr
        left = [n for n in os.listdir(full) if not n.endswith(".journal") and n != "filler"]
        assert left == [], (args, left)
        for n in os.listdir(full):
            os.unlink(full / n)  # a sweep's journal, kept for --resume


def test_a_full_file_system_raises_oserror_in_python_and_the_process_lives_on(work, full, tmp_path):
    d, _ = work
    script = textwrap.dedent(f"""
        import errno, os, eslabon as es
        r = es.Model.from_yaml({str(d / 'model.yaml')!r}).with_changes({{"run.horizon": 3000}}).run(replications=2, orders=True)
        try:
            r.to_hdf5({str(full / 'x.h5')!r})
        except OSError as e:
            print("errno", errno.errorcode[e.errno], "|", e)
        print("left", sorted(os.listdir({str(full)!r})))
        r.to_hdf5({str(tmp_path / 'ok.h5')!r})
        print("written", es.read_hdf5({str(tmp_path / 'ok.h5')!r}).orders.shape[0] > 0)
        """)
    p = subprocess.run([PY, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert p.returncode == 0, p.stderr  # HDF5 closed the failed file cleanly: no crash, even at exit
    assert "errno ENOSPC | [Errno 28]" in p.stdout and "No space left on device" in p.stdout, p.stdout
    assert "left []" in p.stdout and "written True" in p.stdout, p.stdout


# --- temporary files of killed writers --------------------------------------------------------------
def _dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def _debris(directory: Path, name: str) -> tuple[list[str], list[str]]:
    """Temporary files as a killed writer of `directory/name` leaves them (a dead process's, and an earlier
    version's .part), and those that must stay (a live process's: PID 1; another output's)."""
    dead = _dead_pid()
    stale = [f".{name}.tmp-{dead}", f".{name}.part"]
    alive = [f".{name}.tmp-1", f".other.h5.tmp-{dead}"]
    for n in stale + alive:
        (directory / n).write_bytes(b"half a file")
    return stale, alive


def _hidden(directory: Path) -> list[str]:
    return sorted(n for n in os.listdir(directory) if n.startswith("."))


WRITERS_OF = {
    "run -o": lambda d, o: run("run", d / "model.yaml", "-o", o, check=True),
    "sweep -o": lambda d, o: run("sweep", d / "sweep.yaml", "-o", o, check=True),
    "sweep --resume": lambda d, o: run("sweep", d / "sweep.yaml", "-o", o, "--resume", check=True),
    "merge -o": lambda d, o: run("merge", d / "s0.h5", d / "s1.h5", "-o", o, check=True),
    "run --xlsx": lambda d, o: run("run", d / "model.yaml", "--xlsx", o, check=True),
    "Result.to_hdf5": lambda d, o: es.Model.from_yaml(d / "model.yaml").run(replications=1).to_hdf5(o),
    "StoredResult.report": lambda d, o: es.read_hdf5(d / "run.h5").report(o, rank=False),
    "StoredResult.to_xes": lambda d, o: es.read_hdf5(d / "run.h5").to_xes(o),
}


@pytest.mark.parametrize("writer", WRITERS_OF)
def test_the_next_writer_of_an_output_removes_stale_temporaries(work, writer, tmp_path):
    d, _ = work
    out = tmp_path / "out.h5"
    stale, alive = _debris(tmp_path, "out.h5")
    WRITERS_OF[writer](d, out)
    assert out.exists()
    assert _hidden(tmp_path) == sorted(alive), writer


def test_csv_writers_remove_their_stale_temporaries(work, tmp_path):
    d, _ = work
    dead = _dead_pid()
    (tmp_path / f".out.tmp-{dead}").mkdir()  # a new DIR being built
    (tmp_path / f".out.tmp-{dead}" / "summary.csv").write_text("half")
    run("run", d / "model.yaml", "--csv", tmp_path / "out", check=True)
    assert _hidden(tmp_path) == []
    (tmp_path / "out" / f".eslabon-csv.tmp-{dead}").mkdir()  # files being built inside an existing DIR
    es.read_hdf5(d / "run.h5").to_csv(tmp_path / "out")
    assert _hidden(tmp_path / "out") == []


def test_a_sweep_killed_outright_leaves_a_temporary_file_the_resume_removes(tmp_path):
    """SIGKILL while the sweep writes: its temporary file stays (nothing can remove it), and --resume of
    the same output removes it. The kill waits for the file to appear, not for a time."""
    (tmp_path / "model.yaml").write_text(edited(WEAK, ("horizon: 20000, warmup: 2000", "horizon: 2000, warmup: 200")))
    (tmp_path / "sweep.yaml").write_text("model: model.yaml\nreplications: 4\nseed: 1\n"
                                         "grid:\n  units.production.servers: [3, 4, 5, 6, 7, 8, 9, 10]\n")
    with started([BIN, "sweep", tmp_path / "sweep.yaml", "-o", tmp_path / "s.h5", "--threads", "1"]) as proc:
        wait_until(lambda: any(n.startswith(".s.h5.tmp-") for n in os.listdir(tmp_path)), "the sweep's file", proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert [n for n in _hidden(tmp_path) if n.startswith(".s.h5.tmp-")] == [f".s.h5.tmp-{proc.pid}"]
    run("sweep", tmp_path / "sweep.yaml", "-o", tmp_path / "s.h5", "--resume", "--threads", "1", check=True)
    assert _hidden(tmp_path) == [] and (tmp_path / "s.h5").exists()
