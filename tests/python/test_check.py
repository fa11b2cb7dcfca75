"""`eslabon check` (README "Before you simulate: check") through every door: the exit code 3 and the
warnings of an unstable model, the --json document and Python's Model.check, and the complaint desk in
Model.offered_load. The figures are tested against theory and simulation in tests/models/test_check.cpp."""
import json

import pandas as pd
import pytest

import eslabon as es
from conftest import CONFIGS, WEAK, run

CHAIN = CONFIGS / "chain.yaml"


def test_an_unstable_model_exits_3_and_names_every_overloaded_unit_with_the_servers_it_needs():
    p = run("check", CHAIN, "--set", "units.purchasing.servers=1", "--set", "units.production.servers=1")
    assert p.returncode == 3, p.stderr
    out = p.stdout
    assert [l.split()[0] for l in out.splitlines() if l.endswith("UNSTABLE")] == ["purchasing", "production"]
    assert "warning: a unit has utilisation >= 1; its queue grows without bound" in out
    # 1.6 h of work per hour: 2 servers give 0.8; 3.2 h: 4 servers give 0.8 (3 give 1.07).
    assert ("warning: unit purchasing has utilisation 1.6 >= 1: its queue grows without bound; it needs 2 servers "
            "for utilisation < 1 and 2 for <= 0.85 (it has 1)") in out
    assert ("warning: unit production has utilisation 3.2 >= 1: its queue grows without bound; it needs 4 servers "
            "for utilisation < 1 and 4 for <= 0.85 (it has 1)") in out
    # The same with --json, also exit 3.
    p = run("check", CHAIN, "--set", "units.purchasing.servers=1", "--set", "units.production.servers=1", "--json")
    assert p.returncode == 3
    doc = json.loads(p.stdout)
    assert doc["unstable"] == ["purchasing", "production"]
    assert doc["units"]["purchasing"]["servers_for_stable"] == 2 and doc["units"]["production"]["servers_for_stable"] == 4
    assert doc["units"]["production"]["servers_for_comfortable"] == 4
    assert [w for w in doc["warnings"] if w.startswith("warning: unit ")] == [l for l in out.splitlines()
                                                                             if l.startswith("warning: unit ")]


def test_a_stable_model_exits_0_and_a_bad_one_2():
    p = run("check", CHAIN, "--json", check=True)
    assert json.loads(p.stdout)["unstable"] == []
    assert run("check", CHAIN, "--set", "units.sales.servers=0").returncode == 2
    # A finite capacity turns the excess away: no exit 3.
    p = run("check", CHAIN, "--set", "units.purchasing.servers=1", "--set", "units.purchasing.capacity=10")
    assert p.returncode == 0 and "UNSTABLE" not in p.stdout


def test_a_unit_with_shifts_is_told_the_servers_it_needs_on_average():
    p = run("check", CONFIGS / "office_hours.yaml", "--set", "units.sales.shifts={mon-fri 08:00-10:00: 1, else: 0}")
    assert p.returncode == 3
    # 1.5714 orders an hour x 0.25 h: 0.3929 busy servers; the plan has 10 of 168 hours of one server.
    assert ("warning: unit sales has utilisation 6.6 >= 1: its queue grows without bound; it needs more than 0.3929 "
            "servers on average over a week for utilisation < 1 and 0.4622 for <= 0.85 (it has 0.05952 on average)"
            ) in p.stdout


def test_endless_rework_needs_more_than_servers():
    p = run("check", WEAK, "--set", "links.purchase->produce.defect=1", "--set", "links.purchase->produce.detect=1")
    assert p.returncode == 3
    assert "warning: unit purchasing has utilisation inf >= 1" in p.stdout
    assert "no number of servers is enough" in p.stdout
    doc = json.loads(run("check", WEAK, "--set", "links.purchase->produce.defect=1", "--set",
                         "links.purchase->produce.detect=1", "--json").stdout)
    assert doc["units"]["purchasing"]["utilisation"] is None and doc["units"]["purchasing"]["servers_for_stable"] is None


def test_json_has_every_section_and_python_check_is_the_same_document():
    doc = json.loads(run("check", WEAK, "--json", check=True).stdout)
    assert list(doc) == ["model", "time_unit", "units", "flows", "links", "complaints", "unstable", "warnings", "notes",
                         "estimates"]
    assert set(doc["estimates"]) == {"units", "flows", "blast_radius"}
    assert list(doc["units"]) == ["sales", "purchasing", "production", "logistics", "service_desk"]
    assert set(doc["units"]["sales"]) == {"servers", "mean_servers", "discipline", "capacity", "availability",
                                          "arrival_rate", "work_rate", "utilisation", "busy_servers", "unstable",
                                          "servers_for_stable", "servers_for_comfortable"}
    flow = doc["flows"]["standard"]
    assert {"arrival_rate", "customer_base", "customer_base_steady", "late_share", "rework_per_order",
            "defect_escape_rate", "visible_defect_rate", "discourtesy_rate", "dissatisfied_rate", "complaint_rate",
            "churn_rate", "sequential", "tasks"} <= set(flow)
    assert list(flow["tasks"]) == ["take_order", "purchase", "produce", "deliver"]
    assert flow["arrival_rate"] == pytest.approx(0.0025 * flow["customer_base"])
    assert set(doc["links"]) == {"purchase->produce", "take_order->purchase"}
    assert doc["links"]["take_order->purchase"]["on_detect"] == "fix"
    assert doc["complaints"]["unit"] == "service_desk" and doc["complaints"]["rate"] > 0
    # The late share is the lead-time estimate's, settled with the base (README "The late share").
    assert any(n.startswith("late shares are estimated") for n in doc["notes"])
    assert 0 < flow["late_share"] < 1
    assert flow["late_share"] == pytest.approx(doc["estimates"]["flows"]["standard"]["late_share"], abs=1e-8)
    m = es.Model.from_yaml(WEAK)
    assert m.check() == doc
    units = pd.DataFrame.from_dict(m.check()["units"], orient="index")
    assert units.loc["service_desk", "utilisation"] == pytest.approx(doc["complaints"]["rate"] * 2)


def test_offered_load_counts_the_complaint_desk():
    m = es.Model.from_yaml(WEAK)
    load = m.offered_load()
    assert load.loc["service_desk", "arrival_rate"] == pytest.approx(m.check()["complaints"]["rate"])
    assert load.loc["service_desk", "utilisation"] > 0
    # Without a complaints section there is no desk work (and no such line).
    plain = es.Model.from_yaml(CHAIN)
    assert plain.check()["complaints"] is None
    assert "complaints:" not in run("check", CHAIN, check=True).stdout
