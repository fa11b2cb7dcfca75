"""Event logs for process mining (README "Event logs for process mining"): the orders' recorded history
(``r.events``, a results file's ``/events``) as an IEEE 1849 XES log or an OCEL 2.0 JSON log.

    r = m.run(events=True)
    r.to_xes("log.xes")          # one trace per order; tasks as activities with lifecycle transitions
    r.to_ocel("log.json")        # orders, tasks, units and defects as objects

Both are streamed to a temporary file beside the target and renamed when complete.
"""
from __future__ import annotations

import json
import math
import os
from typing import IO, Any
from xml.sax.saxutils import XMLGenerator

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


class _Xes:
    """The XES writer: IEEE 1849-2016, its standard extensions, a trace per case."""

    EXTENSIONS = [("Concept", "concept"), ("Time", "time"), ("Lifecycle", "lifecycle"), ("Organizational", "org")]

    def __init__(self, out: IO[str]) -> None:
        self.x = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)

    def attr(self, kind: str, key: str, value: Any) -> None:
        if kind == "int":
            value = int(value)
        elif kind == "float":
            value = repr(float(value))
        self.x.startElement(kind, {"key": key, "value": str(value)})
        self.x.endElement(kind)
        self.x.ignorableWhitespace("\n")

    def open(self, tag: str, attrs: dict[str, str] | None = None) -> None:
        self.x.startElement(tag, attrs or {})
        self.x.ignorableWhitespace("\n")

    def close(self, tag: str) -> None:
        self.x.endElement(tag)
        self.x.ignorableWhitespace("\n")

    def empty(self, tag: str, attrs: dict[str, str]) -> None:
        self.x.startElement(tag, attrs)
        self.close(tag)


def write_xes(events: pd.DataFrame, out: IO[str], *, name: str = "", time_unit: str = "hour",
              calendar_start: Any = None, source: str = "eslabon") -> None:
    """Write `events` (the ``events`` table) to the text stream `out` as an XES log (IEEE 1849-2016).

    One trace per case (concept:name the case, with flow, order and replication); each event has
    concept:name (the task for work on it, see ``activity_names``), lifecycle:transition (schedule, start,
    complete, suspend, resume, manualskip; complete for instants), time:timestamp, concept:instance (the
    task and attempt, so a redo is an instance of its own), org:resource (the unit), and eslabon's own
    attributes: activity, job, attempt, handoff, origin, defect, caught, detail, model_time and the wait_*
    parts that are not 0."""
    _need_events(events)
    dates = _dates(events)
    names = activity_names(events)
    w = _Xes(out)
    w.x.startDocument()
    w.open("log", {"xes.version": "1849-2016", "xes.features": "", "xmlns": "http://www.xes-standard.org/"})
    for label, prefix in w.EXTENSIONS:
        w.empty("extension", {"name": label, "prefix": prefix, "uri": f"http://www.xes-standard.org/{prefix}.xesext"})
    w.open("global", {"scope": "trace"})
    w.attr("string", "concept:name", "")
    w.close("global")
    w.open("global", {"scope": "event"})
    w.attr("string", "concept:name", "")
    w.attr("string", "lifecycle:transition", "complete")
    w.attr("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00")
    w.close("global")
    for label, keys in (("Activity", "concept:name"), ("Activity and transition", "concept:name lifecycle:transition")):
        w.empty("classifier", {"name": label, "keys": keys})
    w.attr("string", "concept:name", name or "eslabon")
    w.attr("string", "source", source)
    w.attr("string", "time_unit", time_unit)
    if calendar_start is not None:
        w.attr("string", "calendar_start", str(pd.Timestamp(calendar_start).isoformat()))
    rows = events.assign(x_name=names, x_date=dates)
    for case, trace in rows.groupby("case", sort=False):
        first = trace.iloc[0]
        w.open("trace")
        w.attr("string", "concept:name", case)
        w.attr("string", "flow", first["flow"])
        w.attr("int", "order", first["order"])
        w.attr("int", "replication", first["replication"])
        for e in trace.itertuples(index=False):
            _xes_event(w, e)
        w.close("trace")
    w.close("log")
    w.x.endDocument()


def _xes_event(w: _Xes, e: Any) -> None:
    w.open("event")
    work = e.activity in XES_TRANSITIONS
    w.attr("string", "concept:name", e.x_name)
    w.attr("string", "lifecycle:transition", XES_TRANSITIONS.get(e.activity, "complete"))
    w.attr("date", "time:timestamp", e.x_date)
    if work:
        w.attr("string", "concept:instance", f"{e.x_name}#{e.attempt}")
    if e.unit:
        w.attr("string", "org:resource", e.unit)
    w.attr("string", "activity", e.activity)
    for key in _TEXT:
        if getattr(e, key):
            w.attr("string", key, getattr(e, key))
    if work:
        w.attr("int", "attempt", e.attempt)
    if e.defect >= 0:
        w.attr("int", "defect", e.defect)
        w.attr("int", "caught", e.caught)
    w.attr("float", "model_time", e.time)
    for key in WAITS:
        value = getattr(e, key)
        if value > 0:
            w.attr("float", key, value)
    w.close("event")


