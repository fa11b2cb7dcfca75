"""Event logs for process mining (README "Event logs for process mining"): the orders' recorded history
(``r.events``, a results file's ``/events``) as an IEEE 1849 XES log or an OCEL 2.0 JSON log.

    r = m.run(events=True)
    r.to_xes("log.xes")          # one trace per order; tasks as activities with lifecycle transitions
    r.to_ocel("log.json")        # orders, tasks, units and defects as objects

Both are streamed to a temporary file beside the target and renamed when complete.
"""
from __future__ import annotations

import json
import os
from typing import IO, Any
from xml.sax.saxutils import quoteattr

import pandas as pd

# The work events: a task's (or a redo's, or a complaint's handling) lifecycle, as XES's standard
# lifecycle model names it (Lifecycle extension); every other event is an instant: "complete".
XES_TRANSITIONS = {"queued": "schedule", "started": "start", "completed": "complete", "suspended": "suspend",
                   "resumed": "resume", "skipped": "manualskip"}
COMPLAINT_HANDLING = "complaint handling"  # the activity of a complaint's handling (no task of a flow)
WAITS = ["wait_queue", "wait_outage", "wait_closed", "wait_join", "wait_transit"]
_TEXT = ["job", "handoff", "origin", "detail"]


def _dates(events: pd.DataFrame) -> pd.Series:
    """ISO 8601 with milliseconds, in UTC (the model's calendar has no time zone)."""
    ts = pd.to_datetime(events["timestamp"])
    return ts.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "+00:00"


def activity_names(events: pd.DataFrame) -> pd.Series:
    """What a process-mining tool calls each event's activity: the task for the work on a task (its
    queueing, start, completion, suspension, resumption, skip), "complaint handling" for a complaint's,
    else the event itself (handed_over, defect_caught, delivered, ...)."""
    work = events["activity"].isin(list(XES_TRANSITIONS))
    task = events["task"].where(events["task"] != "", COMPLAINT_HANDLING)
    return task.where(work, events["activity"])


def _need_events(events: pd.DataFrame) -> None:
    if events is None or events.empty or "activity" not in events.columns:
        raise ValueError("no event log: run with events=True (eslabon run --events)")


def _xes(kind: str, key: str, value: Any) -> str:
    """One XES attribute element (the value escaped for XML)."""
    if kind == "int":
        value = int(value)
    elif kind == "float":
        value = repr(float(value))
    return f'<{kind} key="{key}" value={quoteattr(str(value))}/>\n'


XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
<global scope="trace">
<string key="concept:name" value=""/>
</global>
<global scope="event">
<string key="concept:name" value=""/>
<string key="lifecycle:transition" value="complete"/>
<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
</global>
<classifier name="Activity" keys="concept:name"/>
<classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
"""


def write_xes(events: pd.DataFrame, out: IO[str], *, name: str = "", time_unit: str = "hour",
              calendar_start: Any = None, source: str = "eslabon") -> None:
    """Write `events` (the ``events`` table) to the text stream `out` as an XES log (IEEE 1849-2016).

    One trace per case (concept:name the case, with flow, order and replication), in the order the cases
    start; each event has concept:name (the task for work on it, see ``activity_names``),
    lifecycle:transition (schedule, start, complete, suspend, resume, manualskip; complete for
    instants), time:timestamp, concept:instance (the task and attempt, so a redo is an instance of its
    own), org:resource (the unit), and eslabon's own attributes: activity, job, attempt, handoff, origin,
    defect, caught, detail, model_time and the wait_* parts that are not 0."""
    _need_events(events)
    out.write(XES_HEAD)
    out.write(_xes("string", "concept:name", name or "eslabon") + _xes("string", "source", source) +
              _xes("string", "time_unit", time_unit))
    if calendar_start is not None:
        out.write(_xes("string", "calendar_start", pd.Timestamp(calendar_start).isoformat()))
    rows = events.assign(x_name=activity_names(events), x_date=_dates(events),
                         x_case=pd.factorize(events["case"])[0])
    rows = rows.sort_values("x_case", kind="stable")  # each case's events together, in the order they happened
    case = None
    for e in rows.itertuples(index=False):
        if e.case != case:
            out.write(("</trace>\n" if case is not None else "") + "<trace>\n" + _xes("string", "concept:name", e.case) +
                      _xes("string", "flow", e.flow) + _xes("int", "order", e.order) +
                      _xes("int", "replication", e.replication))
            case = e.case
        out.write(_xes_event(e))
    out.write(("</trace>\n" if case is not None else "") + "</log>\n")


def _xes_event(e: Any) -> str:
    work = e.activity in XES_TRANSITIONS
    parts = ["<event>\n", _xes("string", "concept:name", e.x_name),
             _xes("string", "lifecycle:transition", XES_TRANSITIONS.get(e.activity, "complete")),
             _xes("date", "time:timestamp", e.x_date)]
    if work:
        parts.append(_xes("string", "concept:instance", f"{e.x_name}#{e.attempt}"))
    if e.unit:
        parts.append(_xes("string", "org:resource", e.unit))
    parts.append(_xes("string", "activity", e.activity))
    parts += [_xes("string", key, getattr(e, key)) for key in _TEXT if getattr(e, key)]
    if work:
        parts.append(_xes("int", "attempt", e.attempt))
    if e.defect >= 0:
        parts += [_xes("int", "defect", e.defect), _xes("int", "caught", e.caught)]
    parts.append(_xes("float", "model_time", e.time))
    parts += [_xes("float", key, getattr(e, key)) for key in WAITS if getattr(e, key) > 0]
    parts.append("</event>\n")
    return "".join(parts)


# --- OCEL 2.0 -----------------------------------------------------------------------------------
def write_ocel(events: pd.DataFrame, out: IO[str]) -> None:
    """Write `events` to the text stream `out` as an OCEL 2.0 JSON log: objects of type order (each
    case), task (each task of an order), unit (each unit named) and defect (each defect made); an event
    per row, its type the activity (work on a task: "TASK ACTIVITY", e.g. "purchase started"), related
    to its order, task, unit and defect with qualifiers; a delivery is related to the defects that reached
    the customer. ``objectTypes`` and ``eventTypes`` declare every attribute with its type. Streamed: an
    object or an event per line."""
    _need_events(events)
    ev = events.assign(x_date=_dates(events).str.replace("+00:00", "Z", regex=False),
                       x_name=activity_names(events))
    work = ev["activity"].isin(list(XES_TRANSITIONS))
    ev["x_type"] = (ev["x_name"] + " " + ev["activity"]).where(work, ev["activity"])
    prefix = "r" + ev["replication"].astype(str) + "/"
    ev["x_task"] = (ev["case"] + "/" + ev["task"]).where(ev["task"] != "", "")
    ev["x_defect"] = (prefix + "defect/" + ev["defect"].astype(str)).where(ev["defect"] >= 0, "")
    objects = _ocel_objects(ev)
    object_types: dict[str, dict[str, str]] = {}
    for o in objects:
        object_types.setdefault(o["type"], {}).update({a["name"]: _ocel_type(a["value"]) for a in o["attributes"]})
    declare = lambda types: [{"name": t, "attributes": [{"name": n, "type": k} for n, k in a.items()]}  # noqa: E731
                             for t, a in types.items()]
    out.write('{"objectTypes": ' + json.dumps(declare(object_types)) + ',\n"eventTypes": ' +
              json.dumps(declare(_ocel_event_types(ev, work))) + ',\n"objects": [\n')
    out.write(",\n".join(json.dumps(o) for o in objects))
    out.write('\n],\n"events": [\n')
    escaped = ev[(ev["activity"] == "defect_made") & (ev["caught"] == 0)].groupby("case")["x_defect"].agg(list)
    for i, e in enumerate(ev.itertuples(index=False)):
        rel = [{"objectId": e.case, "qualifier": "order"}]
        if e.x_task:
            rel.append({"objectId": e.x_task, "qualifier": "task"})
        if e.unit:
            rel.append({"objectId": "unit/" + e.unit, "qualifier": "resource"})
        if e.x_defect:
            rel.append({"objectId": e.x_defect, "qualifier": e.activity.replace("defect_", "")})
        if e.activity == "delivered":
            rel += [{"objectId": d, "qualifier": "reached the customer"} for d in escaped.get(e.case, [])]
        out.write((",\n" if i else "") + json.dumps({"id": f"e{i}", "type": e.x_type, "time": e.x_date,
                                                     "attributes": _ocel_event_attributes(e), "relationships": rel}))
    out.write("\n]}\n")


def _ocel_type(value: Any) -> str:
    return "integer" if isinstance(value, int) and not isinstance(value, bool) else \
        "float" if isinstance(value, float) else "string"


def _ocel_event_types(ev: pd.DataFrame, work: pd.Series) -> dict[str, dict[str, str]]:
    """Each event type's attributes (those any of its events has: _ocel_event_attributes) with their types."""
    types = {}
    for name, rows in ev.groupby("x_type", sort=False):
        attrs = {"model_time": "float"}
        attrs.update({k: "string" for k in _TEXT if (rows[k] != "").any()})
        if work[rows.index].any():
            attrs["attempt"] = "integer"
        attrs.update({k: "float" for k in WAITS if (rows[k] > 0).any()})
        types[name] = attrs
    return types


