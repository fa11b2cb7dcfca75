"""configs/weak_link.yaml is stationary: its finite customer base gains customers (acquisition) as fast as
churn loses them, so its KPIs do not depend on the run length (issue 9, item 4)."""
import math

import pytest

from conftest import WEAK, cli_json

KPIS = ["lead_time_mean", "lead_time_p95", "on_time_rate", "throughput", "wip_mean", "copq_per_order", "churn_rate",
        "complaint_rate", "customer_base", "revenue"]
REPS = 10
# The JSON's intervals are 95% Student t over REPS replications; the check uses 99.9% ones, as the
# statistical tests in C++ do (tests/models/oracle.hpp): t_{0.9995, 9} / t_{0.975, 9} = 4.781 / 2.262.
WIDEN = 4.781 / 2.262


def test_weak_link_kpis_do_not_depend_on_the_horizon():
    # Independent seeds: with one seed the 40,000 h run would repeat the 20,000 h run's first half.
    short = cli_json("run", WEAK, "--horizon", "20000", "--replications", REPS, "--seed", 1)["kpis"]
    long = cli_json("run", WEAK, "--horizon", "40000", "--replications", REPS, "--seed", 2)["kpis"]
    for k in KPIS:
        a, b = short[k], long[k]
        assert a["n"] == b["n"] == REPS, k
        # The difference of two independent means, against its own 99.9% half-width.
        half = WIDEN * math.hypot(a["ci_high"] - a["mean"], b["ci_high"] - b["mean"])
        print(f"{k}: {a['mean']:.5g} at 20,000 h, {b['mean']:.5g} at 40,000 h, |difference| "
              f"{abs(a['mean'] - b['mean']):.3g} <= {half:.3g}")
        assert abs(a["mean"] - b["mean"]) <= half, k
    # Near the configured 400 customers (the stationary law is cut at 400).
    assert 370 < long["customer_base"]["mean"] < 400


# --------------------------------------------------------------------------------------------
# The drift check on every run (README "Steady state")
# --------------------------------------------------------------------------------------------

# A finite base without acquisition: every order is late and its customer leaves with 0.2, so
# demand decays (200 exp(-0.002 t)); throughput and customer_base fall by 63% between the
# halves of the window (tests/models/test_drift.cpp has the arithmetic).
DECAY = """name: decay
run: {horizon: 1000, warmup: 0, replications: 10, seed: 77}
units: {A: {servers: 1}, desk: {servers: 1}}
flows: {f: {arrivals: {customers: 200, rate_per_customer: 0.01}, due: 0.001,
  tasks: {a: {unit: A, service: {exponential: {mean: 0.1}}}}}}
complaints: {unit: desk, service: {exponential: {mean: 1}}, complain: 0, churn_if_silent: 0.2}
"""
DRIFT_COLUMNS = ["measured_in", "first_half", "second_half", "difference", "ci_low", "ci_high", "n", "overall",
                 "relative_difference", "significant", "material", "drifting"]


def test_cli_warns_of_drift_and_json_hdf5_carry_it(config_file, tmp_path):
    from conftest import h5_frame, run
    import h5py
    import json

    out = tmp_path / "decay.h5"
    p = run("run", config_file(DECAY), "--json", "-o", out, check=True)
    doc = json.loads(p.stdout)  # stdout stays one JSON document: the warning is on stderr
    assert "warning: the model drifts" in p.stderr
    for kpi in ["throughput", "customer_base"]:
        assert f"  {kpi}: first half " in p.stderr
        assert doc["drift"][kpi]["drifting"] == 1
        assert list(doc["drift"][kpi]) == DRIFT_COLUMNS
        assert doc["drift"][kpi]["second_half"] < 0.6 * doc["drift"][kpi]["first_half"]
    with h5py.File(out) as f:
        drift = h5_frame(f["drift"]).set_index("kpi")
    assert drift.loc["throughput", "drifting"] == 1
    assert drift.loc["throughput", "first_half"] == pytest.approx(doc["drift"]["throughput"]["first_half"], rel=1e-12)
    # The text table warns too.
    assert "warning: the model drifts" in run("run", config_file(DECAY), check=True).stderr


def test_weak_link_does_not_drift():
    p_doc = cli_json("run", WEAK)
    assert set(p_doc["drift"]) == {"lead_time_mean", "on_time_rate", "throughput", "copq_per_order", "customer_base"}
    assert not [k for k, d in p_doc["drift"].items() if d["drifting"]]


def test_python_drift_frame_and_warning():
    import warnings

    import eslabon as es

    with pytest.warns(es.DriftWarning, match="throughput"):
        r = es.Model(DECAY, "decay.yaml").run(progress=False)
    assert list(r.drift.columns) == DRIFT_COLUMNS
    assert r.drift.loc["customer_base", "drifting"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", es.DriftWarning)
        steady = es.Model.from_yaml(WEAK).run(progress=False)
    assert steady.drift["drifting"].sum() == 0
