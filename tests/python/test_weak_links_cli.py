"""Weak links through the CLI: JSON, HDF5 tables, order rows, overrides by FROM->TO, bad input."""
import json

import h5py
import pytest

from conftest import CONFIGS, WEAK, edited, h5_frame, run

SHORT = ["--horizon", "3000", "--warmup", "300", "--replications", "4"]
LINK_STATS = ["handoffs", "defects", "detected", "escaped", "lost", "false_alarms", "rework_time", "sla_met_rate", "copq"]
NEW_KPIS = ["defect_escape_rate", "visible_defect_rate", "perfect_order_rate", "rework_per_order", "complaint_rate",
            "complaint_resolution_time_mean", "churn_rate", "copq_per_order", "revenue"]


def test_json_has_links_origins_and_quality_kpis():
    doc = json.loads(run("run", WEAK, "--json", *SHORT, check=True).stdout)
    for k in NEW_KPIS:
        assert doc["kpis"][k]["n"] == 4, k
    assert set(doc["links"]) == {"purchase->produce", "take_order->purchase"}
    for link in doc["links"].values():
        assert set(link) == set(LINK_STATS)
        assert link["defects"]["mean"] <= link["handoffs"]["mean"]
        assert link["escaped"]["mean"] <= link["defects"]["mean"]
    # The ledger's rows: the origins of defects, the causes of delay other than rework, and
    # "(unattributed)"; their costs add up to copq_per_order.
    delay_causes = {c for c in doc["delays"] if not c.startswith("rework:")}
    assert set(doc["origins"]) == {"purchase->produce", "take_order->purchase", "skip:produce",
                                   "(unattributed)"} | delay_causes
    assert {"queue:production", "outage:production", "delay:purchase->produce"} <= set(doc["origins"])
    shares = sum(o["copq_share"]["mean"] for o in doc["origins"].values())
    assert shares == pytest.approx(1.0, abs=1e-9)
    per_order = sum(o["copq_per_order"]["mean"] for o in doc["origins"].values())
    assert per_order == pytest.approx(doc["kpis"]["copq_per_order"]["mean"], rel=1e-9)
    assert doc["origins"]["(unattributed)"]["copq_share"]["mean"] < 0.05
    assert doc["units"]["production"]["availability"]["mean"] < 1.0


def test_hdf5_links_origins_and_order_rows_agree(tmp_path):
    out = tmp_path / "weak.h5"
    doc = json.loads(run("run", WEAK, "-o", out, "--json", "--orders", *SHORT, check=True).stdout)
    with h5py.File(out) as f:
        links = h5_frame(f["links"])
        origins = h5_frame(f["origins"])
        orders = h5_frame(f["orders"])
        reps = h5_frame(f["replications"])
        assert "link_summary" in f and "origin_summary" in f
    pp = links[links.link == "purchase->produce"]
    assert pp.defects.mean() == pytest.approx(doc["links"]["purchase->produce"]["defects"]["mean"], rel=1e-12)
    assert len(origins) == 4 * len(doc["origins"])
    # Order rows carry the quality outcome; their totals give the replication KPIs.
    for r, g in orders.groupby("replication"):
        delivered = g[g.lost == 0]
        assert (delivered.defects > 0).mean() == pytest.approx(reps.loc[r, "defect_escape_rate"], rel=1e-12)
        assert (delivered.visible_defects > 0).mean() == pytest.approx(reps.loc[r, "visible_defect_rate"], rel=1e-12)
        assert delivered.reworks.mean() == pytest.approx(reps.loc[r, "rework_per_order"], rel=1e-12)
        assert delivered.complained.mean() == pytest.approx(reps.loc[r, "complaint_rate"], rel=1e-12)
        assert delivered.churned.mean() == pytest.approx(reps.loc[r, "churn_rate"], rel=1e-12)
        assert delivered.copq.sum() / len(delivered) == pytest.approx(reps.loc[r, "copq_per_order"], rel=1e-9)
        assert ((delivered.defect_origins != "") == (delivered.defects > 0)).all()
        assert (delivered.resolved <= delivered.complained).all()
        # The complaint iceberg from the order rows: churn by path, silent customers.
        churned, complained, resolved = (delivered[c] == 1 for c in ("churned", "complained", "resolved"))
        for kpi, rows in [("churn_after_resolved_rate", churned & complained & resolved),
                          ("churn_after_unresolved_rate", churned & complained & ~resolved),
                          ("churn_silent_rate", churned & ~complained)]:
            assert rows.mean() == pytest.approx(reps.loc[r, kpi], rel=1e-12, abs=1e-15), kpi
        assert (reps.loc[r, "dissatisfied_rate"] - reps.loc[r, "silent_rate"]
                == pytest.approx(reps.loc[r, "complaint_rate"], rel=1e-12))


