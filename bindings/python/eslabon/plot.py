"""Plots of results, rankings and sweeps (matplotlib; each returns its Axes).

Every axis says its unit (the model's time unit; money in the currency of the config's ``costs``, which
the config does not name); a chart with nothing to show says why in words instead of drawing an empty
axis; figures the functions create use matplotlib's constrained layout, sized for their labels, so that
``savefig`` keeps every label inside the image.
"""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

import numpy as np

from ._plot_labels import currency_of, flow_dues, kpi_label, kpi_unit, plural, time_unit_of

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from .result import Result, StoredResult


def _axes(ax: Axes | None, figsize: tuple[float, float] = (7, 4)) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _barh_size(labels: list[str], title: str = "", width: float = 7.0) -> tuple[float, float]:
    """A figure for horizontal bars named `labels`: tall enough for one bar per label, wide enough for the
    labels (about 0.07 inch a character at the default font) beside an axis of at least 4 inches that is
    as wide as its title (about 0.085 inch a character)."""
    longest = max((len(s) for s in labels), default=0)
    axis = max(4.0, 0.085 * len(title))
    return max(width, 0.07 * longest + 0.6 + axis), max(3.0, 0.35 * len(labels) + 1.4)


def _message(ax: Axes, text: str) -> None:
    """Say why there is nothing to draw, in the middle of an axis without ticks."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def _fold(label: str, width: int = 40) -> str:
    """A long axis label on two lines, its unit in brackets on the second, so that it fits beside a small axis."""
    return label.replace(" (", "\n(", 1) if len(label) > width else label


def _time_unit(result: Any) -> str:
    return time_unit_of(result)


def lead_time(result: Result | StoredResult, ax: Axes | None = None, bins: int = 50) -> Axes:
    """Lead-time distribution: a histogram of order lead times when orders were recorded
    (``run(orders=True)``), else the per-replication mean, p50 and p95 with their CIs. Each flow's due
    date (its promised lead time, ``due``) is a dotted red line labelled with the share delivered on time."""
    ax = _axes(ax)
    orders = result.orders
    s = result.summary()
    unit = plural(_time_unit(result))
    dues = flow_dues(result)
    flows = result.flows
    on_time = flows.groupby("flow")["on_time_rate"].mean() if len(flows) and "on_time_rate" in flows else {}
    several = len(on_time) > 1 or len(dues) > 1  # then each line names its flow and that flow's on-time share

    def due_label(flow: str, due: float) -> str:
        share = on_time.get(flow, np.nan) if several else s.loc["on_time_rate", "mean"]
        name = f" ({flow})" if several else ""
        return f"due{name} {due:g} {unit}" + (f": {share:.0%} on time" if share == share else "")

    styles = [":", (0, (1, 3)), (0, (3, 1, 1, 1))]
    if len(orders) and "lead_time" in orders:
        lt = orders["lead_time"].dropna()
        ax.hist(lt, bins=bins, color="#4c72b0", alpha=0.85)
        for k, style in [("lead_time_mean", "-"), ("lead_time_p95", "--")]:
            ax.axvline(s.loc[k, "mean"], color="k", linestyle=style, label=f"{k} {s.loc[k, 'mean']:.3g} {unit}")
        for i, (flow, due) in enumerate(dues.items()):
            ax.axvline(due, color="#c44e52", linestyle=styles[i % 3], linewidth=2, label=due_label(flow, due))
        ax.set_xlabel(f"lead time ({unit})")
        ax.set_ylabel("orders (all replications)")
        ax.legend()
    else:
        ks = ["lead_time_mean", "lead_time_p50", "lead_time_p95"]
        reps = result.replications
        for i, k in enumerate(ks):
            ax.scatter(np.full(len(reps), i), reps[k], alpha=0.4, s=12)
            ax.errorbar(i, s.loc[k, "mean"], yerr=[[s.loc[k, "mean"] - s.loc[k, "ci_low"]],
                                                   [s.loc[k, "ci_high"] - s.loc[k, "mean"]]], fmt="o", color="k", capsize=6)
        for i, (flow, due) in enumerate(dues.items()):
            ax.axhline(due, color="#c44e52", linestyle=styles[i % 3], linewidth=2, label=due_label(flow, due))
        ax.set_xticks(range(len(ks)), ks)
        ax.set_ylabel(f"lead time ({unit})")
        if dues:
            ax.legend()
    ax.set_title(f"{result.name}: lead time")
    return ax


def _weak_links(result: Result | StoredResult, names: list[str]) -> list[str]:
    """The ledger's rows that are weak links (links and their defect types, skippable steps), not causes of delay."""
    model = getattr(result, "model", None)
    if model is not None:
        return list(model.origins)
    return [n for n in names if n.startswith("skip:") or ("->" in n and not n.startswith("delay:"))]


