"""``eslabon report``: one self-contained HTML page about a results file, to hand to a client.

A run (``Result``, ``StoredResult``): in short; the model in words; the organisation as a graph; KPIs
with 95% CIs; causes of lateness and cost; weak points ranked with what fixing each is worth (a
simulation: ``es.rank`` on the model rebuilt from the stored config); with ``compare``, another run
side by side. A sweep file (``StoredSweep``): the sweep in words, every point's KPIs, heat maps.
The page loads nothing: CSS inline, figures as data: URIs (see _report_html.CSP).
"""
from __future__ import annotations

import os
from typing import Any, Sequence

import pandas as pd

from ._report_html import (Raw, details, esc, figure, new_figure, note, num, page, para, section, svg, table,
                           with_ci, write_atomic)

# The KPIs a client reads first, in words; {u} is the model's time unit.
MAIN_KPIS = {
    "lead_time_mean": "mean lead time, arrival to delivery ({u}s)",
    "lead_time_p95": "95% of orders are delivered within ({u}s)",
    "on_time_rate": "share of orders delivered by their due date",
    "throughput": "orders delivered per {u}",
    "wip_mean": "orders in the organisation at a time, on average",
    "perfect_order_rate": "share of orders on time with no defect the customer noticed",
    "defect_escape_rate": "share of delivered orders carrying an undetected defect",
    "complaint_rate": "complaints per delivered order",
    "churn_rate": "customers lost per delivered order",
    "copq_per_order": "cost of poor quality per delivered order",
    "revenue": "value of the orders delivered per {u}",
    "loss_rate": "share of orders lost (full queue or impatience)",
}
HEATMAP_KPIS = ("lead_time_mean", "on_time_rate", "copq_per_order")
CAUSE_WORDS = ("Cause names: service:UNIT is the work itself at UNIT; queue:UNIT waiting in its queue; outage:UNIT "
               "waiting for a repair; closed:UNIT waiting for it to open; delay:FROM->TO a handoff's own delay; "
               "FROM->TO and skip:TASK the defects that began on that handoff or skipped step (their rework and "
               "their cost wherever it fell).")


def default_rank_kpi(summary: pd.DataFrame) -> str:
    """copq_per_order when the run has a cost of poor quality, else lead_time_mean."""
    if "copq_per_order" in summary.index and float(summary.loc["copq_per_order", "mean"]) > 0:
        return "copq_per_order"
    return "lead_time_mean"


def _is_sweep(source: Any) -> bool:
    from ._stored_sweep import StoredSweep

    return isinstance(source, StoredSweep)


def write_report(source: Any, path: str | os.PathLike[str], **options: Any) -> str:
    """Write the report of `source` (a Result, StoredResult or StoredSweep) to `path` (HTML; a
    temporary file beside it, then renamed). Refuses, with ConfigError, the paths `eslabon report -o`
    refuses. Returns the path written. ``options``: see ``render``."""
    from . import _args

    kept = _args.inputs_of(source)
    other = options.get("compare")
    if isinstance(other, (str, os.PathLike)):
        kept.append((os.fspath(other), "the results file given to compare"))
    elif other is not None and getattr(other, "path", None):
        kept.append((other.path, "the results file given to compare"))
    target = _args.output("path", path, kept)
    write_atomic(target, render(source, **options))
    return os.fspath(path)


def render(source: Any, compare: Any = None, rank: bool = True, rank_replications: int | None = None,
           rank_kpi: str | None = None, ranking: pd.DataFrame | None = None,
           heatmap_kpis: Sequence[str] | None = None, threads: int | None = None, progress: bool = False) -> str:
    """The report as HTML text.

    - ``compare``: another run (a Result, StoredResult or a run file's path) shown beside this one;
    - ``rank``: rank the weak points (runs the model: ``rank_replications``, default the run's own,
      with its seed, so the ranking's base is this run; ``rank_kpi``, default ``copq_per_order``
      when the run has a cost of poor quality, else ``lead_time_mean``); ``ranking``: a ranking
      already made (``es.rank``'s DataFrame) to show instead;
    - ``heatmap_kpis``: a sweep's heat maps (default lead_time_mean, on_time_rate, copq_per_order).
    """
    if _is_sweep(source):
        return _sweep_page(source, heatmap_kpis)
    if isinstance(compare, (str, os.PathLike)):
        from .result import read_hdf5

        compare = read_hdf5(compare)
    if compare is not None and _is_sweep(compare):
        from ._core import ConfigError

        raise ConfigError(f"compare: expected a run's results file, found a sweep file ({compare.path})")
    return _run_page(source, compare, rank, rank_replications, rank_kpi, ranking, threads, progress)