def test_override_by_link_name_and_common_random_numbers():
    base = json.loads(run("run", WEAK, "--json", *SHORT, check=True).stdout)
    fixed = json.loads(run("run", WEAK, "--json", *SHORT, "--set", "links.purchase->produce.defect=0", check=True).stdout)
    assert fixed["links"]["purchase->produce"]["defects"]["mean"] == 0
    assert fixed["kpis"]["rework_per_order"]["mean"] < base["kpis"]["rework_per_order"]["mean"]
    assert fixed["kpis"]["defect_escape_rate"]["mean"] < base["kpis"]["defect_escape_rate"]["mean"]
    # The other link is untouched: it still makes defects.
    assert fixed["links"]["take_order->purchase"]["defects"]["mean"] > 0


BAD = [
    (["--set", "links.purchase->produce.defect=1.5"],
     "--set links.purchase->produce.defect=1.5: links.purchase->produce.defect: expected a probability between 0 and 1, got 1.5"),
    (["--set", "links.purchase->prodce.defect=0.1"], "did you mean 'purchase->produce'?"),
    (["--set", "links.purchase->produce.active=[800, 500]"], "links.purchase->produce.active: expected a window whose end comes after its start"),
    (["--set", "links.purchase->produce.on_detect=fix"], "links.purchase->produce.fix_service: missing; on_detect: fix needs fix_service"),
    (["--set", "links.purchase->produce.lost=0.1"], "links.purchase->produce.timeout: missing; lost needs timeout"),
    (["--set", "links.purchase->produce.lost=0.1", "--set", "links.purchase->produce.timeout=-1"],
     "links.purchase->produce.timeout: expected a duration >= 0, got -1"),
    (["--set", "links.purchase->produce.to=purchase"], "found no handoff from purchase to purchase"),
    (["--set", "links.purchase->produce.from=purchse"], "unknown task or unit 'purchse' (did you mean 'purchase'?)"),
    (["--set", "complaints.unit=servicedesk"], "complaints.unit: unknown unit 'servicedesk' (did you mean 'service_desk'?)"),
    (["--set", "flows.standard.tasks.produce.skip=-0.1"], "expected a probability between 0 and 1, got -0.1"),
]


@pytest.mark.parametrize("args,message", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_weak_link_input_exits_2(args, message, tmp_path):
    out = tmp_path / "never.h5"
    p = run("run", WEAK, "-o", out, *args)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr, p.stderr
    assert not out.exists()


def test_bad_link_in_file_is_positioned(config_file):
    text = edited(WEAK, ("    defect: 0.03\n", "    defect: 3%\n"))
    cfg = config_file(text, "bad.yaml")
    p = run("run", cfg)
    assert p.returncode == 2
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "defect: 3%" in l)
    assert p.stderr.startswith(f"{cfg}:{line}:13: links.purchase->produce.defect: expected a probability between 0 and 1, got '3%'")


def weak_link_redos():
    """Redos of purchase per order on weak_link.yaml, by hand: take_order->purchase (fix) lets
    0.02 x (1 - 0.5) = 0.01 of the orders carry a defect on, which purchase->produce inspects again
    with its own (q = 0.03 new, d = 0.77 each): from 0 carried E0 = qd / (1 - qd) redos, from 1
    E1 = (d (1 + E0)(1 - q + qd) + 2 qd (1 - d)) / (1 - 2 qd (1 - d)) (tests/models/test_check.cpp derives it)."""
    p, q, d = 0.02 * 0.5, 0.03, 0.77
    e0 = q * d / (1 - q * d)
    e1 = (d * (1 + e0) * (1 - q + q * d) + 2 * q * d * (1 - d)) / (1 - 2 * q * d * (1 - d))
    return p * e1 + (1 - p) * e0