def origins(result: Result | StoredResult, ax: Axes | None = None) -> Axes:
    """Where customer-visible defects and the cost of poor quality begin: share per row of the cost
    ledger (origins of defects and causes of delay, README "Who pays"), with 95% CIs. A run with nothing
    to trace says so (and whether the model has weak links at all)."""
    s = result.origin_summary()
    every = list(dict.fromkeys(s.index.get_level_values(0))) if not s.empty else []
    # The ledger's rows that hold something (a cause of delay that cost nothing is left out).
    names = [n for n in every
             if any(abs(np.nan_to_num(s.loc[(n, stat), "mean"])) > 0 for stat in ("visible_share", "copq_share"))]
    weak = _weak_links(result, every)
    title = "where defects and their cost begin" + ("" if weak else " (the model has no weak links)")
    ax = _axes(ax, _barh_size(names, title))
    ax.set_title(title)
    if not names:
        _message(ax, "nothing to trace: no defect reached a customer and\nno cost of poor quality in this run"
                 + ("" if weak else "\n(the model has no weak links: no link with faults,\nno step that can be skipped)"))
        return ax
    y = np.arange(len(names))
    for off, stat, what, color in [(-0.2, "visible_share", "of the defects customers noticed", "#c44e52"),
                                   (0.2, "copq_share", "of the cost of poor quality", "#4c72b0")]:
        m = np.array([s.loc[(n, stat), "mean"] for n in names], dtype=float)
        lo = np.array([s.loc[(n, stat), "ci_low"] for n in names], dtype=float)
        hi = np.array([s.loc[(n, stat), "ci_high"] for n in names], dtype=float)
        err = np.nan_to_num(np.vstack([m - lo, hi - m])).clip(min=0)
        ax.barh(y + off, np.nan_to_num(m), height=0.4, xerr=err, color=color, label=f"{stat} ({what})", capsize=3)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("share of the run's total (0 to 1), 95% CI")
    ax.legend()
    return ax