def _label(r: Any) -> str:
    path = getattr(r, "path", None)
    return f"{os.path.basename(path)} ({r.name})" if path else f"a run of {r.name} in Python"


def _model(r: Any) -> tuple[Any, str]:
    """The model that produced `r` (rebuilt from its stored config), or None and why not."""
    m = getattr(r, "model", None)
    if m is not None:
        return m, ""
    from .model import Model

    try:
        return Model(r.config_text, os.path.basename(getattr(r, "path", "")) or "<results>"), ""
    except Exception as e:  # noqa: BLE001 - a config this build cannot load: the page says why
        return None, f"{type(e).__name__}: {e}"


def _kpi_parts(r: Any, tu: str) -> list[str]:
    from ._report_model import _duration, flows_table

    s = r.summary()
    rows = [[k, text.format(u=tu), with_ci(s.loc[k, "mean"], s.loc[k, "ci_low"], s.loc[k, "ci_high"])]
            for k, text in MAIN_KPIS.items() if k in s.index and int(s.loc[k, "n"]) > 0]
    n = int(s["n"].max()) if len(s) else 0
    parts: list[str] = [para(f"Each figure is the mean over {n} replications with its 95% confidence interval (Student t) "
                  f"in brackets: an interval made this way holds the long-run value in 95 of 100 such studies."),
             table(["KPI", "what it is", "mean [95% CI]"], rows, numeric=(2,))]
    fs = r._table("flow_summary")
    if not fs.empty:
        parts += [Raw("<h3>Per flow</h3>"), flows_table(fs.set_index(["flow", "stat"]), tu)]
    c = r.contracts
    if not c.empty:
        parts.append(Raw("<h3>Internal service contracts</h3>"))
        parts.append(table(["handoff", "within", "target share", "met [95% CI]"],
                           [[link, _duration(row["within"], tu), num(row["share"]), with_ci(row["met_rate"], row["ci_low"], row["ci_high"])]
                            for link, row in c.iterrows()], numeric=(2, 3)))
    every = [[k, with_ci(row["mean"], row["ci_low"], row["ci_high"]), int(row["n"])] for k, row in s.iterrows()]
    parts.append(details(f"All {len(every)} KPIs", table(["KPI", "mean [95% CI]", "n"], every, numeric=(1, 2))))
    return parts


def _cause_parts(r: Any, tu: str) -> list[str]:
    from . import plot

    c = r.causes
    if c.empty:
        return [note("This run recorded no cause of lead time or cost.")]
    rows = [[name, with_ci(row["time"], row["time_ci_low"], row["time_ci_high"]), num(row["lateness_share"]),
             with_ci(row["copq"], row["copq_ci_low"], row["copq_ci_high"]), num(row["copq_share"])]
            for name, row in c.head(15).iterrows()]
    parts: list[str] = [para(f"Where each delivered order's time and money went, by cause: the time it took ({tu}s per "
                  f"delivered order), its share of the lateness (time past the due date), the cost of poor quality "
                  f"it was charged and its share of that cost. Largest cost first."), para(CAUSE_WORDS),
             table(["cause", f"time per order ({tu}s) [95% CI]", "share of lateness", "cost per order [95% CI]",
                    "share of cost"], rows, numeric=(1, 2, 3, 4))]
    if len(c) > 15:
        parts.append(para(f"{len(c) - 15} smaller causes are left out of the table."))
    for what, alt in (("time", "where the lead time went"), ("cost", "who pays for poor quality")):
        def draw(what: str = what) -> Any:
            fig = new_figure(8, max(2.8, 0.32 * (min(10, len(c)) + 3)))
            plot.causes(r, what=what, ax=fig.add_subplot())
            return fig

        parts.append(figure(draw, alt, f"Waterfall: {alt}, each cause with its 95% CI; the last bar is the total."))
    return parts


def _graph_parts(model: Any, why: str, r: Any) -> list[str]:
    if model is None:
        return [note(f"The organisation cannot be drawn: the model could not be rebuilt from the stored config ({why}).")]
    make = getattr(model, "graph", None)
    if make is None:
        return [note("Drawing the organisation needs eslabon's graph module (Graphviz), which this build does "
                     "not have; the model is described in words above.")]
    try:
        text = make(results=r).svg()
    except Exception as e:  # noqa: BLE001 - Graphviz missing or failing: say so, keep the report
        return [note(f"The organisation could not be drawn: {type(e).__name__}: {e}")]
    return [para("Units are the boxes, task handoffs the arrows between them; weak links are marked."),
            svg(text, "the organisation: units, handoffs and weak links")]


