"""eslabon graph, Model.graph and es.plot.graph (README "Drawing the organisation"): the DOT text's
structure (every unit a node, every handoff between units an edge, weak links marked, widths growing
with the flow, flows that agree with the traffic equations), the SVG and PNG Graphviz makes of it, the
command end to end with its exit codes, and the colours of a real run's tables."""
from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import eslabon as es
from conftest import CONFIGS, WEAK, edited, run

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")


def layout(dot: str) -> tuple[dict[str, dict], list[dict]]:
    """The graph as Graphviz reads it (dot -Tjson): nodes by name, and edges with tail and head names;
    labels split into lines."""
    p = subprocess.run(["dot", "-Tjson"], input=dot, capture_output=True, text=True, check=True)
    assert p.stderr == "", p.stderr  # no warning either
    d = json.loads(p.stdout)
    nodes = {o["name"]: o for o in d["objects"]}
    for o in nodes.values():
        o["lines"] = o.get("label", "").split("\\n")
    edges = []
    for e in d["edges"]:
        e = dict(e, tail=d["objects"][e["tail"]]["name"], head=d["objects"][e["head"]]["name"])
        e["lines"] = e.get("label", "").split("\\n")
        edges.append(e)
    return nodes, edges


def unit_edges(edges: list[dict]) -> dict[tuple[str, str], dict]:
    return {(e["tail"][5:], e["head"][5:]): e for e in edges
            if e["tail"].startswith("unit:") and e["head"].startswith("unit:")}


def flow_of(edge: dict) -> float:
    return float(edge["lines"][-1].split("/")[0])


# --------------------------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------------------------

def test_weak_link_every_unit_a_node_every_handoff_an_edge_weak_links_marked():
    m = es.Model.from_yaml(WEAK)
    nodes, edges = layout(m.graph().dot)
    assert {n[5:] for n in nodes if n.startswith("unit:")} == set(m.units)
    ue = unit_edges(edges)
    assert set(ue) == {("sales", "purchasing"), ("purchasing", "production"), ("production", "logistics")}
    # The two weak links: red, dashed, named, with their defect and detect probabilities.
    for pair, link, text in [(("sales", "purchasing"), "take_order->purchase", "defect 0.02, detect 0.5"),
                             (("purchasing", "production"), "purchase->produce", "defect 0.03, detect 0.77")]:
        e = ue[pair]
        assert e["style"] == "dashed" and e["color"] == "#cb181d"
        assert e["lines"][:2] == [link, text]
    assert "style" not in ue[("production", "logistics")]
    # Every order passes every handoff (a skipped step still hands over): the flow's rate as check settles
    # it (the base of 400 ordering 0.0025 an hour each, below its full size: churn); the customer's orders
    # and deliveries, and the complaint desk with its complaints.
    rate = m.check()["flows"]["standard"]["arrival_rate"]
    assert 0.95 < rate < 1
    assert all(flow_of(e) == float(f"{rate:.3g}") for e in ue.values())
    by_pair = {(e["tail"], e["head"]): e for e in edges}
    assert flow_of(by_pair[("customer:in", "unit:sales")]) == float(f"{rate:.3g}")
    assert flow_of(by_pair[("unit:logistics", "customer:out")]) == float(f"{rate:.3g}")
    assert by_pair[("customer:out", "unit:service_desk")]["lines"][0] == "complaints"
    desk = nodes["unit:service_desk"]
    assert desk["peripheries"] == "2" and "complaint desk" in desk["lines"]
    # Labels: name, servers, utilisation of the traffic equations.
    load = m.offered_load()
    for u in m.units:
        lines = nodes[f"unit:{u}"]["lines"]
        assert lines[0] == u
        assert f"{load.loc[u, 'servers']:g} server" in " ".join(lines)
        assert f"utilisation {load.loc[u, 'utilisation']:.3g}" in lines


