"""The notebooks in notebooks/ run top to bottom in the `eslabon` Jupyter kernel and say what they should.

Each notebook is executed with nbclient, as `make notebook` users would run it. A probe cell appended in
memory (never saved) prints the notebook's own variables as JSON, so the assertions check numbers, not
how a table happened to be formatted.
"""
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = ROOT / "notebooks"
KERNEL = "eslabon"
MARK = "@@probe@@"
NAMES = ["01_quickstart.ipynb", "02_cost_of_a_weak_link.ipynb", "03_staffing_what_if.ipynb",
         "04_people_and_pressure.ipynb"]
# Messages a fresh machine may print once, which are not the notebook's fault.
HARMLESS_STDERR = ("Matplotlib is building the font cache",)


def execute(name, probe, monkeypatch):
    """Run notebook `name` with `probe` appended; return (executed notebook, probe's JSON, seconds)."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f"import json as _json\nprint({MARK!r}, _json.dumps({probe}))"))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend must draw the figures
    # Test the package of the build under test (make test-python sets ESLABON_BIN to $(BUILD)/eslabon).
    bin_ = os.environ.get("ESLABON_BIN")
    if bin_ and (Path(bin_).parent / "python" / "eslabon").is_dir():
        path = [str(Path(bin_).parent / "python"), *filter(None, [os.environ.get("PYTHONPATH")])]
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path))
    start = time.monotonic()
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    seconds = time.monotonic() - start
    print(f"{name}: {seconds:.1f} s")

    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{name}: cell {i} did not run"
        for out in cell.outputs:
            assert out.output_type != "error", f"{name}: cell {i}: {out.get('ename')}: {out.get('evalue')}"
            if out.output_type == "stream" and out.name == "stderr":
                text = "".join(line for line in out.text.splitlines(keepends=True)
                               if line.strip() and not line.startswith(HARMLESS_STDERR))
                assert not text, f"{name}: cell {i} wrote to stderr:\n{text}"
    # The kernel may send one print in several stream messages (a long probe line often is): join them first.
    text = "".join(out.text for out in nb.cells[-1].outputs if out.output_type == "stream" and out.name == "stdout")
    lines = [line for line in text.splitlines() if line.startswith(MARK)]
    assert len(lines) == 1, f"{name}: the probe printed {nb.cells[-1].outputs}"
    return nb, json.loads(lines[0][len(MARK):]), seconds


# Probe expressions for a figure's artists (the probe is one expression: no imports of its own).
HEX = "__import__('matplotlib').colors.to_hex"
DUE_LINES = "[{{'label': l.get_label(), 'x': list(map(float, l.get_xdata())), 'y': list(map(float, l.get_ydata()))}} " \
            "for l in {ax}.get_lines() if l.get_label().startswith('due')]"
LEGEND = ("[{{'label': t.get_text(), 'colour': " + HEX + "(h.get_color() if hasattr(h, 'get_color') else h.get_facecolor())}} "
          "for t, h in zip({ax}.get_legend().get_texts(), getattr({ax}.get_legend(), 'legend_handles', None) "
          "or {ax}.get_legend().legendHandles)]")


def images(nb):
    return [out.data["image/png"] for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
            if out.output_type in ("display_data", "execute_result") and "image/png" in out.get("data", {})]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_clean(name):
    """No outputs in git, and the eslabon kernel (Debian's python3 kernel is the system Python, without eslabon)."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == KERNEL
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: cell {i} has stored output"
    assert nb.cells[0].cell_type == "markdown", f"{name}: should open by saying what it is for"


def test_kernel_the_notebooks_name_imports_eslabon():
    """What `make notebook` does on opening a notebook: find the kernel its metadata names (as Jupyter
    run from .venv finds it) and start that interpreter, which must import eslabon with no PYTHONPATH
    (the interpreter's own path: .venv's .pth to build/python, or the installed package)."""
    from jupyter_client.kernelspec import KernelSpecManager

    names = {nbformat.read(NOTEBOOKS / name, as_version=4).metadata["kernelspec"]["name"] for name in NAMES}
    assert names == {KERNEL}
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    python = spec.argv[0]
    if python in ("python", "python3"):  # jupyter_client runs its own interpreter for these
        python = sys.executable
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | spec.env
    out = subprocess.run([python, "-c", "import eslabon, sys; print(sys.executable); print(eslabon.__version__)"],
                         capture_output=True, text=True, cwd=NOTEBOOKS, env=env, timeout=300)
    assert out.returncode == 0, f"kernel {KERNEL} ({spec.resource_dir}): {out.stderr}"
    import eslabon
    assert out.stdout.split()[1] == eslabon.__version__


def test_quickstart(monkeypatch):
    nb, v, _ = execute("01_quickstart.ipynb", """{
        "kpis": r.summary()["mean"].to_dict(),
        "n": r.summary()["n"].to_dict(),
        "horizon": quick.horizon, "config_horizon": m.horizon,
        "orders": len(r.orders), "tagged": float(r.replications["orders_arrived"].sum()),
        "units": units.index.tolist(),
        "simulated": units["utilisation"].to_dict(),
        "offered": m.offered_load()["utilisation"].to_dict(),
        "hist_due": """ + DUE_LINES.format(ax="hist_ax") + """,
        "reps_due": """ + DUE_LINES.format(ax="reps_ax") + """,
        "hist_xlabel": hist_ax.get_xlabel(), "reps_ylabel": reps_ax.get_ylabel(),
        "hist_legend": [t.get_text() for t in hist_ax.get_legend().get_texts()],
    }""", monkeypatch)
    assert v["horizon"] < v["config_horizon"], "the notebook should shorten the run"
    assert v["n"]["lead_time_mean"] == 10
    k = v["kpis"]
    assert 0 < k["lead_time_p50"] < k["lead_time_mean"] < k["lead_time_p95"]
    assert 0 < k["on_time_rate"] < 1
    assert k["throughput"] == pytest.approx(1.0, rel=0.05)  # one order per hour
    assert v["orders"] == v["tagged"]  # orders=True recorded every tagged order of every replication
    assert v["units"] == ["sales", "purchasing", "production", "logistics"]
    for unit, rho in v["offered"].items():
        assert v["simulated"][unit] == pytest.approx(rho, abs=0.05), unit
    assert len(images(nb)) == 2  # histogram, and the per-replication view
    # Both lead-time plots are in hours and mark the promise (chain.yaml: due 24h) with the on-time share.
    assert v["hist_xlabel"] == "lead time (hours)" and v["reps_ylabel"] == "lead time (hours)"
    label = f"due 24 hours: {k['on_time_rate']:.0%} on time"
    assert v["hist_due"] == [{"label": label, "x": [24, 24], "y": [0, 1]}]
    assert label in v["hist_legend"]
    assert [(d["label"], d["y"]) for d in v["reps_due"]] == [(label, [24, 24])]


def test_cost_of_a_weak_link(monkeypatch):
    nb, v, _ = execute("02_cost_of_a_weak_link.ipynb", """{
        "reps": REPS, "horizon": m.horizon, "config_horizon": es.Model.from_yaml(CONFIGS / "weak_link.yaml").horizon,
        "drifting": int(r.drift["drifting"].sum()),
        "copq": r.summary().loc["copq_per_order", ["mean", "ci_low", "ci_high"]].to_dict(),
        "causes": causes.to_dict("index"), "causes_order": causes.index.tolist(), "causes_total": causes.attrs,
        "ledger": ledger.to_dict("index"), "by_kind": by_kind.to_dict("index"),
        "ranking": ranking.drop(columns=["change"]).to_dict("records"),
        "kpi": ranking.attrs["kpi"], "shapley": ranking.attrs["shapley"], "budget": ranking.attrs["budget"],
        "queue_without_outages": r_no.causes.loc["queue:production", ["time", "time_ci_high"]].to_dict(),
        "worst": worst["name"], "fixed_changes": fixed.changes, "cmp": cmp.to_dict("index"),
        "staff": staff.to_dict("index"),
        "graph_nodes": sorted(org.nodes.index), "units": sorted(m.units),
        "report": open(report_path, encoding="utf-8").read(),
        "bars": [len(a.patches) for a in [*causes_axes, tornado_ax, hw_ax]],
        "xlabels": [a.get_xlabel() for a in [*causes_axes, tornado_ax]], "rel": rel.to_dict("list"),
        "hw_legend": """ + LEGEND.format(ax="hw_ax") + """,
        "hw_bars": {c.get_label(): {"colour": """ + HEX + """(c.patches[0].get_facecolor()),
                                    "widths": [float(b.get_width()) for b in c.patches]} for c in hw_ax.containers},
    }""", monkeypatch)
    assert v["horizon"] < v["config_horizon"], "the notebook should shorten the run"
    assert v["drifting"] == 0, "the short run must still be stationary"
    copq, causes = v["copq"], v["causes"]
    # The organisation drawn: a box per unit; the report holds every section and loads nothing.
    assert v["graph_nodes"] == v["units"]
    for section in ("summary", "model", "graph", "kpis", "causes", "weak-points"):
        assert f'id="{section}"' in v["report"], section
    assert "src=\"http" not in v["report"] and "data:image/svg+xml" in v["report"]

    # Who pays: the ledger's rows add up to the KPI, and (unattributed) keeps under 5% of it.
    assert sum(c["copq"] for c in causes.values()) == pytest.approx(copq["mean"], rel=1e-9)
    assert v["causes_total"]["copq_per_order"]["mean"] == pytest.approx(copq["mean"])
    assert v["ledger"]["(unattributed)"]["copq_share"] < 0.05
    assert sum(row["copq_per_order"] for row in v["ledger"].values()) == pytest.approx(copq["mean"], rel=1e-9)
    # Queues own most of the lateness and most of the cost; the top cost cause is a queue; the work
    # itself costs next to nothing (the promise is looser than the work).
    top = v["causes_order"][0]
    assert top.startswith("queue:"), top
    assert causes[top]["copq_ci_low"] > max(c["copq_ci_high"] for n, c in causes.items() if not n.startswith("queue:"))
    by_kind = v["by_kind"]
    assert by_kind["queue"]["lateness_share"] > 0.5 and by_kind["queue"]["copq_share"] > 0.5
    assert by_kind["service"]["copq_share"] < 0.05
    # Each link owns its defects' rework (time) and their cost; the skipped step causes no rework.
    for link in ["purchase->produce", "take_order->purchase"]:
        assert causes[link]["time_ci_low"] > 0 and causes[link]["copq_ci_low"] > 0, link
    skip_time = causes["skip:produce"]["time"]
    assert (math.isnan(skip_time) or skip_time == 0) and causes["skip:produce"]["copq"] > 0
    # Every cause of delay of this chain is in the ledger with a cost.
    for cause in ["outage:production", "delay:purchase->produce"]:
        assert causes[cause]["copq_ci_low"] > 0, cause

    # What fixing is worth: every kind of weak point is ranked, on copq_per_order.
    assert v["kpi"] == "copq_per_order"
    rows = {(row["name"], row["kind"]): row for row in v["ranking"]}
    kinds = {kind for _, kind in rows}
    assert {"defects", "delay", "skip", "outages", "staffing", "complaints", "scenario"} <= kinds, kinds
    effects = [row["effect_mean"] for row in v["ranking"]]
    assert effects == sorted(effects, key=abs, reverse=True)
    # Shapley values of the faults add up to base - every fault fixed exactly; only faults have one.
    sh = v["shapley"]
    faults = [row for row in v["ranking"] if row["shapley_mean"] == row["shapley_mean"]]  # not NaN
    assert {row["kind"] for row in faults} == {"defects", "delay", "skip", "outages"}
    assert sh["method"] == "exact" and sh["coalitions"] == 2 ** len(faults)
    total = sh["total"]["mean"]
    assert sum(row["shapley_mean"] for row in faults) == pytest.approx(total, rel=1e-9, abs=1e-9)
    # The faults explain a minority of the cost; capacity and complaint handling are worth more than
    # fixing any single weak link.
    assert sh["total"]["ci_high"] < 0.5 * copq["mean"]
    link_faults = max(row["effect_ci_high"] for row in v["ranking"] if row["kind"] in ("defects", "delay", "skip"))
    assert max(row["effect_ci_low"] for row in v["ranking"] if row["kind"] == "staffing") > link_faults
    assert rows[("complaints", "complaints")]["effect_ci_low"] > link_faults
    # Outages are worth more than their ledger row: the queue they leave behind shrinks without them.
    out = rows[("production", "outages")]
    assert out["ledger"] == pytest.approx(causes["outage:production"]["copq"])
    assert out["effect_ci_low"] > out["ledger"]
    assert v["queue_without_outages"]["time_ci_high"] < causes["queue:production"]["time_ci_low"]
    # The ledger column is the base run's row: a link's origin on its defects row, a unit's queue on staffing.
    assert rows[("purchase->produce", "defects")]["ledger"] == pytest.approx(causes["purchase->produce"]["copq"])
    assert rows[("purchasing", "staffing")]["ledger"] == pytest.approx(causes["queue:purchasing"]["copq"])

    # One paired comparison: the supplier's defects fixed. The same runs as the ranking's row, and pairing
    # buys at least a factor of 3 in precision on cost and lead time (the acceptance criterion of issue 4).
    assert v["worst"] == "purchase->produce"
    assert "links.purchase->produce.defect" in v["fixed_changes"]
    worst = rows[("purchase->produce", "defects")]
    assert worst["effect_ci_low"] > rows[("take_order->purchase", "defects")]["effect_mean"]
    c = v["cmp"]
    assert c["copq_per_order"]["diff_ci_high"] < 0
    assert c["copq_per_order"]["diff_mean"] == pytest.approx(-worst["effect_mean"])
    assert c["orders_arrived"]["diff_ci_low"] > 0, "fewer customers lost, more orders"
    for kpi in ["copq_per_order", "lead_time_mean"]:
        assert c[kpi]["n"] == v["reps"]
        assert c[kpi]["paired_half_width"] <= c[kpi]["unpaired_half_width"] / 3, kpi

    # Scenarios and the budget plan: the fifth machine does not pay; the plan fits the budget, holds only
    # scenarios that pay, and beats every single one of them.
    assert rows[("fifth_machine", "scenario")]["net_ci_high"] < 0
    plan = v["budget"]
    nets = {name: row["net_mean"] for (name, kind), row in rows.items() if kind == "scenario"}
    assert plan["budget"] == 1 and plan["chosen"] and plan["cost"] <= plan["budget"]
    assert all(nets[name] > 0 for name in plan["chosen"])
    assert plan["net"] == pytest.approx(sum(nets[name] for name in plan["chosen"]))
    assert plan["net"] >= max(n for name, n in nets.items() if rows[(name, "scenario")]["cost"] <= 1)
    # At the departments' hourly cost, no extra server pays for itself on the cost of poor quality.
    for unit, s in v["staff"].items():
        assert s["saving_high"] < s["server cost per hour"], unit

    # Three figures (the causes' waterfalls, the tornado, the half-widths), none of them empty.
    assert len(images(nb)) == 3
    assert all(n > 0 for n in v["bars"]), v["bars"]
    # Every axis says its unit; the half-widths' legend names each bar series in its own colour.
    assert v["xlabels"] == ["hours per delivered order", "cost of poor quality per delivered order (currency)",
                            "copq_per_order: base - fixed\n(currency per delivered order)"]
    assert [e["label"] for e in v["hw_legend"]] == ["paired", "unpaired"]
    for e in v["hw_legend"]:
        bars = v["hw_bars"][e["label"]]
        assert bars["colour"] == e["colour"], e
        assert bars["widths"] == pytest.approx(v["rel"][e["label"]])
    assert max(v["hw_bars"]["paired"]["widths"]) < 1 and v["hw_bars"]["unpaired"]["widths"] == pytest.approx([1] * 4)


def test_staffing_what_if(monkeypatch):
    nb, v, _ = execute("03_staffing_what_if.ipynb", """{
        "grid": {k: list(vals) for k, vals in grid.items()},
        "points": len(df) // df["kpi"].nunique(),
        "pool_equal": bool(df.equals(df_pool)),
        "lead": table("lead_time_mean").to_dict(),
        "copq": table("copq_per_order").to_dict(),
        "diff": c.loc["copq_per_order", ["diff_ci_low", "diff_ci_high", "unpaired_half_width"]].to_dict(),
        "legend": """ + LEGEND.format(ax="cost_ax") + """,
        "legends": [a.get_legend() is not None for a in axes], "ylabels": [a.get_ylabel() for a in axes],
        "lines": {l.get_label(): {"x": [int(x) for x in l.get_xdata()], "y": [float(y) for y in l.get_ydata()],
                                  "colour": """ + HEX + """(l.get_color())} for l in cost_ax.get_lines()},
        "heat": heat_ax.images[0].get_array().tolist(),
        "heat_x": [t.get_text() for t in heat_ax.get_xticklabels()],
        "heat_y": [t.get_text() for t in heat_ax.get_yticklabels()],
        "heat_texts": [t.get_text() for t in heat_ax.texts], "heat_bar": heat_ax.figure.axes[-1].get_ylabel(),
    }""", monkeypatch)
    servers, defects = v["grid"]["units.production.servers"], v["grid"]["links.purchase->produce.defect"]
    assert v["points"] == len(servers) * len(defects)
    assert v["pool_equal"], "the process-pool sweep should equal the in-process one"
    for d in map(str, defects):  # to_dict keys became strings through JSON
        lead = {int(s): x for s, x in v["lead"][d].items()}
        assert lead[3] > lead[4] > lead[6], f"more production staff, shorter lead times (defect {d})"
    for s in map(str, servers):
        copq = [v["copq"][str(d)][s] for d in defects]
        assert copq == sorted(copq), f"more supplier defects, higher cost of poor quality ({s} servers)"
    assert v["diff"]["diff_ci_low"] > 0  # 3% -> 6% defects costs money, and the paired CI says so
    assert len(images(nb)) == 2  # the three sweep panels, the heat map

    # The cost panel's legend names each line by its own supplier defect rate, in that line's colour, and
    # each line is that rate's costs (the legend once named the 0.03 line 0.06: labels given without handles).
    assert v["legends"] == [False, False, True]
    assert [e["label"] for e in v["legend"]] == [str(d) for d in defects]
    assert len({e["colour"] for e in v["legend"]}) == len(defects)
    for e in v["legend"]:
        line = v["lines"][e["label"]]
        assert line["colour"] == e["colour"], e
        assert line["x"] == sorted(servers)
        assert line["y"] == [v["copq"][e["label"]][str(s)] for s in sorted(servers)], e["label"]
    assert v["ylabels"] == ["lead_time_mean (hours)", "on_time_rate (share of delivered orders)",
                            "copq_per_order\n(currency per delivered order)"]
    # The heat map: rows the defect rates (up), columns the servers, each cell that point's mean cost.
    assert v["heat_x"] == [str(s) for s in sorted(servers)] and v["heat_y"] == [f"{d:g}" for d in sorted(defects)]
    assert v["heat"] == [[v["copq"][str(d)][str(s)] for s in sorted(servers)] for d in sorted(defects)]
    assert len(v["heat_texts"]) == len(servers) * len(defects) and all("\n±" in t for t in v["heat_texts"])
    assert v["heat_bar"] == "mean copq_per_order\n(currency per delivered order)"


def test_people_and_pressure(monkeypatch):
    nb, v, _ = execute("04_people_and_pressure.ipynb", """{
        "kpis": r.summary()["mean"].to_dict(), "offered": m.offered_load()["utilisation"].to_dict(),
        "delays": delays.to_dict("index"), "by_kind": by_kind.to_dict("index"),
        "shipped_days": [int(d) for d in shipped_days],
        "shipped_hours": [int(shipped_hours.min()), int(shipped_hours.max())],
        "after_three": float((shipped_hours >= 15).mean()),
        "grid": on_time_by_hour(r).reindex(index=range(7), columns=range(24)).values.tolist(),
        "by_day": by_day.to_dict(), "today_shifts": plans["today"], "config_shifts": units["sales"]["shifts"],
        "table": table.to_dict("index"), "plan_days": plan_days.to_dict("index"), "best": best,
        "head": head.to_dict("index"), "weekend_late": float(weekend_late),
        "best_delays": r_best.delays.to_dict("index"),
        "best_grid": on_time_by_hour(r_best).reindex(index=range(7), columns=range(24)).values.tolist(),
        "staff": STAFF, "people": rp.summary()[["mean", "ci_low", "ci_high"]].to_dict("index"),
        "drifting": int(rp.drift["drifting"].sum()), "utilisation": utilisation.to_dict(),
        "people_causes": people_causes.to_dict("index"), "people_order": people_causes.index.tolist(),
        "ranking": ranking.to_dict("records"), "cc": cc.to_dict("index"),
        "ledgers": ledgers.to_dict("index"), "queue_change": float(queue_change),
        "pressure": pressure, "defect": DEFECT, "burst_changes": burst.changes, "scenario": pm.scenarios["burst"],
        "burst_window": [BURST_START, BURST_END], "horizon": pm.horizon, "arrival": ARRIVAL,
        "regimes": {f"{run} {stat}": v for (run, stat), v in regimes.to_dict().items()},
        "regime_drift": {name: res.drift["drifting"].to_dict() for name, res in [("calm", rcalm), ("burst", rburst)]},
        "windows": {name: w.reset_index().to_dict("list") for name, w in windows.items()},
        "slope": float(slope), "levels": levels.to_dict("list"), "jammed": float(jammed),
        "tipped": tipped.reset_index().to_dict("list"), "tip_reps": TIP_REPS,
        "pranking": pranking.to_dict("records"),
        "whatif": {f"{name}|{kpi}": row for (name, kpi), row in whatif.to_dict("index").items()},
        "speed": speed.loc["lead_time_mean", ["diff_ci_low", "diff_ci_high"]].to_dict(), "top_two": float(top_two),
        "bars": {f"{name}|{kpi}": row for (name, kpi), row in bars.to_dict("index").items()},
        "levers_xlabel": levers_ax.get_xlabel(),
        "levers_legend_below": bool(levers_ax.get_legend().get_window_extent().y1 <= levers_ax.get_window_extent().y0),
    }""", monkeypatch)
    # 1. The shift plan. No department is overloaded on average, yet a quarter of the orders are late.
    assert all(0.6 <= u <= 0.7 for u in v["offered"].values()), v["offered"]
    assert 0.7 < v["kpis"]["on_time_rate"] < 0.8
    # The calendar breaks the promise: closed departments hold most of the lead time and nearly all the
    # lateness, the sales desk above all; queues a small part of the lateness.
    delays, by_kind = v["delays"], v["by_kind"]
    assert sum(d["time"] for d in delays.values()) == pytest.approx(v["kpis"]["lead_time_mean"], rel=1e-9)
    assert by_kind["closed"]["lead_share"] > 0.5 and by_kind["closed"]["lateness_share"] > 0.85
    assert by_kind["queue"]["lateness_share"] < 0.15
    top = max(delays, key=lambda c: delays[c]["lateness_share"])
    assert top == "closed:sales" and max(delays, key=lambda c: delays[c]["time"]) == "closed:sales"
    assert delays["closed:sales"]["ci_low"] > max(d["ci_high"] for c, d in delays.items() if c != "closed:sales")
    # Read as dates, deliveries leave Monday to Saturday in shipping's hours (07:00-15:00, the parcel in
    # hand finished, so a few after three), never on a Sunday.
    assert v["shipped_days"] == [0, 1, 2, 3, 4, 5]
    assert v["shipped_hours"][0] >= 7 and 0 < v["after_three"] < 0.05
    # Which orders are late: every Saturday arrival; Friday evening's and Sunday's nearly all; Monday's
    # early orders, and Tuesday's more than Wednesday's and Thursday's; from Tuesday to Friday, noon to
    # the desk's closing time, nearly none.
    grid, by_day = v["grid"], v["by_day"]
    assert by_day["Saturday"] == 0 and by_day["Sunday"] < 0.25
    assert max(grid[4][18:]) == 0  # Friday from 18:00
    early = [sum(grid[d][:8]) / 8 for d in range(4)]  # Monday to Thursday, 00:00-08:00
    assert early[0] < 0.3 and early[1] < min(early[2], early[3])
    assert min(x for day in grid[1:5] for x in day[12:18]) > 0.95
    # The four plans: the notebook's "today" is the config's plan (the same run), the hours are as said.
    assert v["today_shifts"] == v["config_shifts"]
    t = v["table"]
    assert list(t) == ["today", "staggered", "Saturday overtime", "staggered + Saturday"]
    assert t["today"]["on-time rate"] == pytest.approx(v["kpis"]["on_time_rate"], rel=1e-12)
    hours = {name: row["desk hours per week"] for name, row in t.items()}
    assert hours == pytest.approx({"today": 100, "staggered": 100, "Saturday overtime": 108,
                                   "staggered + Saturday": 100}, rel=1e-9)
    # Every other plan beats today's with its paired CI clear of 0; staggering alone leaves every
    # Saturday order late; Saturday overtime beats staggering.
    for name in list(t)[1:]:
        assert t[name]["gain_low"] > 0 and t[name]["change_high"] < 0, name
    assert v["plan_days"]["staggered"]["Saturday"] == 0
    assert t["Saturday overtime"]["gain_low"] > t["staggered"]["gain_high"]
    # The recommendation: staggered + Saturday, today's hours, close to 20 points more on time, the mean
    # lead time down by more than a third; it beats Saturday overtime on all three measures shown.
    best = t["staggered + Saturday"]
    assert v["best"] == "staggered + Saturday"
    assert best["on-time rate"] == max(row["on-time rate"] for row in t.values())
    assert best["lead time (h)"] == min(row["lead time (h)"] for row in t.values())
    assert 0.15 < best["gain_low"] and best["gain_high"] < 0.25
    assert best["lead time (h)"] < (2 / 3) * t["today"]["lead time (h)"]
    head = v["head"]
    assert head["on_time_rate"]["diff_ci_low"] > 0
    assert head["lead_time_mean"]["diff_ci_high"] < 0 and head["lead_time_p95"]["diff_ci_high"] < 0
    # What is left: weekday orders nearly all on time, most late orders arrived at the weekend, and
    # their lateness is closed time: production's on Saturday afternoon, the desk's early on Sunday.
    days = v["plan_days"]["staggered + Saturday"]
    assert min(days[d] for d in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]) > 0.95
    assert v["weekend_late"] > 0.5
    bd = v["best_delays"]
    assert sum(d["lateness_share"] for c, d in bd.items() if c.startswith("closed:")) > 0.8
    assert sorted(bd, key=lambda c: -bd[c]["lateness_share"])[:2] == ["closed:sales", "closed:production"]
    assert max(v["best_grid"][5][14:]) < 0.1 and max(v["best_grid"][6][:6]) < 0.2

    # 2. People. The run is stationary; the sales desk, the busiest unit, offends 1 - courtesy of its
    # customers (its one contact with them), and its queue is the ledger's largest row.
    assert v["drifting"] == 0
    p, staff = v["people"], v["staff"]
    assert p["discourtesy_rate"]["ci_low"] <= 1 - staff["courtesy"] <= p["discourtesy_rate"]["ci_high"]
    assert max(v["utilisation"], key=v["utilisation"].get) == "sales"
    causes = v["people_causes"]
    assert v["people_order"][0] == "queue:sales"
    assert causes["courtesy:sales"]["copq_ci_low"] > 0 and math.isnan(causes["courtesy:sales"]["time"])
    # The desk's levers in the ranking: each worth something (CI above 0); one more person more than
    # training, training (the larger gap) more than motivation; training and motivation have no ledger row,
    # courtesy's is its courtesy:sales row and it is worth less than that row.
    rows = {(row["name"], row["kind"]): row for row in v["ranking"]}
    lever = {kind: rows[("sales", kind)] for kind in ["staffing", "training", "motivation", "courtesy"]}
    assert lever["training"]["change"] == "units.sales.staff.training=1"
    assert all(row["effect_ci_low"] > 0 for row in lever.values())
    assert lever["staffing"]["effect_ci_low"] > lever["training"]["effect_ci_high"]
    assert lever["training"]["effect_ci_low"] > lever["motivation"]["effect_ci_high"]
    assert staff["training"] < staff["motivation"] < 1
    assert math.isnan(lever["training"]["ledger"]) and math.isnan(lever["motivation"]["ledger"])
    assert lever["courtesy"]["ledger"] == pytest.approx(causes["courtesy:sales"]["copq"])
    assert lever["courtesy"]["effect_ci_high"] < causes["courtesy:sales"]["copq_ci_low"]
    # Why: a courteous desk keeps customers (a larger base, more orders, more revenue), the chain gets
    # busier (lead times up, fewer on time) and the queue rows grow by more than half of the courtesy row;
    # the cost per order still falls. The rows' changes add up to the paired difference.
    cc, ledgers = v["cc"], v["ledgers"]
    assert cc["copq_per_order"]["diff_ci_high"] < 0
    assert cc["copq_per_order"]["diff_mean"] == pytest.approx(-lever["courtesy"]["effect_mean"])
    assert cc["discourtesy_rate"]["variant_mean"] == 0
    for kpi in ["customer_base", "orders_arrived", "revenue", "lead_time_mean"]:
        assert cc[kpi]["diff_ci_low"] > 0, kpi
    assert cc["on_time_rate"]["diff_ci_high"] < 0
    assert sum(row["change"] for row in ledgers.values()) == pytest.approx(cc["copq_per_order"]["diff_mean"])
    assert v["queue_change"] > 0.5 * ledgers["courtesy:sales"]["today"]
    assert all(row["change"] > 0 for c, row in ledgers.items() if c.startswith("queue:"))

    # 3. Pressure: the vicious circle. The burst is the config's scenario: 4 an hour for 20 hours at hour 1000.
    P = v["pressure"]
    assert v["burst_changes"] == v["scenario"]
    assert yaml.safe_load(v["scenario"]["flows.orders.arrivals"]) == {"poisson": {"schedule": [[0, 0.6], [1000, 4], [1020, 0.6]]}}
    assert v["burst_window"] == [1000, 1020] and v["arrival"] == pytest.approx(0.6)
    # The levels' table: at the top level 15 x 5% = 75% defects, four passes per order.
    lv = v["levels"]
    assert lv["defect probability"][-1] == pytest.approx(0.75) and lv["passes per order"][-1] == pytest.approx(4)
    # Two regimes. Calm: stationary, never at the top level, about one order waiting, ~3 h, nearly all on time.
    g = v["regimes"]
    assert not any(v["regime_drift"]["calm"].values()) and all(v["regime_drift"]["burst"].values())
    assert g["calm ci_high"]["assembly pressure_top"] == 0
    assert 0.9 < g["calm mean"]["assembly mean_queue"] < 1.2
    assert 2.5 < g["calm mean"]["lead_time_mean"] < 3.5 and g["calm ci_low"]["on_time_rate"] > 0.99
    assert g["calm mean"]["orders_unfinished"] == 0
    # Burst: weeks of lead time, a quarter on time, orders still open when the run stopped.
    assert g["burst ci_low"]["lead_time_mean"] > 14 * 24
    assert 0.2 < g["burst ci_low"]["on_time_rate"] < g["burst ci_high"]["on_time_rate"] < 0.3
    assert g["burst ci_low"]["orders_unfinished"] > 0
    # Over time: every window after the burst at the top level all the time in every replication; about
    # 0.31 orders finished an hour (the top level's 1.25 x 25% = 0.3125), the queue growing by ~0.29 an hour.
    calm_w, burst_w = v["windows"]["calm"], v["windows"]["burst"]
    assert max(calm_w["top"]) == 0 and max(calm_w["queue_high"]) < 2
    mids = burst_w["hour (window's middle)"]
    after = [i for i, t in enumerate(mids) if t - 100 >= v["burst_window"][1]]
    before = [i for i, t in enumerate(mids) if t + 100 <= v["burst_window"][0]]
    assert len(after) >= 10 and len(before) >= 3
    assert min(burst_w["top"][i] for i in after) == pytest.approx(1, abs=1e-12)
    assert max(burst_w["top"][i] for i in before) == 0
    assert v["jammed"] == pytest.approx(P["speedup"][-1] * (1 - v["defect"] * P["errors"][-1]))
    done = [burst_w["done"][i] for i in after]
    assert sum(done) / len(done) == pytest.approx(v["jammed"], rel=0.03)
    assert all(burst_w["done_high"][i] < v["arrival"] for i in after)
    assert v["slope"] == pytest.approx(v["arrival"] - v["jammed"], rel=0.05)
    assert all(b > a for a, b in zip([burst_w["queue"][i] for i in after], [burst_w["queue"][i] for i in after][1:]))
    # Why: the offered loads are those `eslabon check` prints (level 0 and the highest level), with its warning;
    # level 1 is stable too, the top level is not.
    loads = lv["offered load"]
    assert loads[0] < 1 and loads[1] < 1 < loads[2]
    assert loads[1] < loads[0]  # the hurry makes up for level 1's extra errors
    assert loads[0] == pytest.approx(0.6316, abs=1e-4) and loads[2] == pytest.approx(1.92, rel=1e-9)
    bin_ = os.environ.get("ESLABON_BIN")
    if bin_:
        out = subprocess.run([bin_, "check", str(ROOT / "configs" / "pressure.yaml")], capture_output=True, text=True)
        m = re.search(r"offered load ([0-9.]+) at level 0, at most ([0-9.]+) \(level 2\)", out.stdout)
        assert m, out.stdout
        assert float(m.group(1)) == pytest.approx(loads[0], abs=1e-4)
        assert float(m.group(2)) == pytest.approx(loads[2], abs=1e-4)
        assert "warning: unit assembly can tip under pressure" in out.stdout + out.stderr
    # How long a burst: 4 and 6 hours never tip, 20 always; more hours, more tips; 8 h some, 14 h nearly all.
    tip = dict(zip(v["tipped"]["burst length (h)"], v["tipped"]["share tipped"]))
    assert tip[4] == 0 and tip[6] == 0 and tip[20] == 1
    assert list(tip.values()) == sorted(tip.values())
    assert 0 < tip[8] < 0.5 and tip[14] >= 0.95
    for lo, share, hi in zip(v["tipped"]["ci_low"], v["tipped"]["share tipped"], v["tipped"]["ci_high"]):
        assert 0 <= lo <= share <= hi <= 1
    # What to do: rank lists pressure (fixed by pressure=null, no ledger row) with a CI above 0; fixing the
    # defects or the pressure brings the cost from ~140 to a few, a second assembler to ~30; inspection: 0.
    rows = {(row["name"], row["kind"]): row for row in v["pranking"]}
    assert "scenario" not in {kind for _, kind in rows}
    pr = rows[("assembly", "pressure")]
    assert pr["change"] == "units.assembly.pressure=null" and math.isnan(pr["ledger"]) and pr["effect_ci_low"] > 0
    assert 120 < pr["base_mean"] < 160
    calm_copq = g["calm mean"]["copq_per_order"]
    assert 2 < calm_copq < 4
    for key in [("assemble->inspect", "defects"), ("assembly", "pressure")]:
        assert rows[key]["fixed_mean"] < 2 * calm_copq, key
    assert 20 < rows[("assembly", "staffing")]["fixed_mean"] < 40
    assert rows[("inspection", "staffing")]["effect_mean"] == pytest.approx(0, abs=1e-6)
    # Three fixes, paired with the burst: each far from zero; errors that do not rise is best on all three
    # KPIs; keeping the speed-up beats pressure off; a second assembler recovers, with the widest CIs.
    w = v["whatif"]
    fixes = ["errors do not rise", "pressure off", "second assembler"]
    for f in fixes:
        assert w[f"{f}|lead_time_mean"]["diff_ci_high"] < 0 and w[f"{f}|copq_per_order"]["diff_ci_high"] < 0, f
        assert w[f"{f}|on_time_rate"]["diff_ci_low"] > 0 and w[f"{f}|on_time_rate"]["variant_mean"] > 0.85, f
        assert w[f"{f}|lead_time_mean"]["variant_mean"] < 24, f  # from weeks to hours
    for kpi, sign in [("lead_time_mean", 1), ("copq_per_order", 1), ("on_time_rate", -1)]:
        means = [sign * w[f"{f}|{kpi}"]["variant_mean"] for f in fixes]
        assert means == sorted(means), kpi
    assert v["speed"]["diff_ci_high"] < 0
    assert v["top_two"] == pytest.approx(0.96)
    width = {f: w[f"{f}|on_time_rate"]["diff_ci_high"] - w[f"{f}|on_time_rate"]["diff_ci_low"] for f in fixes}
    assert max(width, key=width.get) == "second assembler"
    # The figure's bars are the fixes' own runs: the same means as the paired comparisons.
    for f in fixes:
        for kpi in ["on_time_rate", "lead_time_mean"]:
            assert v["bars"][f"{f}|{kpi}"]["mean"] == pytest.approx(w[f"{f}|{kpi}"]["variant_mean"], rel=1e-12)

    # Nine figures: the lead time's waterfall, the week, the on-time map, the plans, the two maps, the levers;
    # the two regimes over time, how long a burst tips, the fixes.
    assert len(images(nb)) == 9
    # The levers' chart says its currency, and its legend sits below the bars, hiding none of the marks.
    assert v["levers_xlabel"] == "cost of poor quality per delivered order: base - fixed (currency of costs)"
    assert v["levers_legend_below"]