def _rank(r: Any, model: Any, why: str, rank: bool, replications: int | None, kpi: str, ranking: Any,
          threads: int | None, progress: bool) -> tuple[pd.DataFrame | None, str]:
    """The ranking to show and how it was made (or why there is none)."""
    if ranking is not None:
        return ranking, "The ranking was made beforehand (es.rank) and passed to the report."
    if not rank:
        return None, "Ranking the weak points was left out (eslabon report --no-rank, or rank=False)."
    if model is None:
        return None, f"The weak points cannot be ranked: the model could not be rebuilt from the stored config ({why})."
    from .studies import rank as rank_points

    reps = model.replications if replications is None else replications  # es.rank checks it
    df = rank_points(model, kpi=kpi, replications=reps, seed=r.seed, threads=threads, progress=progress)
    runs = len(df) + 1
    return df, (f"Each weak point was fixed alone (the change shown) and the model run again, {reps} replications "
                f"with the seed of this run ({r.seed}), so every run saw the same customers and service times "
                f"(common random numbers) and the base is this run itself. That is {runs} runs of {reps} replications "
                f"({runs * reps} replications; eslabon report --no-rank leaves them out, --rank-replications "
                f"changes how many).")


def _weak_parts(ranking: pd.DataFrame | None, how: str, tu: str) -> list[str]:
    from . import plot

    if ranking is None:
        return [note(how)]
    kpi = ranking.attrs.get("kpi", "KPI")
    parts: list[str] = [para(how), para(f"Effect = {kpi} now − {kpi} with the weak point fixed, with its paired 95% CI: positive "
                             f"means fixing it lowers {kpi}. A CI that includes 0 is not distinguishable from no effect "
                             f"with this many replications. Largest effect first.")]
    money = "saving_mean" in ranking and ranking["saving_mean"].notna().any()
    rows = []
    for i, (_, row) in enumerate(ranking.head(20).iterrows(), 1):
        name = row.get("name", row.get("link", ""))
        line = [i, name, row.get("kind", ""), row.get("change", ""), num(row["base_mean"]), num(row["fixed_mean"]),
                with_ci(row["effect_mean"], row["effect_ci_low"], row["effect_ci_high"])]
        if money:
            line.append(num(row.get("saving_mean")))
            line.append(with_ci(row.get("net_mean"), row.get("net_ci_low"), row.get("net_ci_high"))
                        if pd.notna(row.get("net_mean")) else "–")
        rows.append(line)
    headers = ["#", "weak point", "kind", "the change that fixes it", f"{kpi} now", "with it fixed", "effect [95% CI]"]
    if money:
        headers += [f"saving per {tu}", f"net of its cost per {tu} [95% CI]"]
    parts.append(table(headers, rows, numeric=(0, 4, 5, 6, 7, 8)))
    if money:
        parts.append(para(f"Saving per {tu}: what the change saves on today's volume of orders (for copq_per_order, "
                          f"the fall in cost per order times the run's throughput). Net: the saving minus what a "
                          f"named scenario says it costs per {tu}."))
    if len(ranking) > 20:
        parts.append(para(f"{len(ranking) - 20} weak points with smaller effects are left out of the table."))
    if len(ranking):
        top = ranking.head(15)

        def draw() -> Any:
            fig = new_figure(8, max(2.8, 0.35 * len(top) + 1.2))
            plot.tornado(top, ax=fig.add_subplot())
            return fig

        parts.append(figure(draw, "what fixing each weak point is worth", "Effect of fixing each weak point, with its paired 95% CI."))
    return parts


