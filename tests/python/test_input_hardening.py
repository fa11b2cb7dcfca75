"""Inputs made to hurt (README "Limits"), through the command line and through Python: alias bombs,
deep nesting, several documents, other encodings, devices and oversized files, files that are not
configs, control characters in names, sweep grids too large to count, and the run limits
(run.max_wip, run.max_events, --time-limit / time_limit). Each ends quickly with a clear message: exit
2 (ConfigError) for bad input, exit 1 (RunLimitExceeded) for a run stopped by a limit, nothing
written. No test depends on how long anything takes: a hang fails by the subprocess's timeout.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import warnings
from pathlib import Path

import pytest

import eslabon as es
from conftest import BIN, DEADLINE, run

MODEL = """run: {horizon: 200, replications: 2, seed: 1}
units: {u: {servers: 1}}
flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: u, service: {exponential: {mean: 1}}}}}}
"""

# A replication that would take many minutes: only a limit ends it.
ENDLESS = """run: {horizon: 1e9, replications: 2, seed: 1}
units: {desk: {servers: 1}}
flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: desk, service: {exponential: {mean: 1}}}}}}
scenarios:
  more: {units.desk.servers: 2}
"""


def bomb(indent: str = "    ") -> str:
    """Nine levels of nine aliases: 9^9 nodes once expanded."""
    lines = [f"{indent}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        lines.append(f"{indent}a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def bad_input(*args, fragment: str) -> str:
    """`eslabon ARGS` exits 2 with `fragment` in its message; the message."""
    p = run(*args)
    assert p.returncode == 2, f"exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    assert fragment in p.stderr, p.stderr
    return p.stderr


# --- alias bombs, nesting, documents --------------------------------------------------------

@pytest.mark.parametrize("command", ["run", "check"])
def test_an_alias_bomb_in_scenarios_is_refused_at_the_alias(tmp_path, command):
    path = write(tmp_path, "bomb.yaml", MODEL + "scenarios:\n  bomb:\n" + bomb())
    err = bad_input(command, path, fragment="expected YAML aliases that repeat at most 100000 nodes in all")
    assert err.startswith(f"{path}:11:14: *a4:"), err


def test_an_alias_bomb_in_a_sweep_file_is_refused(tmp_path):
    write(tmp_path, "m.yaml", MODEL)
    sweep = write(tmp_path, "s.yaml", "model: m.yaml\ngrid: {units.u.servers: [1, 2]}\nscenarios:\n" + bomb("  "))
    bad_input("sweep", sweep, "-o", tmp_path / "out.h5", fragment=f"{sweep}:")
    assert not (tmp_path / "out.h5").exists()


def test_an_alias_bomb_in_python_is_a_config_error(tmp_path):
    path = write(tmp_path, "bomb.yaml", MODEL + "scenarios:\n  bomb:\n" + bomb())
    with pytest.raises(es.ConfigError, match=r"bomb.yaml:11:14: \*a4: expected YAML aliases"):
        es.Model.from_yaml(path)
    with pytest.raises(es.ConfigError, match="expected YAML aliases"):
        es.Model(path.read_text())


def test_a_dict_with_shared_lists_is_bounded_like_aliases():
    import yaml

    config = yaml.safe_load(MODEL)
    lol = ["lol"] * 9
    for _ in range(8):  # each level the same list nine times: what PyYAML makes of an alias bomb
        lol = [lol] * 9
    config["scenarios"] = {"bomb": {"x": lol}}
    with pytest.raises(es.ConfigError, match=r'config\["scenarios"\]\["bomb"\]\["x"\](\[\d\])+: expected dicts '
                                             r"and lists used in several places to repeat at most 100000"):
        es.Model.from_dict(config)
    shared = {"exponential": {"mean": 1}}  # a little sharing is what dicts do: fine
    ok = yaml.safe_load(MODEL.replace("{exponential: {mean: 1}}", "null"))
    ok["flows"]["f"]["tasks"]["a"]["service"] = shared
    ok["units"]["v"] = {"servers": 1}
    ok["flows"]["f"]["tasks"]["b"] = {"unit": "v", "service": shared, "after": ["a"]}
    assert es.Model.from_dict(ok).tasks == {"f": ["a", "b"]}


def test_deep_nesting_is_refused_without_a_crash(tmp_path):
    path = write(tmp_path, "deep.yaml", MODEL + "name: " + "[" * 100000 + "\n")
    bad_input("check", path, fragment="expected mappings and lists nested at most 64 deep")
    with pytest.raises(es.ConfigError, match="nested at most 64 deep"):
        es.Model.from_yaml(path)
    nested: dict = {}
    for _ in range(5000):
        nested = {"x": nested}
    with pytest.raises(es.ConfigError, match="expected dicts and lists nested at most 64 deep"):
        es.Model.from_dict({**__import__("yaml").safe_load(MODEL), "name": nested})


def test_two_documents_are_refused(tmp_path):
    path = write(tmp_path, "two.yaml", MODEL + "---\nname: second\n")
    bad_input("check", path, fragment=f"{path}:4:1: expected one YAML document per file, found a second one")
    with pytest.raises(es.ConfigError, match="one YAML document per file"):
        es.Model.from_yaml(path)


# --- files that are not configs --------------------------------------------------------------

def test_dev_zero_is_not_read(tmp_path):
    bad_input("check", "/dev/zero", fragment="/dev/zero: expected a YAML file, found a character device")
    sweep = write(tmp_path, "s.yaml", "model: /dev/zero\ngrid: {run.seed: [1]}\n")
    bad_input("sweep", sweep, fragment="model: expected a model config file, found /dev/zero, which is not a regular")
    with pytest.raises(es.ConfigError, match="found a character device"):
        es.Model.from_yaml("/dev/zero")


def test_standard_input_is_capped():
    p = subprocess.run([BIN, "check", "-"], stdin=open("/dev/zero", "rb"), capture_output=True, text=True,
                       timeout=DEADLINE)
    assert p.returncode == 2, p.stderr
    assert "<stdin>: expected a file of at most 16 MiB (16777216 bytes), got more" in p.stderr


def test_a_file_over_16_mib_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as f:  # sparse: no time spent writing it
        f.seek(16 * 1024 * 1024)
        f.write(b"x")
    bad_input("check", path, fragment="expected a YAML file of at most 16 MiB (16777216 bytes), got 16777217 bytes")
    with pytest.raises(es.ConfigError, match="at most 16 MiB"):
        es.Model.from_yaml(path)
    assert es._core.input_limits() == {"config_bytes": 16 * 1024 * 1024, "yaml_depth": 64, "alias_nodes": 100000}


@pytest.mark.parametrize("model", ["/etc/passwd", "../../../../../../../../etc/passwd"])
def test_a_sweep_naming_a_system_file_quotes_none_of_it(tmp_path, model):
    sweep = write(tmp_path, "s.yaml", f"model: {model}\ngrid: {{run.seed: [1]}}\n")
    err = bad_input("sweep", sweep, fragment="expected a mapping with units and flows, got text (is this a YAML config?)")
    assert "passwd" in err
    assert "root" not in err and "nologin" not in err and "/bin/" not in err, err


def test_a_long_value_is_quoted_short(tmp_path):
    path = write(tmp_path, "long.yaml", MODEL + "time_unit: " + "h" * 5000 + "\n")
    err = bad_input("check", path, fragment="got '" + "h" * 40 + "...'")
    assert len(err) < 300, err


# --- encodings ---------------------------------------------------------------------------------

def test_latin1_is_refused_with_the_line_column_and_byte(tmp_path):
    path = write(tmp_path, "latin1.yaml", (MODEL + "name: café\n").encode("latin-1"))
    bad_input("check", path, fragment=f"{path}:4:10: expected UTF-8 text, found the byte 0xE9")
    with pytest.raises(es.ConfigError, match=r"latin1.yaml:4:10: expected UTF-8 text, found the byte 0xE9"):
        es.Model.from_yaml(path)


def test_utf16_is_refused_and_a_utf8_bom_is_accepted(tmp_path):
    u16 = write(tmp_path, "u16.yaml", MODEL.encode("utf-16"))
    bad_input("check", u16, fragment="expected UTF-8 text, found a UTF-16 byte order mark (save the file as UTF-8)")
    with pytest.raises(es.ConfigError, match="UTF-16 byte order mark"):
        es.Model.from_yaml(u16)
    bom = write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + MODEL.encode())
    out = tmp_path / "bom.h5"
    assert run("run", bom, "-o", out).returncode == 0
    assert es.read_hdf5(out).config_text == MODEL  # readable, and without the mark
    assert es.Model.from_yaml(bom).config_text == MODEL


# --- names -----------------------------------------------------------------------------------

def test_control_characters_in_names_are_refused_and_escaped(tmp_path):
    path = write(tmp_path, "esc.yaml", MODEL.replace("u: {servers: 1}", '"u\\e[2J\\e]0;pwned\\a": {servers: 1}'))
    err = bad_input("check", path, fragment="units: expected a name without control characters")
    assert "\x1b" not in err and "\x07" not in err
    assert "'u\\x1B[2J\\x1B]0;pwned\\x07'" in err
    with pytest.raises(es.ConfigError) as e:
        es.Model.from_dict({"name": "a\x9bb", **__import__("yaml").safe_load(MODEL)})
    assert "\x9b" not in str(e.value) and "a\\u009Bb" in str(e.value)
    key = write(tmp_path, "key.yaml", MODEL + '"nam\\e[31me": x\n')
    assert "\x1b" not in bad_input("check", key, fragment="unknown key")


def test_unicode_names_still_work(tmp_path):
    text = MODEL.replace("u: {servers: 1}", "販売_é_📦: {servers: 1}").replace("unit: u", "unit: 販売_é_📦")
    path = write(tmp_path, "uni.yaml", text)
    p = run("run", path, "--replications", "1", check=True)
    assert "販売_é_📦" in p.stdout
    assert es.Model.from_yaml(path).units == ["販売_é_📦"]


# --- sweep grids ---------------------------------------------------------------------------------

def test_a_grid_whose_size_overflows_is_refused(tmp_path):
    write(tmp_path, "m.yaml", MODEL)
    values = "[" + ", ".join(str(v) for v in range(1, 33)) + "]"
    paths = ["run.seed", "run.horizon", "run.max_wip", "run.replications", "units.u.servers", "units.u.cost_per_hour",
             "flows.f.priority", "flows.f.value", "flows.f.due", "flows.f.tasks.a.service.exponential.mean",
             "flows.f.arrivals.poisson", "units.u.capacity", "run.max_events"]
    sweep = write(tmp_path, "s.yaml", "model: m.yaml\ngrid:\n" + "".join(f"  {p}: {values}\n" for p in paths))
    # 32^13 = 2^65 points: the product wrapped to 0, and the sweep ran nothing with exit 0.
    bad_input("sweep", sweep, fragment="grid: expected at most 100000 points, got 3.689e+19")


# --- run limits ------------------------------------------------------------------------------

def test_max_wip_stops_an_unstable_run_after_warning(tmp_path):
    path = write(tmp_path, "unstable.yaml", MODEL.replace("horizon: 200", "horizon: 3e6, max_wip: 500")
                 .replace("poisson: 0.5", "poisson: 1.2"))
    out = tmp_path / "out.h5"
    p = run("run", path, "-o", out)
    assert p.returncode == 1, p.stderr
    assert p.stderr.startswith("warning: a unit has utilisation >= 1"), p.stderr
    assert "run.max_wip: more than 500 orders in the system" in p.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.h5*"))
    m = es.Model.from_yaml(path)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with pytest.raises(es.WipLimitExceeded, match="run.max_wip"):
            m.run(progress=False)
    assert any(issubclass(x.category, es.UnstableWarning) for x in w)
    assert issubclass(es.WipLimitExceeded, es.RunLimitExceeded) and issubclass(es.RunLimitExceeded, RuntimeError)


def test_max_events_stops_a_run(tmp_path):
    path = write(tmp_path, "long.yaml", ENDLESS.replace("seed: 1}", "seed: 1, max_events: 100000}"))
    out = tmp_path / "out.h5"
    p = run("run", path, "-o", out)
    assert p.returncode == 1, p.stderr
    assert "run.max_events: more than 100000 events in replication" in p.stderr
    assert "shorten run.horizon, or raise run.max_events" in p.stderr
    assert not out.exists()
    with pytest.raises(es.EventLimitExceeded, match="run.max_events: more than 100000 events"):
        es.Model.from_yaml(path).run(progress=False)
    bad = write(tmp_path, "bad.yaml", ENDLESS.replace("seed: 1}", "seed: 1, max_events: 0}"))
    bad_input("check", bad, fragment="run.max_events: expected an integer from 1 to 1000000000000000, got 0")


@pytest.mark.parametrize("command", [["run", "-o", "{out}"], ["compare", "--scenario", "more"], ["rank"]])
def test_time_limit_ends_a_command_with_exit_1(tmp_path, command):
    path = write(tmp_path, "endless.yaml", ENDLESS)
    out = tmp_path / "out.h5"
    p = run(command[0], path, *[a.format(out=out) for a in command[1:]], "--time-limit", "0.5s")
    assert p.returncode == 1, p.stderr
    assert "eslabon: --time-limit 0.5s reached: the work stopped before it was done; nothing written" in p.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.h5*"))


def test_time_limit_on_a_sweep_keeps_finished_pairs_for_resume(tmp_path):
    write(tmp_path, "endless.yaml", ENDLESS)
    sweep = write(tmp_path, "s.yaml", "model: endless.yaml\ngrid: {units.desk.servers: [1, 2]}\n")
    p = run("sweep", sweep, "-o", tmp_path / "s.h5", "--time-limit", "0.5")
    assert p.returncode == 1, p.stderr
    assert "--time-limit 0.5 reached: the work stopped before it was done; finished pairs are kept" in p.stderr


def test_time_limit_option_is_checked(tmp_path):
    path = write(tmp_path, "m.yaml", MODEL)
    for bad in ["0", "-1s", "soon", "inf"]:
        bad_input("run", path, "--time-limit", bad, fragment="--time-limit: expected a duration > 0 such as 90s")


def test_python_time_limit(tmp_path):
    m = es.Model(ENDLESS)
    with pytest.raises(es.TimeLimitExceeded, match="time_limit: the run took more than 0.5 s"):
        m.run(time_limit=0.5, progress=False)
    with pytest.raises(es.TimeLimitExceeded):
        m.run(time_limit=dt.timedelta(milliseconds=300), progress=False)
    with pytest.raises(es.ConfigError, match="time_limit: expected a number of seconds > 0"):
        m.run(time_limit=0)
    with pytest.raises(TypeError, match="time_limit: expected a number"):
        m.run(time_limit="1s")
    r = es.Model(MODEL).run(time_limit=3600, progress=False)  # within it: the same result as without
    assert r.summary().equals(es.Model(MODEL).run(progress=False).summary())
