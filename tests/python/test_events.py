"""Event logs for process mining (README "Event logs for process mining"): `eslabon run --events`, `r.events`,
`eslabon export --xes/--ocel` and `r.to_xes`/`r.to_ocel`; the files read back by the standard library and by
pm4py (a real process-mining library, skipped with the reason when it is absent), which must rediscover the
model: the directly-follows graph of a chain is the chain, and each task's mean duration lies in the 99.9%
confidence interval around its configured service mean."""
from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CONFIGS, ROOT, WEAK, run

import eslabon as es

CHAIN = CONFIGS / "chain.yaml"
COLUMNS = ["replication", "case", "flow", "order", "activity", "task", "unit", "job", "attempt", "time", "timestamp",
           "handoff", "origin", "defect", "caught", "detail", "wait_queue", "wait_outage", "wait_closed", "wait_join",
           "wait_transit"]
XES = "{http://www.xes-standard.org/}"
# configs/chain.yaml: the tasks in order and their service means (hours).
CHAIN_TASKS = {"take_order": 1.5, "purchase": 1.6, "produce": 3.2, "deliver": 2.4}


def _pm4py_dir() -> Path | None:
    given = os.environ.get("PM4PY_PATH")
    if given:
        return Path(given)
    for parent in [ROOT, *ROOT.parents]:
        candidate = parent / "shared" / "tools" / "pm4py-2.7.14"
        if (candidate / "pm4py").is_dir():
            return candidate
    return None


@pytest.fixture(scope="module")
def pm4py():
    where = _pm4py_dir()
    if where is None:
        pytest.skip("pm4py not found (set PM4PY_PATH, or put pm4py-2.7.14 in shared/tools beside or above the checkout)")
    sys.path.insert(0, str(where))
    try:
        import pm4py as module
    except ImportError as e:
        pytest.skip(f"pm4py at {where} does not import ({e}): install the Debian packages its README lists")
    return module


@pytest.fixture(scope="module")
def chain_log(tmp_path_factory):
    """chain.yaml, replication 0's first 500 orders, through the CLI: (results file, XES, OCEL, stderr)."""
    d = tmp_path_factory.mktemp("chain")
    out = d / "chain.h5"
    p = run("run", CHAIN, "--replications", 2, "--horizon", 2000, "--warmup", 200, "--events", "--events-orders", 500,
            "-o", out, check=True)
    e = run("export", out, "--xes", d / "chain.xes", "--ocel", d / "chain.json", check=True)
    return out, d / "chain.xes", d / "chain.json", p.stderr + e.stdout


@pytest.fixture(scope="module")
def weak_log(tmp_path_factory):
    """weak_link.yaml's first 300 orders (defects, rework, outages, complaints), from Python."""
    d = tmp_path_factory.mktemp("weak")
    m = es.Model.from_yaml(WEAK).with_changes({"run.horizon": 3000, "run.warmup": 300})
    r = m.run(replications=1, seed=3, events=300, progress=False)
    return r, r.to_xes(d / "weak.xes"), r.to_ocel(d / "weak.json")


# --- the table ------------------------------------------------------------------------------------
def test_python_and_file_hold_the_same_log(tmp_path):
    m = es.Model.from_yaml(CHAIN).with_changes({"run.horizon": 500, "run.warmup": 50})
    r = m.run(replications=3, seed=2, events=40, events_replications=2, progress=False)
    ev = r.events
    assert list(ev.columns) == COLUMNS
    assert ev.groupby("replication")["case"].nunique().to_dict() == {0: 40, 1: 40}
    assert pd.api.types.is_datetime64_any_dtype(ev["timestamp"])
    # The dates are calendar_start (Monday 2026-01-05 by default) plus the model time in hours.
    assert (ev["timestamp"] - pd.Timestamp("2026-01-05") - pd.to_timedelta(ev["time"], unit="h")).abs().max() \
        < pd.Timedelta("1ms")
    assert "events of the first 40 orders" in ev.attrs["note"] and "replication 1" in ev.attrs["note"]
    # Each case starts with arrived and goes through every task in order; rows are in time order per case.
    for _, case in ev.groupby("case"):
        assert case["activity"].iloc[0] == "arrived"
        assert case["time"].is_monotonic_increasing
        done = case[(case["activity"] == "completed") & (case["job"] == "task")]["task"].tolist()
        assert done == list(CHAIN_TASKS)[:len(done)]
    r.to_hdf5(tmp_path / "out.h5")
    back = es.read_hdf5(tmp_path / "out.h5").events
    pd.testing.assert_frame_equal(back, ev, check_dtype=False)
    assert back.attrs["note"] == ev.attrs["note"]
    assert m.run(replications=1, seed=2, progress=False).events.empty  # nothing unless asked


