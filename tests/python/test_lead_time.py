"""Lead times without simulating (README "Lead times without simulating"): what `eslabon check` prints,
Model.lead_time_estimates, Model.queue_estimates and Model.blast_radius. The estimates themselves are
checked against closed forms and simulation in tests/models/test_lead_time.cpp; here, that the CLI and
Python show the same figures, and the exact parts (Erlang C at a unit, the blast radius) exactly."""
from __future__ import annotations

import math

import pytest
from conftest import CONFIGS, WEAK, run

import eslabon as es

FORK_JOIN = CONFIGS / "fork_join.yaml"
WEAK_POINTS = {  # a weak point of each kind on the fork and join
    "links": [{"from": "design", "to": "make", "defect": 0.05, "detect": 0.8},
              {"from": "take_order", "to": "buy", "delay": {"exponential": {"mean": "1h"}}}],
    "flows.custom.tasks.buy.skip": 0.01,
    "units.engineering.outages": {"mtbf": "100h", "mttr": {"exponential": {"mean": "2h"}}},
}


def erlang_c(c: int, a: float) -> float:
    terms = sum(a ** k / math.factorial(k) for k in range(c))
    last = a ** c / math.factorial(c) * c / (c - a)
    return last / (terms + last)


def test_check_prints_waits_lead_times_critical_paths_and_blast_radius():
    out = run("check", WEAK, check=True).stdout
    # sales: M/M/2 fed by the base at its settled mean (below 400 x 0.0025 = 1 order per hour), but QNA: a
    # finite customer base is not a constant-rate Poisson stream
    q = es.Model.from_yaml(WEAK).queue_estimates()
    assert 0.95 < q.loc["sales", "arrival_rate"] < 1
    fmt = es._core.format_number  # the CLI's number format (README "Output conventions")
    assert f"unit sales: wait {fmt(q.loc['sales', 'wait'])} (QNA; arrival scv 1, service scv 1)" in out
    lead = next(l for l in out.splitlines() if l.startswith("flow standard: lead time about "))
    assert " hours (QNA; sd " in lead and "), due 24, late about " in lead and lead.endswith("%")
    path = next(l for l in out.splitlines() if l.startswith("  critical path, "))
    assert "taken by 100% of orders: take_order " in path and " -> purchase->produce " in path
    assert "finite customer base at its full size" not in out
    assert ("  link purchase->produce (defect, delay): flow standard, 100% of orders (400 customers): produce, deliver"
            in out)
    assert "  skip:produce: flow standard, 100% of orders (400 customers): produce, deliver" in out
    assert "  unit production (outages): flow standard, 100% of orders (400 customers): produce, deliver" in out


def test_python_shows_the_figures_check_prints():
    m = es.Model.from_yaml(CONFIGS / "chain.yaml")
    est = m.lead_time_estimates()
    row = est.loc["standard"]
    out = run("check", CONFIGS / "chain.yaml", check=True).stdout
    fmt = es._core.format_number  # the CLI's number format (README "Output conventions")
    assert (f"flow standard: lead time about {fmt(row['lead_time'])} hours (QNA; sd {fmt(row['sd'])}), due 24, "
            f"late about {fmt(100 * row['late_share'])}%") in out
    assert 0 < row["late_share"] < 0.5 and row["sd"] > 0
    assert row["critical_path"] == "take_order -> purchase -> produce -> deliver"
    assert row["critical_time"] == pytest.approx(row["lead_time"]) and row["critical_share"] == 1.0
    assert row["method"] == "QNA" and row["due"] == 24
    q = m.queue_estimates()
    # sales: M/M/2, one order per hour, 1.5 h each: Erlang C exactly.
    assert q.loc["sales", "method"] == "M/M/c"
    assert q.loc["sales", "wait"] == pytest.approx(erlang_c(2, 1.5) * 1.5 / (2 - 1.5), rel=1e-12)
    assert q.loc["production", "method"] == "QNA" and q.loc["production", "service_scv"] == pytest.approx(0.25)
    for unit, r in q.iterrows():
        assert f"unit {unit}: wait {fmt(r['wait'])} ({r['method']}; " in out


def test_a_unit_that_cannot_keep_up_has_no_estimate():
    m = es.Model.from_yaml(CONFIGS / "chain.yaml").with_changes({"units.purchasing.servers": 1})
    assert math.isnan(m.lead_time_estimates().loc["standard", "lead_time"])
    assert math.isnan(m.queue_estimates().loc["purchasing", "wait"])
    out = run("check", CONFIGS / "chain.yaml", "--set", "units.purchasing.servers=1").stdout
    assert "flow standard: lead time about inf hours (QNA; sd inf), due 24, late about 100%" in out
    assert "approximate: unit purchasing cannot keep up" in out


def test_blast_radius_of_each_weak_point_on_the_fork_and_join():
    b = es.Model.from_yaml(FORK_JOIN).with_changes(WEAK_POINTS).blast_radius()
    assert list(b["name"]) == ["design->make", "take_order->buy", "skip:buy", "engineering"]
    assert list(b["kind"]) == ["link", "link", "skip", "unit"]
    assert list(b["faults"]) == [["defect"], ["delay"], ["skip"], ["outages"]]
    assert list(b["tasks"]) == [["make", "ship"], ["buy", "make", "ship"], ["buy", "make", "ship"],
                                ["design", "make", "ship"]]
    assert list(b["units"])[0] == ["production", "logistics"]
    assert (b["flow"] == "custom").all() and (b["share_of_orders"] == 1.0).all()
    assert b["customers"].isna().all() and (b["order_rate"] == 0.5).all()
    assert es.Model.from_yaml(CONFIGS / "chain.yaml").blast_radius().empty


def test_routes_weight_the_estimate_and_the_blast_radius():
    m = es.Model.from_yaml(CONFIGS / "routing.yaml")
    row = m.lead_time_estimates().loc["orders"]
    # The critical path is the longest route; a share 0.8 x 0.25 of the orders take it.
    assert row["critical_path"] == "take_order -> standard -> check -> ship"
    assert row["critical_share"] == pytest.approx(0.2)
    assert row["lead_time"] < row["critical_time"]
    b = m.blast_radius()
    assert list(b["name"]) == ["expedite->ship"] and b.loc[0, "share_of_orders"] == pytest.approx(0.2)