def test_fork_join_edges_and_node_sizes():
    m = es.Model.from_yaml(CONFIGS / "fork_join.yaml")
    nodes, edges = layout(m.graph().dot)
    assert {n[5:] for n in nodes if n.startswith("unit:")} == set(m.units)
    ue = unit_edges(edges)
    assert set(ue) == {("sales", "engineering"), ("sales", "purchasing"), ("engineering", "production"),
                       ("purchasing", "production"), ("production", "logistics")}
    assert not any(e.get("style") == "dashed" for e in edges)  # no weak links
    assert all(flow_of(e) == 0.5 for e in ue.values())
    # The fork's two branches both reach the join: production receives two handoffs per order.
    g = m.graph()
    assert g.edges[g.edges["head"] == "production"]["flow"].sum() == pytest.approx(1.0)
    # Node area grows with servers (sizes are minimums: the label may widen a node).
    servers = m.offered_load()["servers"]
    heights = {u: float(nodes[f"unit:{u}"]["height"]) for u in m.units}
    for a in m.units:
        for b in m.units:
            if servers[a] > servers[b]:
                assert heights[a] > heights[b]


@pytest.mark.parametrize("config", ["routing.yaml", "two_flows.yaml", "fork_join.yaml", "chain.yaml"])
def test_flows_are_the_traffic_equations_and_widths_grow_with_flow(config):
    m = es.Model.from_yaml(CONFIGS / config)
    g = m.graph()
    e = g.edges
    if config == "routing.yaml":  # exactly the routing probabilities times one order an hour
        got = {(t, h): f for t, h, f in zip(e["tail"], e["head"], e["flow"])}
        assert got == pytest.approx({("customer:in", "sales"): 1.0, ("sales", "express_desk"): 0.2,
                                     ("sales", "production"): 0.8, ("production", "quality"): 0.2,
                                     ("production", "logistics"): 0.6, ("quality", "logistics"): 0.2,
                                     ("express_desk", "logistics"): 0.2, ("logistics", "customer:out"): 1.0})
    # Flow into a unit = its arrival rate from the traffic equations, for units that serve one task per
    # order and no rework (fork_join's production joins two handoffs per job).
    load = m.offered_load()
    for u in m.units:
        inflow = e[e["head"] == u]["flow"].sum()
        if config == "fork_join.yaml" and u == "production":
            inflow /= 2
        if config != "routing.yaml" or u != "express_desk":  # express_desk also redoes rework
            assert inflow == pytest.approx(load.loc[u, "arrival_rate"], rel=1e-9), u
    # Widths: monotone in flow, 1 point for none, 8 for the largest.
    pairs = sorted(zip(e["flow"], e["penwidth"]))
    for (f1, p1), (f2, p2) in zip(pairs, pairs[1:]):
        assert (p2 > p1) if f2 > f1 else (p2 == pytest.approx(p1))
    assert e["penwidth"].max() == pytest.approx(8.0)
    nodes, edges = layout(g.dot)
    assert sorted(float(x["penwidth"]) for x in edges) == pytest.approx(sorted(e["penwidth"]), abs=1e-3)


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

def test_svg_and_png():
    m = es.Model.from_yaml(WEAK)
    g = m.graph()
    svg = g.svg()
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    texts = {t.text for t in root.iter() if t.tag.endswith("text")}
    assert set(m.units) <= texts
    assert g._repr_svg_() == svg
    assert g.png().startswith(b"\x89PNG\r\n\x1a\n")
    assert repr(g) == "Graph(5 units, 6 edges, colour by utilisation)"


def test_save_by_extension(tmp_path):
    g = es.Model.from_yaml(WEAK).graph()
    for ext, head in [("svg", b"<?xml"), ("png", b"\x89PNG"), ("dot", b"digraph")]:
        g.save(tmp_path / f"org.{ext}")
        assert (tmp_path / f"org.{ext}").read_bytes().startswith(head)
    with pytest.raises(ValueError, match="expected a file ending in .svg, .png or .dot"):
        g.save(tmp_path / "org.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org.dot", "org.png", "org.svg"]  # no temporary left


def test_missing_graphviz_is_a_clear_error(tmp_path, monkeypatch):
    g = es.Model.from_yaml(WEAK).graph()
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="Graphviz's dot was not found on PATH"):
        g.svg()
    g.save(tmp_path / "org.dot")  # the DOT text needs no Graphviz


def test_plot_graph_draws_into_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = es.Model.from_yaml(WEAK)
    fig, (a, b) = plt.subplots(1, 2)
    assert es.plot.graph(m, ax=b) is b
    assert len(b.images) == 1 and not b.axison and len(a.images) == 0
    alone = es.plot.graph(m)
    h, w = alone.images[0].get_array().shape[:2]
    assert w > h > 0  # a left-to-right chain
    plt.close("all")