def _waterfall(ax: Axes, names: list[str], values: np.ndarray, low: np.ndarray, high: np.ndarray,
               total: dict[str, float] | None, total_label: str, color: str, xlabel: str) -> None:
    """Horizontal waterfall: each cause a bar from where the previous ended, its 95% CI as an error bar
    at its end; the last bar the total from 0, with its own CI."""
    starts = np.concatenate([[0.0], np.cumsum(values)[:-1]]) if len(values) else np.array([])
    y = np.arange(len(names))
    err = np.nan_to_num(np.vstack([values - low, high - values]), nan=0.0).clip(min=0)
    ax.barh(y, values, left=starts, height=0.6, color=color)
    ax.errorbar(starts + values, y, xerr=err, fmt="none", ecolor="k", capsize=3, linewidth=0.8)
    labels = list(names)
    if total is not None:
        t = total["mean"]
        ax.barh([len(names)], [t], height=0.6, color="0.45")
        terr = np.nan_to_num([[t - total["ci_low"]], [total["ci_high"] - t]], nan=0.0).clip(min=0)
        ax.errorbar([t], [len(names)], xerr=terr, fmt="none", ecolor="k", capsize=3, linewidth=0.8)
        labels.append(total_label)
    ax.set_yticks(np.arange(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)


def causes(result: Result | StoredResult, what: str = "both", top: int = 10, ax: Axes | None = None) -> Any:
    """Where the time and the money went (``result.causes``): waterfalls of the mean lead time and of the
    cost of poor quality per delivered order, split by cause (README "Where the time went", "Who pays").
    Each cause is a bar starting where the one before ended, with its 95% CI; causes beyond the ``top``
    largest are one "other" bar; the last bar is the total (``lead_time_mean``, ``copq_per_order``) with
    its own CI. ``what``: "both" (two panels side by side; returns the array of two Axes), "time" or
    "cost" (one panel; returns its Axes, drawn on ``ax`` when given)."""
    if what not in ("both", "time", "cost"):
        raise ValueError(f"what must be 'both', 'time' or 'cost', not {what!r}")
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top!r}")
    c = result.causes
    unit = _time_unit(result)
    panels = ["time", "cost"] if what == "both" else [what]
    if what == "both":
        if ax is not None:
            raise ValueError("what='both' draws two panels: pass ax only with what='time' or 'cost'")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(12, max(3.0, 0.35 * (min(top, len(c)) + 3))),
                                 layout="constrained")
        fig.suptitle(result.name)  # once, so that each panel's title fits above it
    else:
        axes = np.array([_axes(ax)])
    def title(what_: str) -> str:
        text = what_ if what == "both" else f"{result.name}: {what_}"
        return text.replace(": ", "\n", 1) if len(text) > 45 else text

    for a, panel in zip(axes, panels):
        col, lo, hi, total_key = (("time", "time_ci_low", "time_ci_high", "lead_time_mean") if panel == "time"
                                  else ("copq", "copq_ci_low", "copq_ci_high", "copq_per_order"))
        d = c[c[col].fillna(0) > 0].sort_values(col, ascending=False)
        if d.empty:
            a.text(0.5, 0.5, "no lead time recorded" if panel == "time" else "no cost of poor quality in this run",
                   transform=a.transAxes, ha="center", va="center")
            a.set_yticks([])
            a.set_title(title("lead time by cause" if panel == "time" else "cost of poor quality by cause"))
            continue
        shown, rest = d.iloc[:top], d.iloc[top:]
        names = list(shown.index)
        values = shown[col].to_numpy(dtype=float)
        low = shown[lo].to_numpy(dtype=float)
        high = shown[hi].to_numpy(dtype=float)
        if len(rest):
            names.append(f"other ({len(rest)} causes)")
            v = float(rest[col].sum())
            values, low, high = np.append(values, v), np.append(low, v), np.append(high, v)  # no CI for a sum
        total = c.attrs.get(total_key)
        if panel == "time":
            _waterfall(a, names, values, low, high, total, "lead time (mean)", "#4c72b0",
                       f"{plural(unit)} per delivered order")
            a.set_title(title("where the lead time went"))
        else:
            _waterfall(a, names, values, low, high, total, "copq per order", "#c44e52",
                       f"cost of poor quality per delivered order ({currency_of(result)})")
            a.set_title(title("who pays"))
    return axes if what == "both" else axes[0]


def tornado(ranking: pd.DataFrame, ax: Axes | None = None, time_unit: str | None = None) -> Axes:
    """What fixing each weak point is worth (``rank`` or ``rank_links`` output): the effect of fixing it,
    with its paired 95% CI; ``rank``'s rows are labelled "name (kind)". The axis is in the KPI's unit
    (``time_unit`` defaults to the ranking's ``attrs``, which ``rank`` fills); an empty ranking says so."""
    is_links = "link" in ranking.columns
    r = ranking.iloc[::-1]
    labels = (list(r["link"]) if is_links else [f"{n} ({k})" for n, k in zip(r["name"], r["kind"])]) if len(r) else []
    title = ("cost of each weak link" if is_links else "what fixing each weak point is worth") + " (paired 95% CI)"
    ax = _axes(ax, _barh_size(labels, title))
    kpi = ranking.attrs.get("kpi", "KPI")
    ax.set_title(title)
    if ranking.empty:
        _message(ax, "nothing to rank: the model has no weak "
                 + ("links (no link with faults, no step that can be skipped)" if is_links else "points"))
        return ax
    y = np.arange(len(r))
    m = r["effect_mean"].to_numpy(dtype=float)
    err = np.vstack([m - r["effect_ci_low"].to_numpy(dtype=float), r["effect_ci_high"].to_numpy(dtype=float) - m])
    ax.barh(y, m, xerr=np.nan_to_num(err).clip(min=0), color=np.where(m >= 0, "#c44e52", "#55a868"), capsize=4)
    ax.set_yticks(y, labels)
    ax.axvline(0, color="k", linewidth=0.8)
    unit = kpi_unit(kpi, time_unit or time_unit_of(ranking), currency_of(ranking))
    ax.set_xlabel(_fold(f"{kpi}: base - fixed" + (f" ({unit})" if unit else "")))
    return ax