@pytest.mark.parametrize("bad,error", [(0, es.ConfigError), (-3, es.ConfigError), (1.5, TypeError), ("all", TypeError),
                                       (None, TypeError)])
def test_events_must_be_a_flag_or_a_number_of_orders(bad, error):
    m = es.Model.from_yaml(CHAIN)
    with pytest.raises(error, match="events: expected True, False or a whole number of orders >= 1, got "):
        m.run(replications=1, events=bad, progress=False)
    with pytest.raises(es.ConfigError, match="events_replications: expected an integer >= 1, got 0"):
        m.run(replications=1, events=True, events_replications=0, progress=False)


def test_events_takes_a_numpy_integer():
    m = es.Model.from_yaml(CHAIN).with_changes({"run.horizon": 200, "run.warmup": 20})
    assert m.run(replications=1, events=np.int64(7), progress=False).events["case"].nunique() == 7


# --- the CLI ---------------------------------------------------------------------------------------
def test_cli_says_what_the_log_holds_and_export_writes_both(chain_log):
    out, xes, ocel, said = chain_log
    assert "event log: " in said and "of the first 500 orders (of " in said and "in replication 0" in said
    assert "--events-orders N records more" in said
    assert f"XES log written to {xes}: 500 orders" in said
    assert f"OCEL 2.0 log written to {ocel}: 500 orders" in said
    assert not list(xes.parent.glob(".eslabon-log-*"))  # temporary files renamed


def test_xes_is_ieee_1849(chain_log):
    _, xes, _, _ = chain_log
    log = ET.parse(xes).getroot()
    assert log.tag == XES + "log" and log.get("xes.version") == "1849-2016"
    assert {e.get("prefix") for e in log.findall(XES + "extension")} == {"concept", "time", "lifecycle", "org"}
    traces = log.findall(XES + "trace")
    assert len(traces) == 500
    keys_of = lambda el: {c.get("key"): c.get("value") for c in el}  # noqa: E731
    for trace in traces[:50]:
        assert keys_of(trace)["concept:name"].startswith("r0/standard/")
        for event in trace.findall(XES + "event"):
            k = keys_of(event)
            assert {"concept:name", "lifecycle:transition", "time:timestamp", "activity"} <= set(k)
            pd.Timestamp(k["time:timestamp"])  # a valid xs:dateTime
            if k["activity"] in ("queued", "started", "completed"):
                assert k["concept:name"] in CHAIN_TASKS and "org:resource" in k and "concept:instance" in k


def check_ocel(doc: dict) -> None:
    """The OCEL 2.0 JSON format's rules: types declared with their attributes, ids unique, attribute
    values of their declared types, relationships to objects that exist."""
    kinds = {"string": str, "integer": int, "float": float, "boolean": bool, "time": str}
    object_types = {t["name"]: {a["name"]: a["type"] for a in t["attributes"]} for t in doc["objectTypes"]}
    event_types = {t["name"]: {a["name"]: a["type"] for a in t["attributes"]} for t in doc["eventTypes"]}
    ids = [o["id"] for o in doc["objects"]]
    assert len(ids) == len(set(ids))
    objects = set(ids)
    for o in doc["objects"]:
        declared = object_types[o["type"]]
        for a in o["attributes"]:
            assert isinstance(a["value"], kinds[declared[a["name"]]]) and pd.Timestamp(a["time"])
        for rel in o.get("relationships", []):
            assert rel["objectId"] in objects and rel["qualifier"]
    event_ids = [e["id"] for e in doc["events"]]
    assert len(event_ids) == len(set(event_ids))
    for e in doc["events"]:
        declared = event_types[e["type"]]
        pd.Timestamp(e["time"])
        for a in e["attributes"]:
            assert isinstance(a["value"], kinds[declared[a["name"]]])
        assert e["relationships"] and all(r["objectId"] in objects for r in e["relationships"])


