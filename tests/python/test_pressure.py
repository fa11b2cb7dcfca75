"""Pressure (README "Pressure"): configs/pressure.yaml through every door: `check` shows the
levels and warns that the unit can tip, `run` prints the pressure line and the warning on stderr,
and the unit statistics pressure_speed, pressure_errors and pressure_top reach JSON, HDF5 and
Python. The engine's rules and the theory are tested in C++ (tests/models/test_pressure.cpp).
"""
import math

import h5py
import pytest

import eslabon as es
from conftest import CONFIGS, cli_json, run

PRESSURE = CONFIGS / "pressure.yaml"
STATS = ["pressure_speed", "pressure_errors", "pressure_top"]


def test_check_shows_the_levels_and_warns_that_assembly_can_tip():
    out = run("check", PRESSURE, check=True).stdout
    assert "unit assembly: pressure by queue, levels [0, 10, 30], speedup [1, 1.15, 1.25], errors [1, 3, 15]" in out
    assert "warning: unit assembly can tip under pressure" in out


def test_run_prints_the_pressure_and_warns_on_stderr(tmp_path):
    p = run("run", PRESSURE, "--replications", "2", "-o", tmp_path / "r.h5", check=True)
    assert "pressure at assembly: speedup" in p.stdout
    assert "warning: unit assembly can tip under pressure" in p.stderr
    with h5py.File(tmp_path / "r.h5", "r") as f:
        names = f["units"].dtype.names
        assert all(s in names for s in STATS)


def test_json_and_python_carry_the_unit_statistics():
    doc = cli_json("run", PRESSURE, "--replications", "2")
    calm = doc["units"]["assembly"]
    assert 1 <= calm["pressure_speed"]["mean"] < 1.05  # mostly at level 0 (speedup 1)
    assert calm["pressure_top"]["mean"] < 0.05
    assert doc["units"]["inspection"]["pressure_speed"]["mean"] is None  # no pressure: empty
    with pytest.warns(es.DriftWarning):  # once tipped, the queue only grows
        r = es.Model.from_yaml(PRESSURE).scenario("burst").run(replications=2, progress=False)
    row = r.unit_summary().loc[("assembly", "pressure_top")]
    assert row["mean"] > 0.5  # the burst tipped it
    units = r.units.set_index(["replication", "unit"])
    assert all(math.isnan(v) for v in units.xs("inspection", level="unit")["pressure_errors"])


def test_python_says_whether_a_unit_can_tip():
    """Model.pressure_load: the loads `check` prints (0.632 at the lowest level, 1.92 at the top)."""
    m = es.Model.from_yaml(PRESSURE)
    load = m.pressure_load()
    assert load.index.tolist() == ["assembly"]
    row = load.loc["assembly"]
    assert row["low"] < 1 <= row["high"] and bool(row["can_tip"]) and row["level"] == 2
    assert f"offered load {es._core.format_number(row['low'])} at level 0" in run("check", PRESSURE, check=True).stdout
    assert "unit assembly can tip under pressure" in m.pressure_warning()
    calm = m.with_changes({"units.assembly.pressure.errors": [1, 1, 1]})
    assert not calm.pressure_load().loc["assembly", "can_tip"] and calm.pressure_warning() == ""
    assert es.Model.from_yaml(CONFIGS / "chain.yaml").pressure_load().empty
