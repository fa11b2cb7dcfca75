"""What the plots write on their axes: each KPI's unit, the model's time unit, the flows' due dates."""
from __future__ import annotations

import math
import re
from typing import Any

# Each KPI's unit comes from the one vocabulary in C++ (models/results/measure_units.cpp), as a
# template: "{time}" the model's time unit, "{currency}" its currency (config costs.currency).

# Durations in a config: a number in the model's time unit, or a number with one of these units.
_SECONDS = {"s": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400,
            "w": 604800, "week": 604800}


def plural(time_unit: str) -> str:
    """"hour" -> "hours"; no unit known -> "time units"."""
    return f"{time_unit}s" if time_unit else "time units"


def kpi_unit(kpi: str, time_unit: str = "", currency: str = "") -> str:
    """The unit of a KPI on an axis ("" for a name that is not a KPI): a time reads in the plural
    ("hours"), a rate per time unit in the singular ("orders per hour")."""
    from . import _core

    unit = _core.unit_template("summary", kpi)
    if unit == "{time}":
        return plural(time_unit)
    return unit.replace("{time}", time_unit or "time unit").replace("{currency}", currency or _core.default_currency())


def kpi_label(kpi: str, time_unit: str = "", currency: str = "") -> str:
    """An axis label: the KPI's name and, when known, its unit: "lead_time_mean (hours)"."""
    unit = kpi_unit(kpi, time_unit, currency)
    return f"{kpi} ({unit})" if unit else kpi


def time_unit_of(obj: Any) -> str:
    """The time unit of a Result or StoredResult (its model's, or its file's), or of a DataFrame that
    carries it in ``attrs["time_unit"]`` (es.sweep, es.rank); "" when unknown."""
    attrs = getattr(obj, "attrs", None)
    if isinstance(attrs, dict) and attrs.get("time_unit"):
        return str(attrs["time_unit"])
    unit = getattr(obj, "time_unit", "")
    return unit if isinstance(unit, str) else ""


def currency_of(obj: Any) -> str:
    """The currency of a Result or StoredResult, or of a DataFrame that carries it in ``attrs["currency"]``
    (es.sweep, es.rank, StoredSweep.summary()); the unnamed default when unknown."""
    from . import _core

    attrs = getattr(obj, "attrs", None)
    if isinstance(attrs, dict) and attrs.get("currency"):
        return str(attrs["currency"])
    currency = getattr(obj, "currency", "")
    return currency if isinstance(currency, str) and currency else _core.default_currency()


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