def test_ocel_is_ocel_2(chain_log, weak_log):
    _, _, ocel, _ = chain_log
    doc = json.loads(ocel.read_text())
    check_ocel(doc)
    assert {t["name"] for t in doc["objectTypes"]} == {"order", "task", "unit"}  # no defects in the plain chain
    assert "purchase started" in {t["name"] for t in doc["eventTypes"]}
    r, _, weak = weak_log
    wdoc = json.loads(Path(weak).read_text())
    check_ocel(wdoc)
    assert {t["name"] for t in wdoc["objectTypes"]} == {"order", "task", "unit", "defect"}
    assert len(wdoc["events"]) == len(r.events)
    defects = [o for o in wdoc["objects"] if o["type"] == "defect"]
    assert len(defects) == (r.events["activity"] == "defect_made").sum() > 0


def test_export_refuses_bad_input(tmp_path, chain_log):
    out = chain_log[0]
    plain = tmp_path / "plain.h5"
    run("run", CHAIN, "--replications", 1, "--horizon", 200, "--warmup", 20, "-o", plain, check=True)
    cases = [
        (["export", plain, "--xes", tmp_path / "a.xes"], "no event log in this file"),
        (["export", tmp_path / "missing.h5", "--xes", tmp_path / "a.xes"], "found no such file"),
        (["export", out], "nothing to write: give --xes LOG.xes, --ocel LOG.json or both"),
        (["export", out, "--ocel", tmp_path], "directory"),
        (["export", out, "--xes", out], "the results file itself"),
        (["run", CHAIN, "--events-orders", 5], "--events-orders requires --events"),
    ]
    for args, message in cases:
        p = run(*args)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert message in p.stderr, (args, p.stderr)
    assert not (tmp_path / "a.xes").exists()


# --- pm4py ----------------------------------------------------------------------------------------
def test_pm4py_rediscovers_the_chain_and_its_service_times(pm4py, chain_log):
    from scipy import stats

    from pm4py.objects.log.util import interval_lifecycle

    _, xes, _, _ = chain_log
    log = pm4py.read_xes(str(xes))
    assert log["case:concept:name"].nunique() == 500
    tasks = log[(log["lifecycle:transition"] == "complete") & (log["job"] == "task")].copy()
    dfg, starts, ends = pm4py.discover_dfg(tasks)
    names = list(CHAIN_TASKS)
    assert set(dfg) == set(zip(names, names[1:]))
    assert set(starts) == {"take_order"} and set(ends) == {"deliver"}
    work = interval_lifecycle.to_interval(pm4py.convert_to_event_log(log[log["job"] == "task"]))
    means = pm4py.get_service_time(work, start_timestamp_key="start_timestamp")
    for task, configured in CHAIN_TASKS.items():
        durations = np.array([(e["time:timestamp"] - e["start_timestamp"]).total_seconds() / 3600
                              for trace in work for e in trace if e["concept:name"] == task])
        n = len(durations)
        assert n >= 480
        half = stats.t.ppf(0.9995, n - 1) * durations.std(ddof=1) / np.sqrt(n)
        assert abs(means[task] / 3600 - durations.mean()) < 1e-6
        assert durations.mean() - half <= configured <= durations.mean() + half, (task, durations.mean(), half)


def test_pm4py_reads_the_logs_of_a_model_with_weak_links(pm4py, weak_log):
    r, xes, ocel = weak_log
    log = pm4py.read_xes(str(xes))
    assert log["case:concept:name"].nunique() == 300 and len(log) == len(r.events)
    assert {"defect_made", "defect_caught", "rework", "delivered"} <= set(log["concept:name"])
    doc = pm4py.read_ocel2_json(str(ocel))
    assert len(doc.events) == len(r.events)
    assert set(doc.objects["ocel:type"]) == {"order", "task", "unit", "defect"}
    assert len(doc.relations) > len(doc.events)
