"""The catalogue of bad inputs (tests/bad_inputs/; its README says how to add a case). Every case runs in a
directory of its own holding only its input and the fixtures, and must end as its header says (an exit code
or a Python exception, with message fragments), without crashing (no signal, no Traceback from the
command), without hanging (a deadline per case), and without writing or changing anything there.
The cases run two at a time, each in a process of its own; each test then checks one case's outcome.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path

import pytest

from conftest import BIN, PY, ROOT

CATALOGUE = ROOT / "tests" / "bad_inputs"
FIXTURES = CATALOGUE / "fixtures"
TIMEOUT = 30.0    # seconds a case may take unless its header says otherwise; only a hang reaches it
STARTUP = 120.0   # what a Python case may take to import eslabon on a loaded machine, beside its deadline
MEMORY = 2 << 30  # address space of a case: one that would take the machine's memory fails instead
KEYS = {"args", "python", "exit", "raises", "message", "absent", "xfail", "name", "encode", "append", "timeout",
        "fsize", "fifo"}
REPEATED = {"message", "absent", "python"}


@dataclass
class Case:
    path: Path
    header: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.path.relative_to(CATALOGUE).with_suffix("").as_posix()


def read_case(path: Path) -> Case:
    """The `#! key: value` lines at the top of a case file (ASCII, whatever the encoding of the rest)."""
    case = Case(path)
    for raw in path.read_bytes().splitlines():
        if not raw.startswith(b"#! "):
            break
        key, sep, value = raw[3:].decode("utf-8").partition(": ")
        assert sep and key in KEYS, f"{path}: header line {raw!r}: expected '#! KEY: VALUE', KEY one of {sorted(KEYS)}"
        if key in REPEATED:
            case.header.setdefault(key, []).append(value)
        else:
            assert key not in case.header, f"{path}: '{key}' given twice"
            case.header[key] = value
    h = case.header
    assert ("args" in h) != ("python" in h), f"{path}: expected exactly one of '#! args:' and '#! python:'"
    assert ("exit" in h) == ("args" in h) and ("raises" in h) == ("python" in h), \
        f"{path}: a command case says '#! exit:', a Python case '#! raises:'"
    return case


def all_cases() -> list[Case]:
    return [read_case(p) for p in sorted(CATALOGUE.rglob("*"))
            if p.is_file() and FIXTURES not in p.parents and p.name != "README.md"]


def fragment(text: str) -> str:
    r"""A message fragment as written in a header, with \xHH standing for that character."""
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)


def input_bytes(case: Case) -> bytes:
    """The case file after its header (so that line numbers count from the first line after it)."""
    lines = case.path.read_bytes().splitlines(keepends=True)
    data = b"".join(lines[sum(1 for _ in takewhile(lambda line: line.startswith(b"#! "), lines)):])
    if "encode" in case.header:
        data = data.decode("utf-8").encode(case.header["encode"])
    if "append" in case.header:  # a Python expression, for inputs too large or too odd to commit
        data += str(eval(case.header["append"], {"__builtins__": {}})).encode("utf-8")
    return data


def snapshot(directory: Path) -> dict:
    """Every entry below `directory` (hidden ones too) with a digest of its bytes, or what it is."""
    def what(p: Path) -> str:
        if p.is_symlink() or not p.is_file():
            return "link" if p.is_symlink() else "fifo" if p.is_fifo() else "dir" if p.is_dir() else "other"
        return hashlib.sha256(p.read_bytes()).hexdigest()
    return {p.relative_to(directory).as_posix(): what(p) for p in sorted(directory.rglob("*"))}


# A Python case runs in a process of its own (a hang or a crash must not take pytest with it) and
# reports the exception it raised, by the names of its classes. Its deadline starts once eslabon is
# imported: faulthandler's watchdog ends the process even if the call never releases the GIL.
DRIVER = r"""
import faulthandler, json, os, sys
ns = {"INPUT": sys.argv[1], "DIR": os.getcwd()}
try:
    import eslabon as es
    ns["es"] = es
    faulthandler.dump_traceback_later(float(sys.argv[3]), exit=True)
    exec(compile(sys.argv[2], "<case>", "exec"), ns)
except BaseException as e:
    out = {"raised": [c.__name__ for c in type(e).__mro__], "message": str(e)}
else:
    out = {"raised": None, "message": ""}
