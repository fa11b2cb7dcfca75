"""What the plots write on their axes: each KPI's unit, the model's time unit, the flows' due dates."""
from __future__ import annotations

import math
import re
from typing import Any

# Configs have no currency key: costs, values and penalties are numbers in whatever currency the
# config's `costs` were written in, so the plots say exactly that.
CURRENCY = "currency of costs"

# Each KPI's unit ("{t}" the model's time unit, "{ts}" its plural), as README "What is measured" defines it.
_KPI_UNITS = {
    "lead_time_mean": "{ts}", "lead_time_p50": "{ts}", "lead_time_p95": "{ts}",
    "complaint_resolution_time_mean": "{ts}",
    "on_time_rate": "share of delivered orders", "throughput": "orders per {t}", "wip_mean": "orders",
    "orders_delivered": "orders", "orders_arrived": "orders", "orders_unfinished": "orders",
    "loss_rate": "share of orders", "abandon_rate": "share of orders",
    "defect_escape_rate": "share of delivered orders", "visible_defect_rate": "share of delivered orders",
    "perfect_order_rate": "share of delivered orders", "discourtesy_rate": "share of delivered orders",
    "rework_per_order": "redos per delivered order", "complaint_rate": "complaints per delivered order",
    "complaints_turned_away": "complaints per delivered order",
    "dissatisfied_rate": "customers per delivered order", "silent_rate": "customers per delivered order",
    "silent_to_complaint_ratio": "silent customers per complaint",
    "revenue": f"{CURRENCY} per {{t}}", "customer_base": "customers",
    "satisfaction_mean": "score, 0 to 1", "orders_before_leaving_mean": "orders",
}
for _k in ["churn_rate", "churn_after_resolved_rate", "churn_after_unresolved_rate", "churn_silent_rate",
           "churn_defect_rate", "churn_late_rate", "churn_offended_rate", "churn_satisfied_rate"]:
    _KPI_UNITS[_k] = "customers lost per delivered order"
for _k in ["copq_per_order", "copq_prevention", "copq_appraisal", "copq_internal_failure", "copq_external_failure"]:
    _KPI_UNITS[_k] = f"{CURRENCY} per delivered order"

# Durations in a config: a number in the model's time unit, or a number with one of these units.
_SECONDS = {"s": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400,
            "w": 604800, "week": 604800}


def plural(time_unit: str) -> str:
    """"hour" -> "hours"; no unit known -> "time units"."""
    return f"{time_unit}s" if time_unit else "time units"


def kpi_unit(kpi: str, time_unit: str = "") -> str:
    """The unit of a KPI ("" for a name that is not a KPI)."""
    unit = _KPI_UNITS.get(kpi, "")
    return unit.format(t=time_unit or "time unit", ts=plural(time_unit))


def kpi_label(kpi: str, time_unit: str = "") -> str:
    """An axis label: the KPI's name and, when known, its unit: "lead_time_mean (hours)"."""
    unit = kpi_unit(kpi, time_unit)
    return f"{kpi} ({unit})" if unit else kpi


def time_unit_of(obj: Any) -> str:
    """The time unit of a Result or StoredResult (its model's, or its file's), or of a DataFrame that
    carries it in ``attrs["time_unit"]`` (es.sweep, es.rank); "" when unknown."""
    attrs = getattr(obj, "attrs", None)
    if isinstance(attrs, dict) and attrs.get("time_unit"):
        return str(attrs["time_unit"])
    unit = getattr(obj, "time_unit", "")
    return unit if isinstance(unit, str) else ""


def _duration(value: Any, time_unit: str) -> float | None:
    """A config duration in model time units, or None when it is not one."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    m = re.fullmatch(r"\s*([-+0-9.eE]+)\s*([a-z]+)\s*", str(value))
    if not m or m.group(2) not in _SECONDS or time_unit not in _SECONDS:
        return None
    try:
        return float(m.group(1)) * _SECONDS[m.group(2)] / _SECONDS[time_unit]
    except ValueError:
        return None


def flow_dues(result: Any) -> dict[str, float]:
    """Each flow's promised lead time (`due`) in model time units, for the flows that have one: from
    the recorded orders (their `due` - `arrival`) when there are any, else from the run's config (with
    its changes applied, as the engine read it). {} when neither says."""
    orders = result.orders
    if len(orders) and {"flow", "due", "arrival"} <= set(orders.columns):
        d = (orders["due"] - orders["arrival"]).where(lambda s: s.map(math.isfinite))
        # due = arrival + D in floating point: the differences agree with D to about 1e-12.
        return {str(f): float(f"{g.median():.9g}") for f, g in d.groupby(orders["flow"]) if g.notna().any()}
    model = getattr(result, "model", None)
    text = model._core.config_text if model is not None else getattr(result, "config_text", "")
    if not text:
        return {}
    import yaml

    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    flows = config.get("flows") if isinstance(config, dict) else None
    unit = str(config.get("time_unit", time_unit_of(result) or "hour"))
    dues = {}
    for name, flow in (flows or {}).items():
        due = _duration(flow.get("due"), unit) if isinstance(flow, dict) and "due" in flow else None
        if due is not None and math.isfinite(due):
            dues[str(name)] = due
    return dues