def test_check_includes_rework_skips_fixes_and_outages():
    p = run("check", WEAK, check=True)
    rows = {l.split()[0]: l.split() for l in p.stdout.splitlines() if l and l.split()[0] in
            {"sales", "purchasing", "production", "logistics"}}
    # Orders per hour: 0.0025 per customer of a base that settles a little below its 400.
    lam = json.loads(run("check", WEAK, "--json", check=True).stdout)["flows"]["standard"]["arrival_rate"]
    assert 0.95 < lam < 1
    redos = weak_link_redos()
    digits = {"rel": 5e-4}  # the text has 4 significant digits (README "Output conventions")
    assert float(rows["purchasing"][3]) == pytest.approx(lam * (1 + redos), **digits)
    # purchasing work: own service + rework (0.8 h each) + fixes it does for take_order's defects
    assert float(rows["purchasing"][4]) == pytest.approx(lam * (1.6 + redos * 0.8 + 0.02 * 0.5 * 0.5) / 2, **digits)
    # production: skipped 0.3% of the time, available 200 / (200 + 6) of the time
    assert float(rows["production"][3]) == pytest.approx(lam * 0.997, **digits)
    assert float(rows["production"][4]) == pytest.approx(lam * 0.997 * 3.2 / 4 / (200 / 206), **digits)
    p = run("check", WEAK, "--set", "links.purchase->produce.defect=1", "--set", "links.purchase->produce.detect=1")
    assert p.returncode == 3 and "UNSTABLE" in p.stdout


def test_compare_scenario_is_paired_and_narrower():
    doc = json.loads(run("run", WEAK, "--json", *SHORT, check=True).stdout)
    p = run("compare", WEAK, "--scenario", "better_supplier", "--json", *SHORT, check=True)
    cmp = json.loads(p.stdout)
    assert cmp["scenario"] == "better_supplier" and cmp["replications"] == 4
    row = cmp["kpis"]["rework_per_order"]
    assert set(row) == {"measured_in", "base_mean", "variant_mean", "diff_mean", "diff_ci_low", "diff_ci_high", "paired_half_width",
                        "unpaired_half_width", "n"}
    # The base of the comparison is the plain run, number for number.
    assert row["base_mean"] == doc["kpis"]["rework_per_order"]["mean"]
    assert row["diff_mean"] == pytest.approx(row["variant_mean"] - row["base_mean"], abs=1e-12)
    assert row["diff_mean"] < 0  # a better supplier means less rework
    lead = cmp["kpis"]["lead_time_mean"]
    assert lead["paired_half_width"] < lead["unpaired_half_width"]
    table = run("compare", WEAK, "--scenario", "better_supplier", *SHORT, check=True).stdout
    assert "unpaired_half_width" in table and "copq_per_order" in table


def test_rank_orders_links_by_cost():
    p = run("rank", WEAK, "--json", "--kpi", "rework_per_order", *SHORT, check=True)
    doc = json.loads(p.stdout)
    assert doc["kpi"] == "rework_per_order"
    names = [r["link"] for r in doc["links"]]
    assert set(names) == {"purchase->produce", "take_order->purchase", "skip:produce"}
    assert names[0] == "purchase->produce"  # the only link whose catches cause rework
    for r in doc["links"]:
        assert r["effect_ci_low"] <= r["effect_mean"] <= r["effect_ci_high"]
    assert "effect_mean" in run("rank", WEAK, *SHORT, check=True).stdout


@pytest.mark.parametrize("args,message", [
    (["compare", WEAK, "--scenario", "better_suplier"], "--scenario better_suplier: no such scenario in"),
    (["compare", CONFIGS / "chain.yaml", "--scenario", "x"], "the config has no scenarios section"),
    (["rank", WEAK, "--kpi", "copq"], "--kpi copq: unknown KPI (did you mean 'copq_per_order'?)"),
])
def test_bad_study_input_exits_2(args, message):
    p = run(*args)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr


def test_bad_scenario_in_file_is_positioned(config_file):
    text = edited(WEAK, ("{units.production.servers: 5, cost: 40}", "{units.production.servers: 0, cost: 40}"))
    cfg = config_file(text, "bad.yaml")
    p = run("run", cfg)
    assert p.returncode == 2
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "servers: 0," in l)
    assert p.stderr.startswith(f"{cfg}:{line}:")
    assert "scenarios.fifth_machine.units.production.servers: this change does not give a valid model: " \
           "units.production.servers: expected an integer from 1 to 1000000, got 0" in p.stderr
