"""es.plot draws what the data say, says its units, keeps its labels inside a saved image, and says in
words why a chart is empty.

Sweep plots and heat maps are checked on hand-made sweep frames (exact values); the rest on short runs of
the example configs with fixed seeds (every check is exact: a line's position, a label's text).
"""
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import eslabon as es  # noqa: E402
from conftest import CONFIGS, WEAK  # noqa: E402

SERVERS, DEFECT = "units.production.servers", "links.purchase->produce.defect"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def short(path, horizon=600, **changes):
    m = es.Model.from_yaml(path).with_changes({"run.horizon": horizon, "run.warmup": horizon / 10, **changes})
    return m


def run(model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", es.DriftWarning)  # short runs; the plots, not the figures, are tested
        return model.run(replications=3, seed=1, progress=False, **kw)


def sweep_frame(kpis=("lead_time_mean", "copq_per_order"), time_unit="hour"):
    """A sweep frame like es.sweep's: 3 servers x 3 defect rates, values that identify their point."""
    rows = []
    for s in [3, 4, 5]:
        for d in [0.0, 0.03, 0.06]:
            for k, kpi in enumerate(kpis):
                mean = 100 * k + 10 * s + 100 * d  # distinct at every point
                rows.append({SERVERS: s, DEFECT: d, "scenario": "", "kpi": kpi, "mean": mean,
                             "ci_low": mean - 1 - d, "ci_high": mean + 2 + d, "std": 1.0, "n": 5})
    df = pd.DataFrame(rows)
    df.attrs["factors"] = [SERVERS, DEFECT]
    df.attrs["time_unit"] = time_unit
    return df


def legend_handles(legend):
    return getattr(legend, "legend_handles", None) or legend.legendHandles


def assert_inside_when_saved(fig, tmp_path):
    """savefig (no bbox_inches) to a PNG, then every text of the figure lies inside the image."""
    path = tmp_path / "figure.png"
    fig.savefig(path)
    assert path.stat().st_size > 0
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    def shown(ax, labels, i, lim):  # the locator's ticks beyond the axis's limits are not drawn
        lo, hi = sorted(lim)
        return [t for t in labels if lo - 1e-9 <= t.get_position()[i] <= hi + 1e-9]

    texts = [t for ax in fig.axes for t in [*shown(ax, ax.get_yticklabels(), 1, ax.get_ylim()),
                                             *shown(ax, ax.get_xticklabels(), 0, ax.get_xlim()),
                                             ax.xaxis.label, ax.yaxis.label, ax.title, *ax.texts]]
    texts += [t for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()] + fig.texts
    texts = [t for t in texts if t.get_visible() and t.get_text()]
    assert texts
    for t in texts:
        e = t.get_window_extent(renderer)
        assert box.x0 - 0.5 <= e.x0 and e.x1 <= box.x1 + 0.5 and box.y0 - 0.5 <= e.y0 and e.y1 <= box.y1 + 0.5, \
            f"{t.get_text()!r} at {e} outside the saved image {box}"
    tight = fig.get_tightbbox(renderer)
    inches = fig.bbox_inches
    assert tight.x0 >= -0.01 and tight.y0 >= -0.01 and tight.x1 <= inches.x1 + 0.01 and tight.y1 <= inches.y1 + 0.01


# --------------------------------------------------------------------------------------------
# Sweeps: the legend, the lines, the bands
# --------------------------------------------------------------------------------------------

def test_sweep_legend_has_one_entry_per_line_in_its_colour():
    df = sweep_frame()
    ax = es.plot.sweep(df, x=SERVERS, y="copq_per_order", hue=DEFECT)
    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["0.0", "0.03", "0.06"]  # one entry per hue value, no entry for a CI band
    assert legend.get_title().get_text() == DEFECT
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == set(labels)
    colours = set()
    for label, handle in zip(labels, legend_handles(legend)):
        # The entry's handle has the colour of the line it names, and that line plots its group's data.
        assert mcolors.same_color(handle.get_color(), lines[label].get_color()), label
        colours.add(mcolors.to_hex(handle.get_color()))
        g = df[(df["kpi"] == "copq_per_order") & (df[DEFECT] == float(label))].sort_values(SERVERS)
        np.testing.assert_array_equal(lines[label].get_xdata(), g[SERVERS])
        np.testing.assert_array_equal(lines[label].get_ydata(), g["mean"])
    assert len(colours) == 3
    # Each band is its line's colour and spans its group's CI.
    bands = ax.collections
    assert len(bands) == 3
    for band, label in zip(bands, labels):
        assert mcolors.same_color(band.get_facecolor()[0][:3], mcolors.to_rgb(lines[label].get_color()))
        g = df[(df["kpi"] == "copq_per_order") & (df[DEFECT] == float(label))]
        ys = band.get_paths()[0].vertices[:, 1]
        assert ys.min() == pytest.approx(g["ci_low"].min()) and ys.max() == pytest.approx(g["ci_high"].max())


def test_sweep_axes_say_their_units():
    df = sweep_frame()
    assert es.plot.sweep(df, SERVERS, "lead_time_mean", hue=DEFECT).get_ylabel() == "lead_time_mean (hours)"
    _, ax = plt.subplots()
    es.plot.sweep(df, SERVERS, "copq_per_order", hue=DEFECT, ax=ax)
    assert ax.get_ylabel() == "copq_per_order\n(currency per delivered order)"
    df.attrs.pop("time_unit")
    assert es.plot.sweep(df, SERVERS, "lead_time_mean", hue=DEFECT, time_unit="minute").get_ylabel() \
        == "lead_time_mean (minutes)"


def test_sweep_of_a_model_carries_its_time_unit():
    m = short(CONFIGS / "chain.yaml", 300)
    df = es.sweep(m, {SERVERS: [2, 3]}, replications=2, seed=1)
    assert df.attrs["time_unit"] == "hour"
    ax = es.plot.sweep(df, SERVERS, "throughput")
    assert ax.get_ylabel() == "throughput (orders per hour)"
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), df[df["kpi"] == "throughput"]["mean"])
    assert ax.get_legend() is None
    assert es.rank(m, replications=2, seed=1, kpi="lead_time_mean").attrs["time_unit"] == "hour"