def _ocel_event_attributes(e: Any) -> list[dict[str, Any]]:
    attrs: list[dict[str, Any]] = [{"name": "model_time", "value": float(e.time)}]
    for key in _TEXT:
        if getattr(e, key):
            attrs.append({"name": key, "value": getattr(e, key)})
    if e.activity in XES_TRANSITIONS:
        attrs.append({"name": "attempt", "value": int(e.attempt)})
    for key in WAITS:
        value = float(getattr(e, key))
        if value > 0:
            attrs.append({"name": key, "value": value})
    return attrs


def _ocel_objects(ev: pd.DataFrame) -> list[dict[str, Any]]:
    """Orders (at their first event), their tasks, the units and the defects (at the time each was made)."""
    out: list[dict[str, Any]] = []
    for case, first in ev.groupby("case", sort=False).first().iterrows():
        out.append({"id": case, "type": "order", "attributes": [
            {"name": "flow", "time": first["x_date"], "value": first["flow"]},
            {"name": "order", "time": first["x_date"], "value": int(first["order"])},
            {"name": "replication", "time": first["x_date"], "value": int(first["replication"])}]})
    tasks = ev[ev["x_task"] != ""].drop_duplicates("x_task")
    for t in tasks.itertuples(index=False):
        out.append({"id": t.x_task, "type": "task",
                    "attributes": [{"name": "task", "time": t.x_date, "value": t.task}],
                    "relationships": [{"objectId": t.case, "qualifier": "part of"}]})
    for unit in sorted(set(ev["unit"]) - {""}):
        out.append({"id": "unit/" + unit, "type": "unit", "attributes": [
            {"name": "name", "time": "1970-01-01T00:00:00.000Z", "value": unit}]})
    outcome = {1: "caught", 0: "reached the customer", -1: "neither (order lost or unfinished)"}
    for d in ev[ev["activity"] == "defect_made"].itertuples(index=False):
        out.append({"id": d.x_defect, "type": "defect", "attributes": [
            {"name": "origin", "time": d.x_date, "value": d.origin},
            {"name": "caught", "time": d.x_date, "value": int(d.caught)},
            {"name": "outcome", "time": d.x_date, "value": outcome[int(d.caught)]}],
            "relationships": [{"objectId": d.case, "qualifier": "carried by"}]})
    return out


# --- files ----------------------------------------------------------------------------------------
def save(events: pd.DataFrame, path: str | os.PathLike[str], fmt: str, **xes: Any) -> str:
    """Write the log as `fmt` ("xes" or "ocel") to `path` (temporary name, then rename); returns the path."""
    from ._report_html import atomic_file

    _need_events(events)
    target = os.fspath(path)
    with atomic_file(target) as f:
        if fmt == "xes":
            write_xes(events, f, **xes)
        else:
            write_ocel(events, f)
    return target


class EventLogAccess:
    """The event log accessors shared by run results and results read from a file (``_Tables``)."""

    def _table(self, name: str) -> pd.DataFrame:  # pragma: no cover - provided by _Tables
        raise NotImplementedError

    @property
    def events(self) -> pd.DataFrame:
        """The recorded orders' history, one row per event (only when the run recorded events: ``events=True``,
        ``eslabon run --events``; else empty): replication, case, flow, order, activity, task, unit, job,
        attempt, time (model time), timestamp (a date), handoff, origin, defect, caught, detail and the wait's
        parts wait_queue, wait_outage, wait_closed, wait_join, wait_transit (README "Event logs for process
        mining")."""
        t = self._table("events")
        if "timestamp" in t.columns:
            t["timestamp"] = pd.to_datetime(t["timestamp"])
        core = getattr(self, "_core", None)
        t.attrs["note"] = core.event_log_note if core is not None else str(getattr(self, "attrs", {}).get("event_log", ""))
        return t

    def _xes_header(self) -> dict[str, Any]:
        version = str(getattr(self, "attrs", {}).get("eslabon_version", ""))  # a file's; a run is this build's
        if not version:
            import eslabon

            version = str(getattr(eslabon, "__version__", ""))
        return {"name": getattr(self, "name", ""), "time_unit": getattr(self, "time_unit", "hour"),
                "calendar_start": getattr(self, "calendar_start", None), "source": f"eslabon {version}".strip()}

    def to_xes(self, path: str | os.PathLike[str]) -> str:
        """Write the event log as IEEE XES (``eslabon export --xes``); returns the path. The path is checked
        first (README "Where results may be written": ConfigError)."""
        from . import _args

        target = _args.output("path", path, _args.inputs_of(self))
        save(self.events, target, "xes", **self._xes_header())
        return os.fspath(path)

    def to_ocel(self, path: str | os.PathLike[str]) -> str:
        """Write the event log as OCEL 2.0 JSON (``eslabon export --ocel``); returns the path. The path is
        checked first (README "Where results may be written": ConfigError)."""
        from . import _args

        target = _args.output("path", path, _args.inputs_of(self))
        save(self.events, target, "ocel")
        return os.fspath(path)