def test_graph_api_is_annotated():
    for fn in [es.plot.graph, es.Model.graph, es.Graph.render, es.Graph.svg, es.Graph.png, es.Graph.save]:
        sig = inspect.signature(fn)
        assert all(p.annotation is not inspect.Parameter.empty for p in sig.parameters.values()
                   if p.name != "self"), fn
        assert sig.return_annotation is not inspect.Signature.empty, fn


# --------------------------------------------------------------------------------------------
# Colours from a real run
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def weak_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("graph") / "run.h5"
    run("run", WEAK, "--replications", "3", "--seed", "1", "-o", out, check=True)
    return out


def expected_copq_per_unit(r) -> dict[str, float]:
    """The ledger's rows where they began, for weak_link.yaml: a unit's own causes, and each link (its
    defects and its delay) and skipped step at its supplier's unit."""
    rows = r.origin_summary().xs("copq_per_order", level="stat")["mean"]
    at = {"purchase->produce": "purchasing", "delay:purchase->produce": "purchasing",
          "take_order->purchase": "sales", "skip:produce": "production"}
    out = {u: 0.0 for u in ["sales", "purchasing", "production", "logistics", "service_desk"]}
    for origin, v in rows.items():
        unit = at.get(origin) or (origin.split(":", 1)[1] if ":" in origin else None)
        if unit is None:
            assert v == 0, origin  # (unattributed)
            continue
        out[unit] += v
    return out


def test_colour_by_copq_matches_the_ledger(weak_run, tmp_path):
    dot = tmp_path / "org.dot"
    p = run("graph", WEAK, "--results", weak_run, "-o", dot, check=True)
    assert p.stdout.strip() == f"graph written to {dot}"
    r = es.read_hdf5(weak_run)
    want = expected_copq_per_unit(r)
    nodes, edges = layout(dot.read_text())
    for u, v in want.items():
        assert f"copq {v:.3g} /order" in nodes[f"unit:{u}"]["lines"], u
        util = r.unit_summary().loc[(u, "utilisation"), "mean"]
        assert f"utilisation {util:.3g}" in nodes[f"unit:{u}"]["lines"], u  # simulated, with results
    assert sum(want.values()) == pytest.approx(r.summary().loc["copq_per_order", "mean"], rel=1e-9)
    # The scale runs from 0 to the largest: that unit has the top colour, the desk (nothing) the bottom.
    top = max(want, key=want.get)
    assert nodes[f"unit:{top}"]["fillcolor"] == "#800026"
    assert nodes["unit:service_desk"]["fillcolor"] == "#ffffcc"
    # A weak link's edge carries its own origin's copq; the complaints edge the run's complaint rate.
    link = unit_edges(edges)[("purchasing", "production")]
    assert f"copq {r.origin_summary().loc[('purchase->produce', 'copq_per_order'), 'mean']:.3g} /order" in link["lines"]
    s = r.summary()
    complaints = s.loc["complaint_rate", "mean"] * s.loc["throughput", "mean"]
    assert [e for e in edges if e["head"] == "unit:service_desk"][0]["lines"][1] == f"{complaints:.3g}/h"
    # The same DOT from Python, from the file or from a Result of the same run.
    assert es.Model.from_yaml(WEAK).graph(results=r).dot == dot.read_text()


def test_colour_by_escaped_matches_the_links_table(weak_run, tmp_path):
    dot = tmp_path / "org.dot"
    run("graph", WEAK, "--results", weak_run, "--color", "escaped", "-o", dot, check=True)
    r = es.read_hdf5(weak_run)
    escaped = r.link_summary().xs("escaped", level="stat")["mean"]
    nodes, _ = layout(dot.read_text())
    want = {"sales": escaped["take_order->purchase"], "purchasing": escaped["purchase->produce"],
            "production": 0.0, "logistics": 0.0, "service_desk": 0.0}
    for u, v in want.items():
        assert f"escaped {v:.3g}" in nodes[f"unit:{u}"]["lines"], u
    assert "defects of skipped steps are not counted" in dot.read_text()  # in the title: skip:produce


def test_python_refuses_results_of_another_model(weak_run):
    chain = es.Model.from_yaml(CONFIGS / "chain.yaml")
    with pytest.raises(ValueError, match="not of 'order-to-delivery chain'"):
        chain.graph(results=es.read_hdf5(weak_run))
    with pytest.raises(ValueError, match="needs results"):
        chain.graph(color="copq")
    with pytest.raises(ValueError, match="color must be one of"):
        chain.graph(color="cost")


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------