# --- OCEL 2.0 -----------------------------------------------------------------------------------
def ocel_document(events: pd.DataFrame) -> dict[str, Any]:
    """The OCEL 2.0 JSON document (a dict) of `events`: objects of type order (each case), task (each
    task of an order), unit (each unit named) and defect (each defect made); an event per row, its type
    the activity (work: "TASK ACTIVITY", e.g. "purchase started"), related to its order, task, unit and
    defect with qualifiers; a delivery is related to the defects that reached the customer."""
    _need_events(events)
    ev = events.assign(x_date=_dates(events).str.replace("+00:00", "Z", regex=False),
                       x_name=activity_names(events))
    work = ev["activity"].isin(list(XES_TRANSITIONS))
    ev["x_type"] = (ev["x_name"] + " " + ev["activity"]).where(work, ev["activity"])
    prefix = "r" + ev["replication"].astype(str) + "/"
    ev["x_task"] = (ev["case"] + "/" + ev["task"]).where(ev["task"] != "", "")
    ev["x_defect"] = (prefix + "defect/" + ev["defect"].astype(str)).where(ev["defect"] >= 0, "")
    objects = _ocel_objects(ev)
    escaped = ev[(ev["activity"] == "defect_made") & (ev["caught"] == 0)].groupby("case")["x_defect"].agg(list)
    events_out, attrs_of_type = [], {}
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
        attrs = _ocel_event_attributes(e)
        attrs_of_type.setdefault(e.x_type, {}).update({a["name"]: _ocel_type(a["value"]) for a in attrs})
        events_out.append({"id": f"e{i}", "type": e.x_type, "time": e.x_date, "attributes": attrs, "relationships": rel})
    object_types = {}
    for o in objects:
        object_types.setdefault(o["type"], {}).update({a["name"]: _ocel_type(a["value"]) for a in o["attributes"]})
    return {
        "objectTypes": [{"name": t, "attributes": [{"name": n, "type": k} for n, k in a.items()]}
                        for t, a in object_types.items()],
        "eventTypes": [{"name": t, "attributes": [{"name": n, "type": k} for n, k in a.items()]}
                       for t, a in attrs_of_type.items()],
        "objects": objects,
        "events": events_out,
    }


def _ocel_type(value: Any) -> str:
    return "integer" if isinstance(value, int) and not isinstance(value, bool) else \
        "float" if isinstance(value, float) else "string"


def _ocel_event_attributes(e: Any) -> list[dict[str, Any]]:
    attrs: list[dict[str, Any]] = [{"name": "model_time", "value": float(e.time)}]
    for key in _TEXT:
        if getattr(e, key):
            attrs.append({"name": key, "value": getattr(e, key)})
    if e.activity in XES_TRANSITIONS:
        attrs.append({"name": "attempt", "value": int(e.attempt)})
    for key in WAITS:
        value = float(getattr(e, key))
        if value > 0 and math.isfinite(value):
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


def write_ocel(events: pd.DataFrame, out: IO[str]) -> None:
    """Write `events` to the text stream `out` as an OCEL 2.0 JSON log (``ocel_document``)."""
    json.dump(ocel_document(events), out, indent=1)
    out.write("\n")


# --- files ----------------------------------------------------------------------------------------
def save(events: pd.DataFrame, path: str | os.PathLike[str], fmt: str, **xes: Any) -> str:
    """Write the log as `fmt` ("xes" or "ocel") to `path` (temporary name, then rename); returns the path."""
    from ._report_html import atomic_text_file

    _need_events(events)
    target = os.fspath(path)
    with atomic_text_file(target, prefix=".eslabon-log-") as f:
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
        from . import _core

        return {"name": getattr(self, "name", ""), "time_unit": getattr(self, "time_unit", "hour"),
                "calendar_start": getattr(self, "calendar_start", None),
                "source": f"eslabon {getattr(_core, '__version__', '')}".strip()}

    def to_xes(self, path: str | os.PathLike[str]) -> str:
        """Write the event log as IEEE XES (``eslabon export --xes``); returns the path."""
        return save(self.events, path, "xes", **self._xes_header())

    def to_ocel(self, path: str | os.PathLike[str]) -> str:
        """Write the event log as OCEL 2.0 JSON (``eslabon export --ocel``); returns the path."""
        return save(self.events, path, "ocel")

