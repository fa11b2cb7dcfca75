"""The model in words, for ``eslabon report``: units, flows and their tasks, due dates, weak links,
complaints, costs and scenarios, read from the config text a results file stores."""
from __future__ import annotations

from typing import Any

import pandas as pd

from ._report_html import Raw, details, esc, note, num, para, table, with_ci

WEAK_LINK_WORDS = ("A weak link is a handoff between two tasks where work can go wrong: a defect passed on "
                   "(the receiver's inspection catches some, the rest travel on, some as far as the customer), "
                   "a handoff that takes time (delay) or is lost, or a service-level agreement (sla) on how "
                   "soon the work is accepted.")


def parse(config_text: str) -> dict[str, Any] | None:
    """The config as a dict (YAML, of which JSON is a part), or None when it is not one."""
    import yaml

    try:
        data = yaml.safe_load(config_text)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def words(v: Any) -> str:
    """A config value in words: ``{exponential: {mean: 1.5}}`` -> "exponential (mean 1.5)"."""
    if isinstance(v, dict):
        if len(v) == 1:
            (k, x), = v.items()
            if isinstance(x, dict):
                return f"{k} ({words(x)})"
        return ", ".join(f"{k} {words(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(words(x) for x in v) if all(not isinstance(x, (list, dict)) for x in v) else \
            "; ".join(f"[{words(x)}]" for x in v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None:
        return "none"
    return str(v)


def _duration(v: Any, tu: str) -> str:
    """A duration from the config: a bare number is in time units."""
    return f"{num(v)} {tu}s" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def structure(config: dict[str, Any] | None) -> tuple | None:
    """What names a run's random numbers (models/engine/draws.hpp addresses every draw by the names of
    flows, units, tasks and handoffs): units, flows with their tasks, links. None when unknown."""
    if not config:
        return None
    try:
        units = tuple(sorted(map(str, config.get("units") or {})))
        flows = tuple(sorted((str(f), tuple(sorted(map(str, (spec or {}).get("tasks") or {}))))
                             for f, spec in (config.get("flows") or {}).items()))
        links = tuple(sorted(f"{l.get('from')}->{l.get('to')}" for l in (config.get("links") or [])))
    except AttributeError:
        return None
    return units, flows, links


def _unit_stat(unit_summary: pd.DataFrame, unit: str, stat: str) -> Any:
    if unit_summary.empty or (unit, stat) not in unit_summary.index:
        return "–"
    row = unit_summary.loc[(unit, stat)]
    return with_ci(row["mean"], row["ci_low"], row["ci_high"])


def model_words(config_text: str, time_unit: str, unit_summary: pd.DataFrame) -> list[str]:
    """The "model" section's parts: what the config says, in sentences and tables."""
    config = parse(config_text)
    if config is None:
        return [note("The stored configuration could not be read as YAML; it is shown as it is below."),
                details("The configuration", f"<pre>{esc(config_text)}</pre>")]
    parts: list[str] = []
    tu = str(config.get("time_unit", time_unit))
    run = config.get("run") or {}
    parts.append(para(f"Time is counted in {tu}s (a figure without a unit is in {tu}s). Each replication "
                      f"simulates up to {_duration(run.get('horizon', '?'), tu)} after a warm-up of "
                      f"{_duration(run.get('warmup', 0), tu)} that is not measured; {run.get('replications', '?')} "
                      f"replications, seed {run.get('seed', '?')}."))
    units = config.get("units") or {}
    parts.append(Raw(f"<h3>Units ({len(units)})</h3>"))
    parts.append(para("The departments, each a queue with its servers (people or machines working in parallel). "
                      "Utilisation and mean wait are the simulated ones (mean over replications, 95% CI)."))
    rows = []
    for name, spec in units.items():
        spec = dict(spec or {})
        servers = spec.pop("servers", "by shift" if "shifts" in spec else 1)
        cost = spec.pop("cost_per_hour", None)
        rows.append([name, servers, "–" if cost is None else cost, words(spec) if spec else "–",
                     _unit_stat(unit_summary, str(name), "utilisation"), _unit_stat(unit_summary, str(name), "mean_wait")])
    parts.append(table(["unit", "servers", "cost per hour", "other settings", "utilisation", f"mean wait ({tu}s)"],
                       rows, numeric=(1, 2, 4, 5)))
    flows = config.get("flows") or {}
    parts.append(Raw(f"<h3>Flows of work ({len(flows)})</h3>"))
    for name, spec in flows.items():
        spec = dict(spec or {})
        tasks = spec.pop("tasks", {}) or {}
        due = spec.pop("due", None)
        arrivals = spec.pop("arrivals", None)
        text = [f"Flow “{name}”: orders arrive as {words(arrivals)}." if arrivals is not None else f"Flow “{name}”."]
        text.append(f"Each order is due {due} after it arrives." if due is not None else "No due date is promised.")
        if spec:
            text.append(f"Also: {words(spec)}.")
        parts.append(para(" ".join(text)))
        routed: dict[str, list[str]] = {}  # task -> the tasks whose `next` may send work to it
        for tname, t in tasks.items():
            nxt = (t or {}).get("next") if isinstance(t, dict) else None
            for target in (nxt if isinstance(nxt, (dict, list)) else [nxt] if nxt else []):
                routed.setdefault(str(target), []).append(str(tname))
        trows = []
        for tname, t in tasks.items():
            t = dict(t or {})
            after = t.pop("after", None)
            before = (words(after) if after else
                      f"routed from {', '.join(routed[str(tname)])}" if str(tname) in routed else "(first)")
            trows.append([tname, t.pop("unit", "–"), words(t.pop("service", "–")), before, words(t) if t else "–"])
        parts.append(table(["task", "unit", "service time", "after", "other settings"], trows))
    links = config.get("links") or []
    parts.append(Raw(f"<h3>Weak links ({len(links)})</h3>"))
    parts.append(para(WEAK_LINK_WORDS))
    if links:
        lrows = []
        for link in links:
            link = dict(link or {})
            lrows.append([f"{link.pop('from', '?')} → {link.pop('to', '?')}", words(link) if link else "–"])
        parts.append(table(["handoff", "what can go wrong, and how it is caught"], lrows))
    else:
        parts.append(para("This model has no weak links."))
    for key, title in (("defect_types", "Defect types"), ("complaints", "Complaints"),
                       ("costs", "Costs (in the currency of the model, per event)")):
        if config.get(key):
            parts.append(Raw(f"<h3>{esc(title)}</h3>"))
            parts.append(para(words(config[key]) + "."))
    scenarios = config.get("scenarios") or {}
    if scenarios:
        parts.append(Raw("<h3>Named scenarios</h3>"))
        parts.append(table(["scenario", "changes"], [[n, words(c)] for n, c in scenarios.items()]))
    parts.append(details("The full configuration (as stored in the results file)", f"<pre>{esc(config_text)}</pre>"))
    return parts


def flows_table(flow_summary: pd.DataFrame, time_unit: str) -> Raw:
    """Per flow: lead time, on-time rate, throughput with their CIs."""
    stats = [("lead_time_mean", f"lead time mean ({time_unit}s)"), ("lead_time_p95", f"lead time p95 ({time_unit}s)"),
             ("on_time_rate", "on time (share)"), ("throughput", f"orders per {time_unit}")]
    rows = []
    for flow in dict.fromkeys(flow_summary.index.get_level_values(0)):
        row: list[Any] = [flow]
        for s, _ in stats:
            if (flow, s) in flow_summary.index:
                r = flow_summary.loc[(flow, s)]
                row.append(with_ci(r["mean"], r["ci_low"], r["ci_high"]))
            else:
                row.append("–")
        rows.append(row)
    return table(["flow", *(h for _, h in stats)], rows, numeric=range(1, len(stats) + 1))