def test_cli_default_output_and_same_dot_as_python(tmp_path):
    p = run("graph", WEAK, cwd=tmp_path, check=True)
    assert p.stdout.strip() == "graph written to weak_link.svg"
    root = ET.parse(tmp_path / "weak_link.svg").getroot()
    assert root.tag.endswith("svg")
    run("graph", WEAK, "-o", tmp_path / "org.png", check=True)
    assert (tmp_path / "org.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    run("graph", WEAK, "-o", tmp_path / "org.dot", "--set", "units.sales.servers=3", check=True)
    want = es.Model.from_yaml(WEAK).with_changes({"units.sales.servers": 3}).graph().dot
    assert (tmp_path / "org.dot").read_text() == want
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org.dot", "org.png", "weak_link.svg"]


def test_cli_bad_inputs_exit_2_and_write_nothing(tmp_path, weak_run, config_file):
    bad = config_file(edited(WEAK, ("production:   {servers: 4,", "production:   {servers: 4, capacty: 3,")), "bad.yaml")
    good = config_file(WEAK.read_text(), "wl.yaml")
    os.symlink(good, tmp_path / "wl.dot")
    (tmp_path / "adir.svg").mkdir()
    chain = tmp_path / "chain.h5"
    run("run", CONFIGS / "chain.yaml", "--replications", "2", "-o", chain, check=True)
    before = sorted(p.name for p in tmp_path.iterdir())
    cases = [
        ([bad, "-o", "x.svg"], "units.production.capacty: unknown key (did you mean 'capacity'?)"),
        ([good, "--results", "nope.h5", "-o", "x.svg"], "--results nope.h5: no such file"),
        ([good, "--results", bad, "-o", "x.svg"], "expected a results file of eslabon run -o, cannot read it"),
        ([good, "--results", chain, "-o", "x.svg"], "holds results of model 'order-to-delivery chain', not of "
                                                    "'order-to-delivery chain with weak links'"),
        ([good, "-o", "x.pdf"], "-o x.pdf: expected a file ending in .svg, .png or .dot, found '.pdf'"),
        ([good, "-o", "adir.svg"], "-o adir.svg: expected a regular file (or a new name), found a directory"),
        # The directory as given, as `eslabon run -o` says it (one check, output_path.cpp).
        ([good, "-o", "nodir/x.svg"], "-o nodir/x.svg: expected a file in an existing directory, found no "
                                      "directory nodir\n"),
        ([good, "-o", "wl.dot"], "-o wl.dot: expected an output file, found the config file itself"),
        ([good, "--set", "units.prodution.servers=5", "-o", "x.svg"],
         "--set units.prodution.servers=5: units.prodution: no such key in the config (did you mean 'production'?)"),
        ([good, "--set", "units", "-o", "x.svg"], "--set units: expected PATH=VALUE"),
        ([good, "--color", "copq", "-o", "x.svg"], "--color copq needs --results"),
        ([good, "--color", "cost", "-o", "x.svg"], "invalid choice: 'cost'"),
        ([tmp_path / "none.yaml", "-o", "x.svg"], "cannot read the file (does it exist?)"),
    ]
    for args, message in cases:
        p = run("graph", *args, cwd=tmp_path)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert message in p.stderr, (args, p.stderr)
        assert sorted(x.name for x in tmp_path.iterdir()) == before, args
    # A results file is an input too: never overwritten (it cannot even be named .svg by eslabon run,
    # but a copy can).
    shutil.copy(weak_run, tmp_path / "run.svg")
    p = run("graph", good, "--results", tmp_path / "run.svg", "-o", tmp_path / "run.svg")
    assert p.returncode == 2 and "expected an output file, found the results file" in p.stderr


def test_cli_without_graphviz_fails_for_pictures_only(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))
    p = run("graph", WEAK, "-o", tmp_path / "org.svg", env=env)
    assert p.returncode == 1 and "Graphviz's dot was not found on PATH" in p.stderr
    assert not (tmp_path / "org.svg").exists()
    run("graph", WEAK, "-o", tmp_path / "org.dot", env=env, check=True)
    assert (tmp_path / "org.dot").read_text().startswith("digraph")


def test_cli_help():
    p = run("graph", "--help", check=True)
    assert p.stdout.startswith("usage: eslabon graph") and "--results" in p.stdout
