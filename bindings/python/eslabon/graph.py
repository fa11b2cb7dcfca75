"""The organisation as a picture (``eslabon graph``, ``Model.graph``, ``es.plot.graph``; README "Drawing
the organisation"): units as nodes, task handoffs between them as edges as wide as the work that flows
along them, weak links in red, the external customer and the complaint desk; drawn by Graphviz's ``dot``.

The Model binding gives units, links and the offered load but not the task graph, so the structure comes
from the model's config text (after overrides), read with PyYAML's BaseLoader (every scalar a string, as
the engine's YAML 1.2 reader sees names like ``on`` or ``no``), and each task's share of its flow's orders
from the engine's own traffic equations on a probe model (see ``_visit_rates``).
"""
from __future__ import annotations

import html
import math
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    import pandas as pd

    from .model import Model
    from .result import Result, StoredResult

COLORS = ("utilisation", "copq", "escaped")
FORMATS = ("svg", "png", "dot")
# ColorBrewer's YlOrRd (9 classes), a sequential map that prints and reads in grey; values in between
# are interpolated, so a node's colour says its value, the legend's steps say the scale.
_YLORRD = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"]
_NO_DATA = "#d9d9d9"
_ABBR = {"second": "s", "minute": "min", "hour": "h", "day": "d", "week": "w"}
_UNIT_CAUSES = ("service:", "queue:", "outage:", "closed:", "courtesy:")
# Edge widths in points: 1 for no flow, up to 1 + _PEN_RANGE for the largest.
_PEN_RANGE = 7.0


@dataclass
class _Task:
    flow: str
    name: str
    unit: str
    preds: list[str]
    next: dict[str, float] | None
    visit: float = 0.0  # orders per time unit that reach the task (not routed away)
    succs: list[str] = field(default_factory=list)


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _structure(model: Model) -> tuple[dict[tuple[str, str], _Task], list[dict[str, Any]], str | None]:
    """Tasks by (flow, task), the links as written, and the complaint desk, from the config text."""
    try:
        import yaml  # type: ignore[import]  # Debian ships no stubs
    except ImportError:  # pragma: no cover - Debian's python3-yaml is among the set-up's packages
        raise RuntimeError("eslabon graph needs PyYAML (Debian: python3-yaml)") from None
    config = yaml.load(model.config_text, Loader=yaml.BaseLoader) or {}
    tasks: dict[tuple[str, str], _Task] = {}
    for fname, flow in (config.get("flows") or {}).items():
        spec = (flow or {}).get("tasks") or {}
        for tname, t in spec.items():
            nxt = t.get("next")
            tasks[(fname, tname)] = _Task(fname, tname, str(t["unit"]), _as_list(t.get("after")),
                                          {k: float(v) for k, v in nxt.items()} if isinstance(nxt, dict) else None)
        # A task named in `next` has the routing task as a predecessor (README "Routing with probabilities").
        for tname in spec:
            for target in tasks[(fname, tname)].next or {}:
                if tname not in tasks[(fname, target)].preds:
                    tasks[(fname, target)].preds.append(tname)
    for (f, _), t in tasks.items():
        for p in t.preds:
            tasks[(f, p)].succs.append(t.name)
    links = [dict(link) for link in (config.get("links") or []) if isinstance(link, dict)]
    complaints = config.get("complaints")
    desk = str(complaints["unit"]) if isinstance(complaints, dict) and "unit" in complaints else None
    return tasks, links, desk


def _visit_rates(model: Model, tasks: dict[tuple[str, str], _Task]) -> None:
    """Each task's visit rate from ``eslabon check``'s traffic equations (``m.check()``): its flow's orders
    per time unit (a finite base at its settled mean, a rate profile at its long-run average) times the
    share of the flow's orders whose route reaches the task (a skipped task still hands over)."""
    flows = model.check()["flows"]
    for (flow, task), t in tasks.items():
        f = flows[flow]
        t.visit = float(f["arrival_rate"]) * float(f["tasks"][task]["reached"])


def _link_of(a: _Task, b: _Task, links: list[dict[str, Any]], task_names: set[str]) -> str | None:
    """The link covering handoff a -> b (a name is a task when some flow has a task of that name, else a
    unit, as the engine reads it); each handoff has at most one."""
    for link in links:
        src, dst = str(link.get("from")), str(link.get("to"))
        if ((a.name if src in task_names else a.unit) == src) and ((b.name if dst in task_names else b.unit) == dst):
            return f"{src}->{dst}"
    return None