faulthandler.cancel_dump_traceback_later()
sys.stdout.write("\n@@case@@" + json.dumps(out))
"""


@dataclass
class Outcome:
    returncode: int | None  # None: still running at the deadline (killed)
    out: str
    err: str
    changed: bool           # the case's directory differs from what it was given


def run_case(case: Case, base: Path) -> Outcome:
    h = case.header
    work = Path(tempfile.mkdtemp(prefix="case-", dir=base)) / "work"
    work.mkdir()
    for f in FIXTURES.iterdir():
        shutil.copy(f, work / f.name)
    name = h.get("name", "input.yaml")
    (work / name).write_bytes(input_bytes(case))
    if "fifo" in h:  # a named pipe: an output that is not a regular file, safer to aim at than /dev/null
        os.mkfifo(work / h["fifo"])
    before = snapshot(work)
    timeout = float(h.get("timeout", TIMEOUT))
    if "args" in h:
        argv = [BIN, *(a.replace("{input}", name).replace("{dir}", str(work)) for a in shlex.split(h["args"]))]
    else:
        argv = [PY, "-c", DRIVER, name, "\n".join(h["python"]), str(timeout)]
        timeout += STARTUP
    # Bounded memory; with `fsize`, files of at most that many bytes, SIGXFSZ left ignored (as Python
    # ignores it) so that a write past it fails with EFBIG, as on a full file system.
    limits = [f"--as={MEMORY}"] + ([f"--fsize={h['fsize']}"] if "fsize" in h else [])
    try:
        p = subprocess.run(["prlimit", *limits, "--", *argv], cwd=work, capture_output=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, restore_signals="fsize" not in h)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        code, out, err = None, e.stdout or b"", e.stderr or b""
    decode = lambda b: b.decode("utf-8", "backslashreplace")  # noqa: E731
    return Outcome(code, decode(out), decode(err), snapshot(work) != before)


CASES = all_cases()


@pytest.fixture(scope="session")
def outcomes(request, tmp_path_factory) -> dict:
    """Every selected case run, two at a time: {case id: Outcome}."""
    chosen = [item.callspec.params["case"] for item in request.session.items
              if getattr(item, "originalname", None) == "test_bad_input"]
    base = tmp_path_factory.mktemp("bad_inputs")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {c.id: pool.submit(run_case, c, base) for c in chosen}
        return {k: f.result() for k, f in futures.items()}


def params() -> list:
    marks = lambda c: [pytest.mark.xfail(strict=True, reason=c.header["xfail"])] if "xfail" in c.header else []  # noqa: E731
    return [pytest.param(c, id=c.id, marks=marks(c)) for c in CASES]


@pytest.mark.parametrize("case", params())
def test_bad_input(case: Case, outcomes):
    h, o = case.header, outcomes[case.id]
    shown = f"\nexit {o.returncode}\nstdout:\n{o.out[:3000]}\nstderr:\n{o.err[:3000]}"
    assert o.returncode is not None, f"no end after {h.get('timeout', TIMEOUT)} s (a hang)" + shown
    assert o.returncode >= 0, f"killed by signal {-o.returncode}" + shown
    if "args" in h:
        assert "Traceback" not in o.err, shown
        assert o.returncode == int(h["exit"]), shown
        said = o.out + o.err
    else:
        assert "@@case@@" in o.out, "the Python case did not finish (past its deadline, or crashed)" + shown
        result = json.loads(o.out.rsplit("@@case@@", 1)[1])
        said, raised = result["message"], result["raised"]
        if h["raises"] == "nothing":
            assert raised is None, f"raised {raised and raised[0]}: {said}"
        else:
            assert raised and h["raises"] in raised, f"expected {h['raises']}, got {raised and raised[0]}: {said}"
    for m in h.get("message", []):
        assert fragment(m) in said, f"expected {fragment(m)!r} in the message" + shown
    for m in h.get("absent", []):
        assert fragment(m) not in said, f"{fragment(m)!r} should not be in the message" + shown
    assert not o.changed, "the case wrote or changed files in its directory" + shown


def test_the_catalogue_covers_every_kind_of_input():
    assert len(CASES) >= 60
    assert {c.id.split("/")[0] for c in CASES} == {"config", "sweep", "cli", "python"}
    assert any("exit" in c.header and c.header["exit"] == "0" for c in CASES)  # valid inputs too (unicode)