def _kpi_rows(df: pd.DataFrame, kpi: str, columns: list[str], what: str) -> pd.DataFrame:
    """The sweep's rows of one KPI; a ValueError naming what the sweep has when the KPI or a column is absent."""
    for c in columns:
        if c not in df.columns:
            factors = df.attrs.get("factors") or [c for c in df.columns if c not in
                                                  ("id", "scenario", "kpi", "mean", "ci_low", "ci_high", "std", "n")]
            raise ValueError(f"{what}: no column {c!r} in this sweep; its factors: {', '.join(map(str, factors))}")
    kpis = list(dict.fromkeys(df["kpi"])) if "kpi" in df.columns else []
    if kpi not in kpis:
        near = difflib.get_close_matches(kpi, kpis, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ValueError(f"{what}: no KPI {kpi!r} in this sweep{hint}; it has: {', '.join(kpis) or 'none'}")
    return df[df["kpi"] == kpi].dropna(subset=columns)  # a scenario point that does not set a factor has none


def _same_cell(d: pd.DataFrame, keys: list[str], what: str) -> None:
    """Refuse to draw two points as one: when several points share the plotted factors, another factor varies."""
    dup = d[d.duplicated(keys, keep=False)]
    if len(dup):
        first = dup.iloc[0]
        n = int((dup[keys] == first[keys]).all(axis=1).sum())
        where = ", ".join(f"{k}={first[k]}" for k in keys)
        others = [f for f in d.attrs.get("factors", []) if f not in keys and d[f].nunique() > 1] if d.attrs else []
        varies = f" ({', '.join(others)})" if others else ""
        raise ValueError(f"{what}: {n} points share {where}: another factor{varies} varies too; select one "
                         "value of it first (df[df[FACTOR] == VALUE])")


def heatmap(df: pd.DataFrame, x: str, y: str, kpi: str, ax: Axes | None = None, time_unit: str | None = None,
            cmap: str = "viridis") -> Axes:
    """A sweep's KPI over two factors (``es.sweep`` or ``StoredSweep.summary()`` output): one cell per
    (x, y) point coloured by the KPI's mean, annotated with the mean and, under it, ± half the width of its
    95% CI; a colour bar in the KPI's unit. Points that share (x, y) (a third factor varies) are refused:
    select one value of the others first. Returns the heat map's Axes."""
    d = _kpi_rows(df, kpi, [x, y], "heatmap")
    _same_cell(d, [x, y], "heatmap")
    xs, ys = sorted(d[x].unique()), sorted(d[y].unique())
    mean = d.pivot(index=y, columns=x, values="mean").reindex(index=ys, columns=xs).to_numpy(dtype=float)
    half = ((d["ci_high"] - d["ci_low"]) / 2).to_frame("h").assign(**{x: d[x], y: d[y]})
    half = half.pivot(index=y, columns=x, values="h").reindex(index=ys, columns=xs).to_numpy(dtype=float)
    ax = _axes(ax, (max(5.0, 1.3 * len(xs) + 3.0), max(3.0, 0.7 * len(ys) + 1.6)))
    unit = time_unit or time_unit_of(df)
    ax.set_title(f"{kpi}: mean ± half the 95% CI width")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if not np.isfinite(mean).any():
        _message(ax, f"no values of {kpi} in this sweep (the KPI is empty at every point)")
        return ax
    im = ax.imshow(mean, origin="lower", aspect="auto", cmap=cmap)
    ax.set_xticks(range(len(xs)), [f"{v:g}" if isinstance(v, (float, np.floating)) else str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:g}" if isinstance(v, (float, np.floating)) else str(v) for v in ys])
    for i in range(len(ys)):
        for j in range(len(xs)):
            m, h = mean[i, j], half[i, j]
            if not np.isfinite(m):
                ax.text(j, i, "no value", ha="center", va="center", color="0.4", fontsize=8)
                continue
            r, g, b, _ = im.cmap(im.norm(m))
            color = "k" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "w"  # readable on the cell
            ax.text(j, i, f"{m:.3g}" + (f"\n±{h:.2g}" if np.isfinite(h) else ""), ha="center", va="center",
                    color=color, fontsize=9)
    bar = ax.figure.colorbar(im, ax=ax)
    bar.set_label(_fold(f"mean {kpi_label(kpi, unit, currency_of(df))}"))
    return ax


def sweep(df: pd.DataFrame, x: str, y: str, hue: str | None = None, ax: Axes | None = None,
          time_unit: str | None = None) -> Axes:
    """A KPI `y` against factor `x` from a sweep DataFrame, one line per value of `hue` (each with its
    95% CI as a band of the line's colour; the legend has one entry per line), the y axis in the KPI's unit
    (``time_unit`` defaults to the DataFrame's ``attrs``, which ``es.sweep`` fills). A KPI the sweep does
    not have, or points that share (x, hue) because another factor varies, raise a ValueError."""
    d = _kpi_rows(df, y, [x] if hue is None else [x, hue], "sweep")
    _same_cell(d, [x] if hue is None else [x, hue], "sweep")
    ax = _axes(ax)
    ax.set_xlabel(x)
    ax.set_ylabel(_fold(kpi_label(y, time_unit or time_unit_of(df), currency_of(df))))
    ax.set_title(f"{y} (mean, 95% CI)")
    if not np.isfinite(d["mean"].to_numpy(dtype=float)).any():
        _message(ax, f"no values of {y} in this sweep (the KPI is empty at every point)")
        return ax
    groups = [(None, d)] if hue is None else list(d.groupby(hue, sort=True))
    lines = []
    for key, g in groups:
        g = g.sort_values(x)
        (line,) = ax.plot(g[x], g["mean"], marker="o", label=y if key is None else str(key))
        # The band in its line's colour, and out of the legend ("_" labels are never listed).
        ax.fill_between(g[x], g["ci_low"], g["ci_high"], color=line.get_color(), alpha=0.2, linewidth=0,
                        label="_ci")
        lines.append(line)
    from matplotlib.ticker import MaxNLocator

    if np.issubdtype(np.asarray(d[x].dropna()).dtype, np.integer):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if hue is not None:
        ax.legend(handles=lines, title=hue)
    return ax


if TYPE_CHECKING:
    from .model import Model


def graph(model: Model, results: Result | StoredResult | None = None, color: str | None = None,
          ax: Axes | None = None, dpi: float = 150) -> Axes:
    """The organisation graph (``model.graph(results, color)``, README "Drawing the organisation") drawn
    into an Axes as a picture, for composing figures: Graphviz renders it to PNG at ``dpi``, imshow shows
    it, the axis is off. Without ``ax``, a figure sized to the picture."""
    import io

    import matplotlib.image as mpimg

    picture = mpimg.imread(io.BytesIO(model.graph(results=results, color=color).png(dpi=dpi)), format="png")
    if ax is None:
        import matplotlib.pyplot as plt

        height, width = picture.shape[:2]
        scale = min(1.0, 14.0 / (width / dpi))  # at most 14 inches wide
        _, ax = plt.subplots(figsize=(width / dpi * scale, height / dpi * scale))
    ax.imshow(picture, interpolation="antialiased")
    ax.set_axis_off()
    return ax