def test_sweep_refuses_what_it_cannot_draw():
    df = sweep_frame()
    with pytest.raises(ValueError, match=r"no KPI 'lead_time_men' in this sweep \(did you mean 'lead_time_mean'\?\)"):
        es.plot.sweep(df, SERVERS, "lead_time_men", hue=DEFECT)
    with pytest.raises(ValueError, match=r"no column 'servers' in this sweep; its factors: units.production.servers"):
        es.plot.sweep(df, "servers", "lead_time_mean")
    # Without hue, the defect rate varies at each number of servers: one line would zigzag through 3 points.
    with pytest.raises(ValueError, match=r"3 points share units.production.servers=3: another factor "
                                         r"\(links.purchase->produce.defect\) varies too"):
        es.plot.sweep(df, SERVERS, "lead_time_mean")
    one = df[df[DEFECT] == 0.03]
    ax = es.plot.sweep(one, SERVERS, "lead_time_mean")
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [30 + 3, 40 + 3, 50 + 3])


def test_empty_kpi_says_so():
    df = sweep_frame(kpis=("customer_base",))
    df["mean"] = df["ci_low"] = df["ci_high"] = np.nan
    for ax in [es.plot.sweep(df, SERVERS, "customer_base", hue=DEFECT),
               es.plot.heatmap(df, SERVERS, DEFECT, "customer_base")]:
        assert [t.get_text() for t in ax.texts] == ["no values of customer_base in this sweep (the KPI is empty at every point)"]
        assert not ax.get_lines() and not ax.images


# --------------------------------------------------------------------------------------------
# Heat maps
# --------------------------------------------------------------------------------------------

