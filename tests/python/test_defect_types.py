"""Defect types with severities (README "Weak links", "Defect types and severities"): the rows of each
(link, type) reach Python, in the cost ledger (r.origins) and in the links table (r.links), and rank
lists each type as a weak point of its own."""
import pytest

import eslabon as es
from conftest import WEAK

TYPES = {"minor": {"visible": 0.5, "complain": 0.2}, "major": {"detect": 0.95, "complain": 0.8, "cost": 250}}


def typed_weak_link():
    return es.Model.from_yaml(WEAK).with_changes({
        "defect_types": TYPES,
        "links.purchase->produce.defect": {"minor": 0.03, "major": 0.01},
        "run.horizon": 3000, "run.warmup": 300})


@pytest.mark.filterwarnings("ignore::eslabon.DriftWarning")  # a short run, here only for its rows
def test_type_rows_reach_python():
    m = typed_weak_link()
    assert m.origins[:3] == ["purchase->produce", "purchase->produce:minor", "purchase->produce:major"]
    r = m.run(replications=3, seed=2, progress=False)
    links, origins, reps = r.links, r.origins, r.replications
    assert {"purchase->produce:minor", "purchase->produce:major"} <= set(origins["origin"])
    assert set(links["link"]) == {"purchase->produce", "take_order->purchase", "purchase->produce:minor",
                                  "purchase->produce:major"}
    for rep, g in links.groupby("replication"):
        row = g.set_index("link")
        # The link's row holds the totals over its types; each type has its own.
        for stat in ["defects", "detected", "escaped"]:
            assert row.loc["purchase->produce", stat] == (row.loc["purchase->produce:minor", stat]
                                                          + row.loc["purchase->produce:major", stat])
        assert row.loc["purchase->produce:major", "handoffs"] == row.loc["purchase->produce", "handoffs"]
        # The ledger's rows still add up to the KPI, the new cost included.
        ledger = origins[origins["replication"] == rep]
        assert ledger["copq_per_order"].sum() == pytest.approx(reps.loc[rep, "copq_per_order"], rel=1e-9)
        major = ledger.set_index("origin").loc["purchase->produce:major"]
        assert major["copq"] >= 250 * major["visible_defects"]
    assert links[links["link"] == "purchase->produce"]["defects"].sum() > 0


def test_rank_lists_each_type():
    table = es.rank(typed_weak_link(), replications=2, seed=1, progress=False)
    rows = table[table["kind"] == "defect_type"]
    assert set(rows["name"]) == {"purchase->produce:minor", "purchase->produce:major"}
    assert set(rows["change"]) == {"links.purchase->produce.defect.minor=0", "links.purchase->produce.defect.major=0"}
    assert "purchase->produce" not in set(table[table["kind"] == "defects"]["name"])