def _in_short(r: Any, tu: str, ranking: pd.DataFrame | None) -> list[str]:
    s = r.summary()

    def ok(k: str) -> bool:
        return k in s.index and int(s.loc[k, "n"]) > 0

    def ci(k: str) -> str:
        return f"{num(s.loc[k, 'mean'])} (95% CI {num(s.loc[k, 'ci_low'])} to {num(s.loc[k, 'ci_high'])})"

    lines = []
    if ok("lead_time_mean"):
        lines.append(f"An order takes {ci('lead_time_mean')} {tu}s from arrival to delivery on average"
                     + (f"; 95% of orders within {num(s.loc['lead_time_p95', 'mean'])} {tu}s." if ok("lead_time_p95") else "."))
    if ok("on_time_rate"):
        lines.append(f"The share delivered by the due date is {ci('on_time_rate')}.")
    if ok("copq_per_order") and float(s.loc["copq_per_order", "mean"]) > 0:
        lines.append(f"Poor quality costs {ci('copq_per_order')} per delivered order.")
    c = r.causes
    late = c[c["lateness_share"].fillna(0) > 0]
    if len(late):
        top = late["lateness_share"].idxmax()
        lines.append(f"The largest cause of lateness is {top} ({num(late.loc[top, 'lateness_share'] * 100, 3)}% of it).")
    if len(c) and c["copq"].fillna(0).max() > 0:
        lines.append(f"The largest cost is booked on {c.index[0]} ({num(c['copq_share'].iloc[0] * 100, 3)}% of it).")
    if ranking is not None and len(ranking):
        top = ranking.iloc[0]
        clear = top["effect_ci_low"] > 0 or top["effect_ci_high"] < 0
        kpi = ranking.attrs.get("kpi", "the KPI")
        lines.append(f"The weak point worth the most on {kpi} is {top.get('name', top.get('link', ''))} "
                     f"({top.get('kind', '')}; fixed by {top.get('change', '')}): {kpi} goes from "
                     f"{num(top['base_mean'])} to {num(top['fixed_mean'])}, an effect (now − fixed) of "
                     f"{num(top['effect_mean'])} (95% CI {num(top['effect_ci_low'])} to {num(top['effect_ci_high'])})"
                     + ("." if clear else ", not clearly different from no effect with this many replications."))
    parts: list[str] = [Raw("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>")]
    if ok("orders_unfinished") and float(s.loc["orders_unfinished", "mean"]) > 0:
        parts.append(note("Some orders were still open when the runs stopped: the model may be unstable (a unit "
                          "loaded at 100% or more), and its lead times are then cut short. Check with eslabon check."))
    d = r.drift
    if not d.empty and "drifting" in d and d["drifting"].astype(bool).any():
        parts.append(note("The model drifts: some KPIs differ between the first and second half of the measured "
                          f"window ({', '.join(d.index[d['drifting'].astype(bool)])}); the figures depend on the horizon."))
    return parts


def _run_page(r: Any, other: Any, rank: bool, rank_replications: int | None, rank_kpi: str | None,
              ranking: pd.DataFrame | None, threads: int | None, progress: bool) -> str:
    from ._report_compare import compare_parts, config_text
    from ._report_model import model_words

    tu = r.time_unit
    model, why = _model(r)
    kpi = rank_kpi or default_rank_kpi(r.summary())
    ranking, how = _rank(r, model, why, rank, rank_replications, kpi, ranking, threads, progress)
    sections: list[tuple[str, str, list[str]]] = [("summary", "In short", _in_short(r, tu, ranking)),
                ("model", "The model", model_words(config_text(r), tu, r.unit_summary())),
                ("graph", "The organisation", _graph_parts(model, why, r)),
                ("kpis", "Results", _kpi_parts(r, tu)),
                ("causes", "Causes of lateness and cost", _cause_parts(r, tu)),
                ("weak-points", "Weak points", _weak_parts(ranking, how, tu))]
    if other is not None:
        sections.append(("compare", "Compared", compare_parts(r, other, _label(r), _label(other), list(MAIN_KPIS))))
    attrs = getattr(r, "attrs", {})
    n = int(r.summary()["n"].max())
    subtitle = [f"Results: {_label(r)}", f"{n} replications, seed {r.seed}, time unit {tu}"]
    if attrs.get("created"):
        subtitle.append(f"Simulated with eslabon {attrs.get('eslabon_version', '?')} on {attrs['created']}")
    return page(f"{r.name}: simulation report", subtitle,
                [(sid, title, section(sid, title, parts)) for sid, title, parts in sections],
                "Made with eslabon report. Figures are means over replications with 95% confidence intervals.")


def _sweep_page(s: Any, kpis: Sequence[str] | None) -> str:
    from ._report_sweep import heatmap_parts, points_table, sweep_words

    summary = s.summary()
    present = set(summary.loc[summary["n"] > 0, "kpi"])
    heat = [k for k in (kpis or HEATMAP_KPIS) if k in present]
    shown = [k for k in ("lead_time_mean", "on_time_rate", "throughput", "copq_per_order") if k in present]
    sections: list[tuple[str, str, list[str]]] = [("model", "The sweep", sweep_words(s)),
                ("kpis", "Every point", [para("Each point's KPIs: mean over replications with the 95% CI."),
                                         points_table(summary, s.factors, shown)]),
                ("sweep", "Heat maps", heatmap_parts(summary, s.factors, heat))]
    subtitle = [f"Sweep file {os.path.basename(s.path)}: {len(s.points)} points x {s.replications} replications, "
                f"seed {s.seed}"]
    return page(f"Sweep {os.path.basename(s.path)}: simulation report", subtitle,
                [(sid, title, section(sid, title, parts)) for sid, title, parts in sections],
                "Made with eslabon report. Figures are means over replications with 95% confidence intervals.")
