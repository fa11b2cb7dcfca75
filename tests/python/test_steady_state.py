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