def test_heatmap_cells_are_the_means_with_their_ci_half_widths():
    df = sweep_frame()
    ax = es.plot.heatmap(df, x=SERVERS, y=DEFECT, kpi="lead_time_mean")
    (image,) = ax.images
    d = df[df["kpi"] == "lead_time_mean"]
    expected = d.pivot(index=DEFECT, columns=SERVERS, values="mean").to_numpy()
    np.testing.assert_array_equal(image.get_array(), expected)  # rows: defect rates up, columns: servers
    assert [t.get_text() for t in ax.get_xticklabels()] == ["3", "4", "5"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "0.03", "0.06"]
    texts = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text() for t in ax.texts}
    for i, d_ in enumerate([0.0, 0.03, 0.06]):
        for j, s in enumerate([3, 4, 5]):
            row = d[(d[SERVERS] == s) & (d[DEFECT] == d_)].iloc[0]
            half = (row["ci_high"] - row["ci_low"]) / 2
            assert texts[(j, i)] == f"{row['mean']:.3g}\n±{half:.2g}"
    colorbar = ax.figure.axes[-1]
    assert colorbar.get_ylabel() == "mean lead_time_mean (hours)"
    assert ax.get_xlabel() == SERVERS and ax.get_ylabel() == DEFECT


def test_heatmap_refuses_points_that_share_a_cell():
    df = sweep_frame()
    df["third"] = 1
    df = pd.concat([df, df.assign(third=2)], ignore_index=True)
    df.attrs["factors"] = [SERVERS, DEFECT, "third"]
    with pytest.raises(ValueError, match=r"heatmap: 2 points share .*another factor \(third\) varies too"):
        es.plot.heatmap(df, SERVERS, DEFECT, "lead_time_mean")
    ax = es.plot.heatmap(df[df["third"] == 2], SERVERS, DEFECT, "lead_time_mean")
    assert ax.images[0].get_array().shape == (3, 3)
    with pytest.raises(ValueError, match="heatmap: no KPI 'cost'"):
        es.plot.heatmap(df, SERVERS, DEFECT, "cost")


# --------------------------------------------------------------------------------------------
# Lead time: units and due dates
# --------------------------------------------------------------------------------------------

def due_lines(ax):
    return [line for line in ax.get_lines() if line.get_label().startswith("due")]


def test_lead_time_marks_the_due_date_with_the_on_time_share():
    r = run(short(CONFIGS / "chain.yaml"), orders=True)
    ax = es.plot.lead_time(r)
    assert ax.get_xlabel() == "lead time (hours)"
    (due,) = due_lines(ax)
    assert list(due.get_xdata()) == [24, 24]  # chain.yaml: due 24h
    on_time = r.summary().loc["on_time_rate", "mean"]
    assert due.get_label() == f"due 24 hours: {on_time:.0%} on time"
    assert due.get_label() in [t.get_text() for t in ax.get_legend().get_texts()]
    # The same from the run without orders (the due from its config), and from its file.
    light = run(short(CONFIGS / "chain.yaml"))
    ax = es.plot.lead_time(light)
    assert ax.get_ylabel() == "lead time (hours)"
    (due,) = due_lines(ax)
    assert list(due.get_ydata()) == [24, 24]


def test_lead_time_due_dates_per_flow_and_from_changes(tmp_path):
    r = run(short(CONFIGS / "two_flows.yaml"), orders=True)
    ax = es.plot.lead_time(r)
    dues = {line.get_label().split(":")[0]: line.get_xdata()[0] for line in due_lines(ax)}
    assert dues == {"due (standard) 24 hours": 24, "due (express) 8 hours": 8}
    on_time = r.flows.groupby("flow")["on_time_rate"].mean()
    for line in due_lines(ax):
        flow = "express" if "express" in line.get_label() else "standard"
        assert line.get_label().endswith(f": {on_time[flow]:.0%} on time")
    # A due changed by with_changes, written in days, read back from the file without orders.
    r = run(short(CONFIGS / "chain.yaml", **{"flows.standard.due": "2d"}))
    r.to_hdf5(tmp_path / "run.h5")
    for result in [r, es.read_hdf5(tmp_path / "run.h5")]:
        (due,) = due_lines(es.plot.lead_time(result))
        assert list(due.get_ydata()) == [48, 48]
    # A model in minutes, and a flow without a due date: no line.
    text = (CONFIGS / "chain.yaml").read_text().replace("time_unit: hour", "time_unit: minute")
    text = text.replace("    due: 24h", "")
    assert "due" not in text.split("flows:")[1]
    m = es.Model(text).with_changes({"run.horizon": 36000, "run.warmup": 3600})
    ax = es.plot.lead_time(run(m, orders=True))
    assert ax.get_xlabel() == "lead time (minutes)" and not due_lines(ax)


