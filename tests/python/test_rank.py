"""What fixing is worth (issue 9, item 3): es.rank and `eslabon rank` over every kind of weak point,
scenario costs, Shapley contributions and the budget plan. Short horizons and few replications: the
statistical properties are tested in C++ (tests/models/test_rank.cpp); here, that every door gives the
same numbers and that each row is what its `change` gives."""
from __future__ import annotations

import math

import pytest

import eslabon as es
from conftest import CONFIGS, WEAK, cli_json, run

SHORT = {"run.horizon": 3000, "run.warmup": 300}
CLI_SHORT = ["--horizon", "3000", "--warmup", "300", "--replications", "3", "--seed", "4"]
KINDS = {"defects", "delay", "skip", "outages", "staffing", "complaints", "scenario"}
COLUMNS = ["name", "kind", "change", "base_mean", "fixed_mean", "effect_mean", "effect_ci_low", "effect_ci_high",
           "n", "cost", "saving_mean", "net_mean", "net_ci_low", "net_ci_high", "return_mean", "shapley_mean",
           "shapley_ci_low", "shapley_ci_high", "ledger"]


@pytest.fixture(scope="module")
def short():
    return es.Model.from_yaml(WEAK).with_changes(SHORT)


@pytest.fixture(scope="module")
def ranked(short):
    return es.rank(short, replications=3, seed=4, shapley=True, budget=1.0)


def changes_of(row) -> dict[str, str]:
    return dict(part.split("=", 1) for part in row["change"].split(", "))


def test_every_kind_is_ranked_by_its_effect(ranked):
    assert list(ranked.columns) == COLUMNS
    assert set(ranked["kind"]) == KINDS
    effects = ranked["effect_mean"].abs().tolist()
    assert effects == sorted(effects, reverse=True)
    assert (ranked["n"] == 3).all()
    assert (ranked["effect_ci_low"] <= ranked["effect_mean"]).all()
    by = ranked.set_index(["kind", "name"])
    assert by.loc[("outages", "production"), "change"] == "units.production.outages=null"
    assert by.loc[("complaints", "complaints"), "change"] == "complaints.resolve=1"
    assert by.loc[("staffing", "production"), "change"] == "units.production.servers=5"
    assert by.loc[("delay", "purchase->produce"), "change"] == "links.purchase->produce.delay=0"
    assert by.loc[("scenario", "better_supplier"), "cost"] == 0.5


@pytest.mark.parametrize("kind,name", [("outages", "production"), ("complaints", "complaints"),
                                       ("delay", "purchase->produce")])
def test_a_row_is_what_its_change_gives(short, ranked, kind, name):
    row = ranked.set_index(["kind", "name"]).loc[(kind, name)]
    fixed = short.with_changes(changes_of(row)).run(replications=3, seed=4, progress=False).summary()
    assert row["fixed_mean"] == fixed.loc["copq_per_order", "mean"]


def test_shapley_sums_to_base_minus_every_fault_fixed(ranked):
    s = ranked.attrs["shapley"]
    assert s["method"] == "exact" and s["coalitions"] == 32 and s["permutations"] == 0
    faults = ranked[ranked["kind"].isin(["defects", "delay", "lost", "skip", "outages"])]
    assert faults["shapley_mean"].notna().all()
    assert ranked.loc[~ranked.index.isin(faults.index), "shapley_mean"].isna().all()
    assert faults["shapley_mean"].sum() == pytest.approx(s["total"]["mean"], rel=1e-9)
    # The ledger column: the base run's copq per order on each fault's origin, where it has one.
    assert faults.set_index(["kind", "name"]).loc[("defects", "purchase->produce"), "ledger"] > 0


def test_costed_scenarios_and_the_budget_plan(ranked):
    costed = ranked[ranked["cost"].notna()].set_index("name")
    assert set(costed.index) == {"better_supplier", "double_check", "fifth_machine"}
    assert costed["net_mean"].to_numpy() == pytest.approx((costed["saving_mean"] - costed["cost"]).to_numpy())
    assert costed.loc["fifth_machine", "net_mean"] < 0  # a machine costs far more than it saves
    plan = ranked.attrs["budget"]
    assert plan["budget"] == 1.0 and plan["method"] == "exhaustive"
    assert plan["cost"] <= 1.0
    assert "fifth_machine" not in plan["chosen"]
    assert plan["net"] == pytest.approx(costed.loc[plan["chosen"], "net_mean"].sum())


def test_cli_json_is_the_same_ranking(ranked):
    doc = cli_json("rank", WEAK, *CLI_SHORT, "--shapley", "--budget", "1")
    assert doc["kpi"] == "copq_per_order"
    assert len(doc["weak_points"]) == len(ranked)
    for (_, row), entry in zip(ranked.iterrows(), doc["weak_points"]):
        for col, value in entry.items():
            x = row[col]
            assert (value is None and (x is None or (isinstance(x, float) and math.isnan(x)))) or x == value, col
    assert doc["shapley"]["total"]["mean"] == ranked.attrs["shapley"]["total"]["mean"]
    assert doc["budget"]["chosen"] == ranked.attrs["budget"]["chosen"]
    # The old list stays: links' faults and skips, each also named under "link".
    assert {e["link"] for e in doc["links"]} == {"purchase->produce", "take_order->purchase", "skip:produce"}


def test_cli_table_shows_every_part():
    out = run("rank", WEAK, *CLI_SHORT, "--shapley", "--budget", "1", check=True).stdout
    for text in ["effect_mean", "shapley_mean", "ledger", "Shapley (exact, 32 runs)", "net_mean",
                 "budget 1 per time unit (exhaustive): "]:
        assert text in out, text


def test_rank_links_keeps_its_old_rows(short):
    rk = es.rank_links(short, replications=2, seed=4)
    assert set(rk["kind"]) == {"link", "skip"}
    assert list(rk.columns[:3]) == ["link", "kind", "change"]


def test_tornado_draws_the_new_frame(ranked):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    ax = es.plot.tornado(ranked)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "production (outages)" in labels and len(labels) == len(ranked)


@pytest.mark.parametrize("args,message", [
    (["--budget", "-1"], "--budget -1: expected a cost per time unit >= 0"),
    (["--kpi", "copq"], "--kpi copq: unknown KPI (did you mean 'copq_per_order'?)"),
])
def test_bad_rank_input_exits_2(args, message):
    p = run("rank", WEAK, *CLI_SHORT, *args)
    assert p.returncode == 2 and message in p.stderr


def test_bad_scenario_cost_exits_2(config_file):
    text = (CONFIGS / "chain.yaml").read_text() + "scenarios: {more: {units.sales.servers: 3, cost: lots}}\n"
    p = run("rank", config_file(text), *CLI_SHORT)
    assert p.returncode == 2
    assert "scenarios.more.cost: expected a number, got 'lots'" in p.stderr


def test_revenue_gains_and_other_kpis_have_no_net(short):
    rk = es.rank(short, kpi="lead_time_mean", replications=2, seed=4)
    assert rk["net_mean"].isna().all() and rk["saving_mean"].isna().all() and rk["ledger"].isna().all()
    rv = es.rank(short, kpi="revenue", replications=2, seed=4)
    s = rv[rv["cost"].notna()]
    # A gain per time unit: saving = fixed - base revenue.
    assert s["saving_mean"].to_numpy() == pytest.approx((s["fixed_mean"] - s["base_mean"]).to_numpy())