def _link_text(link: dict[str, Any]) -> str:
    defect = link.get("defect", "0")
    if isinstance(defect, dict):
        total = sum(float(v) for v in defect.values())
        text = f"defect {total:.3g} (" + ", ".join(f"{k} {float(v):.3g}" for k, v in defect.items()) + ")"
    else:
        text = f"defect {float(defect):.3g}"
    text += f", detect {float(link.get('detect', 0)):.3g}"
    for key in ("lost", "false_alarm"):
        if float(link.get(key, 0) or 0) > 0:
            text += f", {key} {float(link[key]):.3g}"
    return text


def _fmt(v: float) -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{v:.3g}"


def _color(x: float) -> tuple[str, str]:
    """Fill and font colour for x in [0, 1] (clipped) on YlOrRd."""
    if x is None or not math.isfinite(x):
        return _NO_DATA, "black"
    pos = min(max(x, 0.0), 1.0) * (len(_YLORRD) - 1)
    i = min(int(pos), len(_YLORRD) - 2)
    lo, hi = _YLORRD[i], _YLORRD[i + 1]
    mix = [round(int(lo[k:k + 2], 16) * (1 - (pos - i)) + int(hi[k:k + 2], 16) * (pos - i)) for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in mix), ("white" if pos > 5.5 else "black")


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(d: dict[str, Any]) -> str:
    parts = []
    for k, v in d.items():
        v = str(v)
        parts.append(f"{k}={v}" if v.startswith("<") and v.endswith(">") else f"{k}={_quote(v)}")
    return "[" + ", ".join(parts) + "]"


def _check_results(model: Model, results: Any) -> None:
    from ._stored_sweep import StoredSweep

    if isinstance(results, StoredSweep):
        raise ValueError("results: a sweep file holds many runs; pass one point (sweep[point_id]) or a run file")
    # A run's results say which model made them; a sweep point (attrs without the config) names its point.
    is_run = hasattr(results, "model") or "config" in getattr(results, "attrs", {})
    if is_run and results.name != model.name:
        raise ValueError(f"the results are of model {results.name!r}, not of {model.name!r}")
    units = results.units
    if len(units) and "unit" in units and set(units["unit"]) != set(model.units):
        raise ValueError(f"the results' units ({', '.join(sorted(set(units['unit'])))}) are not the model's "
                         f"({', '.join(sorted(model.units))})")


def _means(results: Any, kind: str, stat: str) -> dict[str, float]:
    """{unit, link or origin: mean of `stat` over replications}, from the summary table, or from the
    per-replication table when there is no summary (a sweep point); {} when neither holds it."""
    try:
        table = getattr(results, f"{kind}_summary")()
        if stat in set(table.index.get_level_values(1)):
            return {str(k): float(v) for k, v in table.xs(stat, level=1)["mean"].items()}
    except KeyError:  # a table the results do not hold reads as an empty frame without its columns
        pass
    rows = getattr(results, f"{kind}s")
    if kind not in rows or stat not in rows:
        return {}
    return {str(k): float(v) for k, v in rows.groupby(kind, sort=False)[stat].mean().items()}