# --------------------------------------------------------------------------------------------
# Origins, tornado, causes: units, labels inside the saved image, empty charts
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def weak_run():
    return run(short(WEAK, 2000))


@pytest.fixture(scope="module")
def weak_ranking():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", es.DriftWarning)
        return es.rank(short(WEAK, 1000), replications=2, seed=1)


def test_tornado_labels_fit_and_say_the_unit(weak_ranking, tmp_path):
    ax = es.plot.tornado(weak_ranking)
    assert ax.get_xlabel() == "copq_per_order: base - fixed\n(currency per delivered order)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{n} ({k})" for n, k in zip(weak_ranking["name"], weak_ranking["kind"])][::-1]
    assert_inside_when_saved(ax.figure, tmp_path)
    # Long labels (a rank of scenarios with long names) still fit.
    long = weak_ranking.assign(name=[f"a scenario with a rather long descriptive name {i}" for i in range(len(weak_ranking))])
    assert_inside_when_saved(es.plot.tornado(long).figure, tmp_path)


def test_tornado_of_nothing_says_so():
    ax = es.plot.tornado(pd.DataFrame(columns=["name", "kind", "effect_mean", "effect_ci_low", "effect_ci_high"]))
    assert [t.get_text() for t in ax.texts] == ["nothing to rank: the model has no weak points"]
    assert not ax.patches
    ax = es.plot.tornado(pd.DataFrame(columns=["link", "kind", "effect_mean", "effect_ci_low", "effect_ci_high"]))
    assert "no weak links" in ax.texts[0].get_text()


def test_origins_labels_fit(weak_run, tmp_path):
    ax = es.plot.origins(weak_run)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert {"purchase->produce", "take_order->purchase", "skip:produce", "queue:production"} <= set(names)
    assert ax.get_xlabel() == "share of the run's total (0 to 1), 95% CI"
    assert_inside_when_saved(ax.figure, tmp_path)


def test_origins_of_a_model_without_weak_links_says_so():
    r = run(short(CONFIGS / "chain.yaml"))
    assert r.model.origins == []
    ax = es.plot.origins(r)
    assert not ax.patches and ax.get_legend() is None
    (text,) = ax.texts
    assert text.get_text().startswith("nothing to trace") and "the model has no weak links" in text.get_text()
    assert ax.get_title().endswith("(the model has no weak links)")


def test_causes_waterfall_units_and_fit(weak_run, tmp_path):
    time_ax, cost_ax = es.plot.causes(weak_run)
    assert time_ax.get_xlabel() == "hours per delivered order"
    assert cost_ax.get_xlabel() == "cost of poor quality per delivered order (currency)"
    # The total's bar is the KPI, and the causes end where the total does (the rows add up).
    total = weak_run.summary().loc["copq_per_order", "mean"]
    bars = cost_ax.patches
    assert bars[-1].get_width() == pytest.approx(total)
    assert bars[-2].get_x() + bars[-2].get_width() == pytest.approx(total, rel=1e-9)
    assert_inside_when_saved(time_ax.figure, tmp_path)


def test_every_plot_fits_when_saved(weak_run, tmp_path):
    assert_inside_when_saved(es.plot.lead_time(weak_run).figure, tmp_path)
    assert_inside_when_saved(es.plot.causes(weak_run, what="cost").figure, tmp_path)
    df = sweep_frame()
    assert_inside_when_saved(es.plot.sweep(df, SERVERS, "copq_per_order", hue=DEFECT).figure, tmp_path)
    assert_inside_when_saved(es.plot.heatmap(df, SERVERS, DEFECT, "copq_per_order").figure, tmp_path)
