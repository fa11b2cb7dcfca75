"""Routing with probabilities (README "Routing with probabilities"): from the config, through the CLI's
check and run, Python's offered load and runs, and exit-2 errors. The statistics are tested in C++
(tests/models/test_routing.cpp); here, that every door reaches the feature.
"""
import pytest

import eslabon as es
from conftest import CONFIGS, cli_json, edited, run

ROUTING = CONFIGS / "routing.yaml"
SHORT = ["--horizon", "2000", "--warmup", "200", "--replications", "2"]


def test_check_shows_routes_and_routed_arrival_rates():
    out = run("check", ROUTING, check=True).stdout
    take = next(l for l in out.splitlines() if l.strip().startswith("take_order"))
    assert "next expedite 0.2, standard 0.8" in take and "(100% of orders)" in take
    check = next(l for l in out.splitlines() if l.strip().startswith("check "))
    assert "(20% of orders)" in check  # 0.8 x 0.25
    quality = next(l for l in out.splitlines() if l.split()[:1] == ["quality"])
    assert " 0.2 " in quality  # its arrival rate: 1 order/h x 0.8 x 0.25


def test_python_offered_load_and_runs_follow_the_routes():
    m = es.Model.from_yaml(ROUTING)
    load = m.offered_load()
    assert load.loc["production", "arrival_rate"] == pytest.approx(0.8)
    assert load.loc["quality", "arrival_rate"] == pytest.approx(0.2)
    assert load.loc["logistics", "arrival_rate"] == pytest.approx(1.0)
    # Changing the routing is a change like any other: with nothing expedited, the express desk
    # and its link see no order, and every order is still shipped once.
    all_standard = m.with_changes({"flows.orders.tasks.take_order.next": {"expedite": 0, "standard": 1},
                                   "run.horizon": 1000, "run.warmup": 100})
    assert all_standard.offered_load().loc["express_desk", "arrival_rate"] == 0
    r = all_standard.run(replications=2, seed=3, threads=1)
    units = r.units.set_index(["replication", "unit"])
    assert (units.xs("express_desk", level="unit")["throughput"] == 0).all()
    assert (r.links["handoffs"] == 0).all()
    doc = cli_json("run", ROUTING, *SHORT, "--set", "flows.orders.tasks.take_order.next={expedite: 0, standard: 1}")
    assert doc["kpis"]["orders_unfinished"]["mean"] == 0
    assert doc["units"]["express_desk"]["throughput"]["mean"] == 0
    assert doc["units"]["logistics"]["throughput"]["mean"] == pytest.approx(doc["kpis"]["throughput"]["mean"])


def test_bad_routes_exit_2_with_the_position(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(edited(ROUTING, ("next: {expedite: 0.2, standard: 0.8}", "next: {expedite: 0.2, standrd: 0.8}")))
    p = run("check", bad)
    assert p.returncode == 2
    assert f"{bad}:21:" in p.stderr and "unknown task 'standrd' in flow orders (did you mean 'standard'?)" in p.stderr
    bad.write_text(edited(ROUTING, ("next: {expedite: 0.2, standard: 0.8}", "next: {expedite: 0.3, standard: 0.8}")))
    p = run("run", bad)
    assert p.returncode == 2 and "expected probabilities that sum to 1, got a sum of 1.1" in p.stderr