class Graph:
    """A drawing of the organisation: ``dot`` (the Graphviz text), ``svg()``, ``png()``, ``save(path)``;
    renders itself in Jupyter. ``nodes`` (one row per unit) and ``edges`` (one row per edge: ``tail``,
    ``head``, ``link``, ``flow`` per time unit, ``penwidth``, ``handoffs``) hold the exact figures."""

    def __init__(self, dot: str, nodes: pd.DataFrame, edges: pd.DataFrame, color: str,
                 kept: list[tuple[str, str]] | None = None) -> None:
        self.dot = dot
        self.nodes = nodes
        self.edges = edges
        self.color = color
        self._kept = list(kept or [])  # what save() must not replace: the model's config, the results file

    def render(self, fmt: str, dpi: float | None = None) -> bytes:
        """The picture as Graphviz renders it (``fmt``: svg or png; ``dpi`` for png, default 96)."""
        if fmt not in ("svg", "png"):
            raise ValueError(f"fmt: expected 'svg' or 'png', got {fmt!r}")
        exe = shutil.which("dot")
        if exe is None:
            raise RuntimeError("Graphviz's dot was not found on PATH (Debian: apt-get install graphviz); "
                               "the DOT text (Graph.dot, or eslabon graph -o FILE.dot) needs no Graphviz")
        args = [exe, f"-T{fmt}"] + ([f"-Gdpi={dpi:g}"] if dpi else [])
        p = subprocess.run(args, input=self.dot.encode(), capture_output=True)
        if p.returncode != 0:
            raise RuntimeError(f"dot failed (exit {p.returncode}): {p.stderr.decode(errors='replace').strip()}")
        return p.stdout

    def svg(self) -> str:
        """The picture as SVG text (needs Graphviz's dot; RuntimeError without it)."""
        return self.render("svg").decode("utf-8")

    def png(self, dpi: float | None = None) -> bytes:
        """The picture as PNG bytes, at ``dpi`` (default 96; needs Graphviz's dot)."""
        return self.render("png", dpi)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the picture; the format is the extension (.svg, .png or .dot). The path is checked first as
        every writer's is (README "Where results may be written": not a device, a directory, the model's
        config or the results drawn); written to a temporary file in the same directory and renamed, so a
        failure never leaves half a file."""
        from . import _args

        given = _args.path("path", path)
        path = _args.output("path", given, self._kept)
        ext = os.path.splitext(given)[1].lower().lstrip(".")  # the name given, not a link's target
        if ext not in FORMATS:
            raise ValueError(f"{given}: expected a file ending in .svg, .png or .dot")
        data = self.dot.encode() if ext == "dot" else self.render(ext)
        write_atomically(path, data)

    def _repr_svg_(self) -> str:
        return self.svg()

    def __repr__(self) -> str:
        return f"Graph({len(self.nodes)} units, {len(self.edges)} edges, colour by {self.color})"


def write_atomically(path: str, data: bytes) -> None:
    """``data`` to ``path`` through a temporary file in the same directory and a rename (a symbolic link
    is followed: the file it points to is replaced)."""
    from ._report_html import atomic_file

    with atomic_file(path, "wb") as f:
        f.write(data)


def build(model: Model, results: Union[Result, StoredResult, None] = None, color: str | None = None) -> Graph:
    """The Graph of ``model``: see ``Model.graph``."""
    import pandas as pd

    color = color or ("copq" if results is not None else "utilisation")
    if color not in COLORS:
        raise ValueError(f"color must be one of {', '.join(COLORS)}, not {color!r}")
    if color != "utilisation" and results is None:
        raise ValueError(f"color={color!r} needs results (a run's Result or a results file)")
    if results is not None:
        _check_results(model, results)

    tasks, links, desk = _structure(model)
    _visit_rates(model, tasks)
    task_names = {t.name for t in tasks.values()}
    per = _ABBR.get(model.time_unit, model.time_unit)
    load = model.offered_load()

    # Handoffs: a -> b carries a's visits, times p(a -> b) when a routes. Grouped into edges by
    # (supplier unit, receiving unit, link), so a weak link is an edge of its own.
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(tail: str, head: str, link: str, rate: float, what: str) -> None:
        e = edges.setdefault((tail, head, link), {"flow": 0.0, "handoffs": []})
        e["flow"] += rate
        e["handoffs"].append(what)

    link_supply: dict[str, dict[str, float]] = {}  # link -> {supplier unit: flow}, to share its figures out
    for (flow, _), t in tasks.items():
        if not t.preds:
            add("customer:in", t.unit, "", t.visit, f"{flow}: orders -> {t.name}")
        if not t.succs:
            add(t.unit, "customer:out", "", t.visit, f"{flow}: {t.name} -> delivery")
        for succ in t.succs:
            b = tasks[(flow, succ)]
            rate = t.visit * (t.next.get(succ, 0.0) if t.next is not None else 1.0)
            link = _link_of(t, b, links, task_names) or ""
            add(t.unit, b.unit, link, rate, f"{flow}: {t.name} -> {succ}")
            if link:
                link_supply.setdefault(link, {}).setdefault(t.unit, 0.0)
                link_supply[link][t.unit] += rate

    # Complaints: per time unit, from the run (complaint_rate x throughput), else what the traffic
    # equations put on the desk beyond its own tasks.
    complaints = float("nan")
    if desk is not None:
        if results is not None:
            kpis = results.summary()
            if "complaint_rate" in kpis.index:
                complaints = float(kpis.loc["complaint_rate", "mean"] * kpis.loc["throughput", "mean"])
        else:
            own = sum(t.visit for t in tasks.values() if t.unit == desk)
            complaints = max(0.0, float(load.loc[desk, "arrival_rate"]) - own) if desk in load.index else 0.0
        add("customer:out", desk, "", complaints if math.isfinite(complaints) else 0.0, "complaints")

    # Node values: utilisation (simulated when there are results), or a run's figure per unit.
    util = {u: float(load.loc[u, "utilisation"]) for u in load.index}
    if results is not None:
        util.update(_means(results, "unit", "utilisation"))
    notes: list[str] = []
    link_values: dict[str, str] = {}
    if color == "utilisation":
        value = dict(util)
        scale_max, legend_title = 1.0, "utilisation" + (" (simulated)" if results is not None else " (traffic equations)")
    else:
        value, notes, link_values = _by_origin(results, color, model, tasks, link_supply)
        finite = [v for v in value.values() if math.isfinite(v)]
        scale_max = max(finite) if finite and max(finite) > 0 else 1.0
        legend_title = ("cost of poor quality per delivered order, where it began" if color == "copq"
                        else "defects that reached the customer undetected, per replication, where they began")

    head = ["digraph organisation {",
            "  graph " + _attrs({"rankdir": "LR", "fontname": "Helvetica", "labelloc": "t", "nodesep": "0.4",
                                 "label": f"{model.name}: colour = {legend_title}" + "".join("\n" + n for n in notes)}) + ";",
            "  node " + _attrs({"fontname": "Helvetica", "fontsize": "11", "shape": "box", "style": "rounded,filled"}) + ";",
            "  edge " + _attrs({"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.7"}) + ";"]
    customer = {"shape": "ellipse", "style": "filled", "fillcolor": "#deebf7"}
    head.append("  " + _quote("customer:in") + " " + _attrs({**customer, "label": "external customer\n(orders)"}) + ";")
    head.append("  " + _quote("customer:out") + " " + _attrs({**customer, "label": "external customer\n(deliveries)"}) + ";")
    node_lines, rows = _node_lines(model, load, util, value, color, scale_max, desk, per)
    edge_lines, erows = _edge_lines(edges, links, link_values, desk, per)
    text = "\n".join(head + node_lines + edge_lines + [_legend(legend_title, scale_max, color), "}"]) + "\n"
    from ._args import config_of, inputs_of

    kept = inputs_of(results) + config_of(model)
    return Graph(text, pd.DataFrame(rows).set_index("unit"), pd.DataFrame(erows), color, kept)


def _node_lines(model: Model, load: pd.DataFrame, util: dict[str, float], value: dict[str, float], color: str,
                scale_max: float, desk: str | None, per: str) -> tuple[list[str], list[dict[str, Any]]]:
    lines, rows = [], []
    for u in model.units:
        servers = float(load.loc[u, "servers"]) if u in load.index else 1.0
        size = math.sqrt(min(servers, 100.0)) if math.isfinite(servers) else 10.0  # area grows with servers
        x = value.get(u, float("nan"))
        fill, font = _color(x / scale_max if color != "utilisation" else x)
        text = [u, f"{'inf' if not math.isfinite(servers) else f'{servers:g}'} server{'s' if servers != 1 else ''}",
                f"utilisation {_fmt(util.get(u, float('nan')))}"]
        if u == desk:
            text.insert(1, "complaint desk")
        if color != "utilisation":
            text.append(f"copq {_fmt(x)} /order" if color == "copq" else f"escaped {_fmt(x)}")
        arrivals = float(load.loc[u, "arrival_rate"]) if u in load.index else float("nan")
        attrs = {"label": "\n".join(text), "fillcolor": fill, "fontcolor": font, "width": f"{1.3 * size:.3f}",
                 "height": f"{0.55 * size:.3f}", "tooltip": f"{u}: arrival rate {_fmt(arrivals)}/{per}"}
        if u == desk:
            attrs["peripheries"] = "2"
        if color == "utilisation" and math.isfinite(x) and x >= 1:
            attrs.update({"color": "#800026", "penwidth": "3", "label": attrs["label"] + "\nUNSTABLE"})
        lines.append(f"  {_quote('unit:' + u)} {_attrs(attrs)};")
        rows.append({"unit": u, "servers": servers, "utilisation": util.get(u, float("nan")), "value": x,
                     "fillcolor": fill})
    return lines, rows


def _edge_lines(edges: dict[tuple[str, str, str], dict[str, Any]], links: list[dict[str, Any]],
                link_values: dict[str, str], desk: str | None, per: str) -> tuple[list[str], list[dict[str, Any]]]:
    def node(name: str) -> str:
        return name if name.startswith("customer:") else "unit:" + name

    lines, rows = [], []
    top = max((e["flow"] for e in edges.values()), default=0.0)
    for (tail, head, link), e in edges.items():
        pen = 1.0 + _PEN_RANGE * (e["flow"] / top if top > 0 else 0.0)
        label = f"{_fmt(e['flow'])}/{per}"
        attrs: dict[str, Any] = {"penwidth": f"{pen:.3f}", "tooltip": "; ".join(e["handoffs"])}
        if link:
            spec = next(x for x in links if f"{x.get('from')}->{x.get('to')}" == link)
            extra = f"\n{link_values[link]}" if link in link_values else ""
            label = f"{link}\n{_link_text(spec)}{extra}\n{label}"
            attrs.update({"color": "#cb181d", "fontcolor": "#cb181d", "style": "dashed"})
        if head == desk and tail == "customer:out":
            label = "complaints" + (f"\n{_fmt(e['flow'])}/{per}" if e["flow"] > 0 else "")
            attrs.update({"style": "dotted", "color": "#525252"})
        attrs["label"] = label
        lines.append(f"  {_quote(node(tail))} -> {_quote(node(head))} {_attrs(attrs)};")
        rows.append({"tail": tail, "head": head, "link": link, "flow": e["flow"], "penwidth": pen,
                     "handoffs": list(e["handoffs"])})
    return lines, rows


def _legend(title: str, top: float, color: str) -> str:
    cells = []
    for i in range(6):
        x = i / 5
        fill, font = _color(x)
        text = (f"{x:.1f}" if i < 5 else ">= 1") if color == "utilisation" else _fmt(x * top)
        cells.append(f'<TD BGCOLOR="{fill}" WIDTH="64"><FONT COLOR="{font}">{html.escape(text)}</FONT></TD>')
    table = ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
             f'<TR><TD COLSPAN="6" BORDER="0">{html.escape(title)}</TD></TR><TR>{"".join(cells)}</TR>'
             '<TR><TD COLSPAN="6" BORDER="0"><FONT COLOR="#cb181d">red dashed: a weak link</FONT>'
             ' (defect, detect); edge width: handoffs per time unit</TD></TR></TABLE>>')
    return "  legend " + _attrs({"shape": "plaintext", "style": "", "label": table}) + ";"


def _by_origin(results: Any, color: str, model: Model, tasks: dict[tuple[str, str], _Task],
               link_supply: dict[str, dict[str, float]]) -> tuple[dict[str, float], list[str], dict[str, str]]:
    """Per unit, the run's copq per delivered order (the cost ledger's rows, each at the unit where it
    began) or its escaped defects (the links table); notes for what is at no unit; text per link."""
    def share(weights: dict[str, float]) -> dict[str, float]:
        total = sum(weights.values())
        return {u: (w / total if total > 0 else 1 / len(weights)) for u, w in weights.items()}

    def skip_units(task: str) -> dict[str, float]:  # a task name may be in several flows, at other units
        weights: dict[str, float] = {}
        for t in tasks.values():
            if t.name == task:
                weights[t.unit] = weights.get(t.unit, 0.0) + t.visit
        return share(weights)

    value = {u: 0.0 for u in model.units}
    notes: list[str] = []
    link_values: dict[str, str] = {}
    if color == "copq":
        link_copq: dict[str, float] = {}
        rows = _means(results, "origin", "copq_per_order")
        if not rows:
            return {u: float("nan") for u in model.units}, ["(no cost ledger in these results)"], {}
        for origin, v in rows.items():
            base = origin.split(":", 1)[1] if origin.startswith("delay:") else origin
            link = base if base in link_supply else base.rsplit(":", 1)[0]
            if link in link_supply:
                where = share(link_supply[link])
                if not origin.startswith("delay:"):
                    link_copq[link] = link_copq.get(link, 0.0) + v  # its own origin and its types' 
            elif origin.startswith("skip:"):
                where = skip_units(origin[5:])
            elif origin.startswith(_UNIT_CAUSES) and origin.split(":", 1)[1] in value:
                where = {origin.split(":", 1)[1]: 1.0}
            else:
                if v != 0:
                    notes.append(f"{origin}: copq {_fmt(v)} /order at no unit")
                continue
            for u, w in where.items():
                value[u] += w * v
        link_values = {k: f"copq {_fmt(v)} /order" for k, v in link_copq.items()}
    else:
        rows = _means(results, "link", "escaped")
        if not rows:
            return {u: float("nan") for u in model.units}, ["(no links table in these results)"], {}
        for link, v in rows.items():
            if link in link_supply:  # a link's row holds the totals of its types' rows
                for u, w in share(link_supply[link]).items():
                    value[u] += w * v
                link_values[link] = f"escaped {_fmt(v)}"
        if any(o.startswith("skip:") for o in model.origins):
            notes.append("defects of skipped steps are not counted (no escaped count per skip)")
    return value, notes, link_values
