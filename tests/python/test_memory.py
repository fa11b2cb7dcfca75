"""Customers who remember (README "Customers who remember"): the satisfaction KPIs, the churn by last straw and
the satisfaction bands reach Python (r.summary(), r.satisfaction, r.satisfaction_bands), the JSON document, the
HDF5 file (and es.read_hdf5) and the CLI's table; bad memory keys are exit-2 errors with their position. The
theory checks (geometric churn, the mean score, exact scenarios, the base's steady state) are in
tests/models/test_memory.cpp."""
import json
import math

import pytest
import yaml

import eslabon as es
from conftest import run

BANDS = [f"{b / 10:.1f}-{(b + 1) / 10:.1f}" for b in range(10)]

# A finite base whose customers see a defect on 30% of the orders and remember their last contacts.
MODEL = {
    "name": "remembering customers",
    "time_unit": "hour",
    "run": {"horizon": 4000, "warmup": 500, "replications": 3, "seed": 7},
    "units": {"A": {"servers": 2}, "desk": {"servers": 1}},
    "flows": {"f": {"arrivals": {"customers": 200, "rate_per_customer": 0.01, "acquisition": 0.2},
                    "tasks": {"a": {"unit": "A", "service": {"exponential": {"mean": 0.5}},
                                    "skip": 0.3, "skip_defect": 1}}}},
    "complaints": {"unit": "desk", "service": 0.2, "complain": 0.3, "resolve": 0.5,
                   "memory": {"weight": 0.4, "start": 0.9, "churn": [[0.3, 0.3], [0.6, 0.05]],
                              "outcomes": {"resolved": 0.8}}},
    "costs": {"complaint": 20, "lost_customer": 500},
}


@pytest.fixture(scope="module")
def remembered():
    return es.Model.from_dict(MODEL).run(progress=False)


def test_kpis_and_bands_reach_python(remembered):
    r = remembered
    s = r.summary()
    for k in ["satisfaction_mean", "orders_before_leaving_mean", "churn_defect_rate", "churn_late_rate",
              "churn_offended_rate", "churn_satisfied_rate"]:
        assert s.loc[k, "n"] == 3, k
    assert 0 < s.loc["satisfaction_mean", "mean"] < 1
    rp = r.replications
    # Churn by last straw: the delivery's reasons split churn_silent_rate; the paths sum to churn_rate.
    split = rp[["churn_defect_rate", "churn_late_rate", "churn_offended_rate", "churn_satisfied_rate"]].sum(axis=1)
    assert split.to_numpy() == pytest.approx(rp["churn_silent_rate"].to_numpy(), abs=1e-12)
    paths = rp[["churn_after_resolved_rate", "churn_after_unresolved_rate", "churn_silent_rate"]].sum(axis=1)
    assert paths.to_numpy() == pytest.approx(rp["churn_rate"].to_numpy(), abs=1e-12)
    assert (rp["churn_rate"] > 0).all()

    sat = r.satisfaction
    assert list(sat.index) == BANDS
    assert list(sat.columns) == ["share", "ci_low", "ci_high", "customers"]
    assert sat["share"].sum() == pytest.approx(1.0, abs=1e-9)
    # The mean score lies within the bands the customers spent their time in.
    lows = [b / 10 for b in range(10)]
    assert sum(l * w for l, w in zip(lows, sat["share"])) <= s.loc["satisfaction_mean", "mean"] + 1e-12
    bands = r.satisfaction_bands
    assert list(bands.columns) == ["replication", "band", "customers", "share"]
    assert len(bands) == 3 * 10
    # The bands' customers add up to the base (every finite base here has memory).
    per_rep = bands.groupby("replication")["customers"].sum()
    assert per_rep.to_numpy() == pytest.approx(rp["customer_base"].to_numpy(), rel=1e-9)
    summ = r.satisfaction_summary()
    assert summ.loc[("0.9-1.0", "share"), "mean"] == pytest.approx(sat.loc["0.9-1.0", "share"], rel=1e-12)


def test_json_and_hdf5(remembered, tmp_path):
    r = remembered
    doc = json.loads(r.to_json())
    assert list(doc["satisfaction"]) == BANDS
    for b in BANDS:
        assert doc["satisfaction"][b]["share"]["mean"] == pytest.approx(r.satisfaction.loc[b, "share"], rel=1e-12)
    assert doc["kpis"]["satisfaction_mean"]["mean"] == pytest.approx(r.summary().loc["satisfaction_mean", "mean"])
    path = tmp_path / "run.h5"
    r.to_hdf5(path)
    back = es.read_hdf5(path)
    assert back.satisfaction["share"].to_numpy() == pytest.approx(r.satisfaction["share"].to_numpy(), rel=1e-12)
    assert len(back.satisfaction_bands) == 30


def test_without_memory_the_figures_are_empty():
    plain = dict(MODEL, complaints={k: v for k, v in MODEL["complaints"].items() if k != "memory"})
    r = es.Model.from_dict(plain).run(progress=False)
    assert r.satisfaction.empty and r.satisfaction_bands.empty
    assert math.isnan(r.summary().loc["satisfaction_mean", "mean"])
    assert (r.replications["churn_satisfied_rate"] == 0).all()


def test_cli_prints_the_bands_and_refuses_bad_memory(config_file):
    path = config_file(yaml.safe_dump(MODEL, sort_keys=False))
    p = run("run", path, check=True)
    assert "satisfaction_mean" in p.stdout and "orders_before_leaving_mean" in p.stdout
    lines = p.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("satisfaction ") and "share" in line)
    assert [line.split()[0] for line in lines[head + 1:head + 11]] == BANDS
    bad = dict(MODEL, complaints=dict(MODEL["complaints"], memory={"weight": 0, "churn": [[0.5, 0.1]]}))
    p = run("run", config_file(yaml.safe_dump(bad, sort_keys=False), "bad.yaml"))
    assert p.returncode == 2
    assert "bad.yaml:" in p.stderr and "complaints.memory.weight: expected a number in (0, 1]" in p.stderr
