"""Shifts and calendars (README "Shifts and calendars"): from the config, through the CLI's check
and run (JSON and HDF5 carry calendar_start), Python's offered load, and exit-2 errors. The
engine's rules and the theory are tested in C++ (tests/models/test_shifts.cpp); here, that every
door reaches the feature.
"""
import h5py
import pandas as pd
import pytest

import eslabon as es
from conftest import cli_json, run

MODEL = """name: office
run: {horizon: 2000, warmup: 168, replications: 2, seed: 5, calendar_start: 2026-03-02T06:00}
units:
  desk: {shifts: {mon-fri 08:00-17:00: 3, else: 0}, shift_end: preempt}
flows:
  f: {arrivals: {poisson: 0.5}, tasks: {w: {unit: desk, service: {exponential: {mean: 1}}}}}
"""


def test_check_run_json_and_hdf5_carry_the_plan(config_file, tmp_path):
    path = config_file(MODEL)
    out = run("check", path, check=True).stdout
    assert "unit desk: shifts {mon-fri 08:00-17:00: 3, else: 0} from 2026-03-02T06:00" in out
    assert "shift_end preempt" in out
    # Offered load over the week's average servers: 3 x 45 / 168.
    load = es.Model.from_yaml(path).offered_load()
    assert load.loc["desk", "utilisation"] == pytest.approx(0.5 / (3 * 45 / 168))
    doc = cli_json("run", path)
    assert doc["calendar_start"] == "2026-03-02T06:00"
    h5 = tmp_path / "r.h5"
    run("run", path, "-o", h5, check=True)
    with h5py.File(h5, "r") as f:
        assert f.attrs["calendar_start"] == "2026-03-02T06:00"


def test_staffing_adds_a_server_to_every_staffed_rule(config_file):
    path = config_file(MODEL)
    m = es.Model.from_yaml(path).with_changes({"units.desk.shifts": {"mon-fri 08:00-17:00": 4, "else": 0}})
    assert m.offered_load().loc["desk", "utilisation"] == pytest.approx(0.5 / (4 * 45 / 168))


def test_bad_rule_exits_2_with_its_position(config_file):
    p = run("check", config_file(MODEL.replace("mon-fri 08:00", "mon-fry 08:00")))
    assert p.returncode == 2
    assert "config.yaml:4:19: units.desk.shifts.mon-fry 08:00-17:00: expected a rule DAYS HH:MM-HH:MM" in p.stderr


def test_results_read_as_dates_in_python(config_file, tmp_path):
    """Model time t is calendar_start + t time units: a run's and a stored file's orders as dates."""
    m = es.Model.from_yaml(config_file(MODEL))
    assert m.calendar_start == pd.Timestamp("2026-03-02 06:00")
    r = m.run(replications=1, orders=True, progress=False)
    assert r.calendar_start == m.calendar_start
    assert r.dates(30.5) == pd.Timestamp("2026-03-03 12:30")
    delivered = r.dates(r.orders["delivered"])
    assert (delivered - m.calendar_start).dt.total_seconds().tolist() == pytest.approx(
        (r.orders["delivered"] * 3600).tolist())
    # Served only Monday to Friday 08:00-17:00: every delivery falls in those hours.
    assert delivered.dt.dayofweek.max() <= 4
    minute = delivered.dt.hour * 60 + delivered.dt.minute
    assert minute.between(8 * 60, 17 * 60).all()
    h5 = tmp_path / "r.h5"
    r.to_hdf5(h5)
    stored = es.read_hdf5(h5)
    assert stored.calendar_start == m.calendar_start
    assert stored.dates(48) == pd.Timestamp("2026-03-04 06:00")
    # Without calendar_start the default Monday holds (the file then has no attribute).
    plain = es.Model.from_yaml(config_file(MODEL.replace(", calendar_start: 2026-03-02T06:00", "")))
    assert plain.calendar_start == pd.Timestamp("2026-01-05")
