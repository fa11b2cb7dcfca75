"""The eslabon command as a user meets it: exit codes, messages, JSON, HDF5 read by h5py and pandas."""
import json

import h5py
import numpy as np
import pytest

from conftest import CONFIGS, edited, h5_frame, run

KPIS = ["lead_time_mean", "lead_time_p50", "lead_time_p95", "on_time_rate", "throughput", "wip_mean",
        "orders_delivered"]
UNIT_STATS = ["utilisation", "mean_queue", "mean_wait", "throughput"]


SHORT = ["--horizon", "2000", "--warmup", "200", "--replications", "4"]


@pytest.mark.parametrize("config", ["chain.yaml", "fork_join.yaml", "two_flows.yaml"])
def test_example_configs_run(config, tmp_path):
    out = tmp_path / "r.h5"
    p = run("run", CONFIGS / config, "-o", out, *SHORT, check=True)
    for k in KPIS:
        assert k in p.stdout
    with h5py.File(out) as f:
        assert set(["replications", "summary", "units"]) <= set(f)
        assert f.attrs["seed"] >= 0


def test_json_shape():
    p = run("run", CONFIGS / "chain.yaml", "--json", *SHORT, "--seed", "3", check=True)
    doc = json.loads(p.stdout)
    assert doc["name"] == "order-to-delivery chain"
    assert doc["replications"] == 4
    assert doc["seed"] == 3
    for k in KPIS:
        entry = doc["kpis"][k]
        assert set(entry) == {"mean", "ci_low", "ci_high", "std", "n", "measured_in"}
        assert entry["n"] == 4
        assert entry["ci_low"] <= entry["mean"] <= entry["ci_high"]
    assert set(doc["units"]) == {"sales", "purchasing", "production", "logistics"}
    assert set(doc["flows"]) == {"standard"}
    # One flow: its statistics are the system's.
    for k in ["lead_time_mean", "lead_time_p95", "on_time_rate", "throughput"]:
        assert doc["flows"]["standard"][k]["mean"] == doc["kpis"][k]["mean"]
    for u in doc["units"].values():
        for s in UNIT_STATS:
            assert set(u[s]) == {"mean", "ci_low", "ci_high", "std", "n", "measured_in"}


def test_hdf5_readable_and_agrees_with_json(tmp_path):
    out = tmp_path / "chain.h5"
    p = run("run", CONFIGS / "chain.yaml", "-o", out, "--json", "--orders", *SHORT, check=True)
    doc = json.loads(p.stdout)
    with h5py.File(out) as f:
        for attr in ["eslabon_version", "config", "seed", "created"]:
            assert attr in f.attrs
        assert "sales:" in f.attrs["config"]
        assert "horizon: 2000" in f.attrs["config"]  # the config after overrides
        for name in ["replications", "summary", "units", "unit_summary", "flows", "flow_summary", "orders"]:
            ds = f[name]
            assert ds.dtype.names, name           # compound
            assert ds.chunks is not None, name    # chunked
            assert ds.compression == "gzip", name
        reps = h5_frame(f["replications"])
        summary = h5_frame(f["summary"]).set_index("kpi")
        units = h5_frame(f["units"])
        orders = h5_frame(f["orders"])
    assert list(reps["replication"]) == [0, 1, 2, 3]
    for k in KPIS:
        # Memory (JSON) and file agree exactly, and the summary is the mean of the rows.
        assert summary.loc[k, "mean"] == pytest.approx(doc["kpis"][k]["mean"], rel=1e-15)
        assert summary.loc[k, "ci_low"] == pytest.approx(doc["kpis"][k]["ci_low"], rel=1e-15)
        assert summary.loc[k, "mean"] == pytest.approx(reps[k].mean(), rel=1e-12)
        assert summary.loc[k, "std"] == pytest.approx(reps[k].std(ddof=1), rel=1e-9)
        assert summary.loc[k, "n"] == 4
    assert len(units) == 4 * 4
    prod = units[units.unit == "production"]["utilisation"]
    assert prod.mean() == pytest.approx(doc["units"]["production"]["utilisation"]["mean"], rel=1e-12)
    # One row per tagged order; their lead times give the lead-time KPI of each replication.
    for r, g in orders.groupby("replication"):
        delivered = g[g.lost == 0]
        assert delivered.lead_time.mean() == pytest.approx(reps.loc[r, "lead_time_mean"], rel=1e-9)
        assert (delivered.on_time == (delivered.delivered <= delivered.due)).all()
        assert np.allclose(delivered.lead_time, delivered.delivered - delivered.arrival)


def test_overrides_change_the_run():
    base = json.loads(run("run", CONFIGS / "chain.yaml", "--json", *SHORT, check=True).stdout)
    more = json.loads(run("run", CONFIGS / "chain.yaml", "--json", *SHORT, "--set", "units.purchasing.servers=4",
                          check=True).stdout)
    # Common random numbers: the same customers arrive in both runs...
    assert more["kpis"]["orders_arrived"] == base["kpis"]["orders_arrived"]
    # ...and bring the same work, spread over twice the staff (up to work straddling the window's edges).
    assert more["units"]["purchasing"]["utilisation"]["mean"] == pytest.approx(
        base["units"]["purchasing"]["utilisation"]["mean"] / 2, rel=0.01)
    assert more["kpis"]["lead_time_mean"]["mean"] < base["kpis"]["lead_time_mean"]["mean"]


def test_two_flows_sum_to_the_system(tmp_path):
    doc = json.loads(run("run", CONFIGS / "two_flows.yaml", "--json", *SHORT, check=True).stdout)
    flows = doc["flows"]
    assert set(flows) == {"standard", "express"}
    assert sum(f["throughput"]["mean"] for f in flows.values()) == pytest.approx(doc["kpis"]["throughput"]["mean"], rel=1e-12)
    # Express orders have priority at production and an earlier due date at logistics.
    assert flows["express"]["lead_time_mean"]["mean"] < flows["standard"]["lead_time_mean"]["mean"]


def test_threads_do_not_change_results():
    a = run("run", CONFIGS / "fork_join.yaml", "--json", *SHORT, "--threads", "1", check=True).stdout
    b = run("run", CONFIGS / "fork_join.yaml", "--json", *SHORT, "--threads", "2", check=True).stdout
    assert a == b


BAD = [
    (["run", CONFIGS / "chain.yaml", "--set", "units.production.servers=0"],
     "--set units.production.servers=0: units.production.servers: expected an integer from 1 to 1000000, got 0"),
    (["run", CONFIGS / "chain.yaml", "--set", "units.prodution.servers=5"], "did you mean 'production'?"),
    (["run", CONFIGS / "chain.yaml", "--set", "novalue"], "expected PATH=VALUE"),
    (["run", CONFIGS / "chain.yaml", "--horizon", "soon"], "run.horizon: expected a duration"),
    (["run", CONFIGS / "chain.yaml", "--warmup", "30000"], "run.warmup: expected a duration shorter than run.horizon"),
    (["run", "/no/such/config.yaml"], "/no/such/config.yaml: cannot read the file"),
    (["run", CONFIGS / "chain.yaml", "--replications", "0"], "--replications"),
    (["run", CONFIGS / "chain.yaml", "--bogus"], "--bogus"),
    (["run"], "config"),
    (["frobnicate"], "frobnicate"),
    (["run", CONFIGS / "chain.yaml", "-o", "/no/such/dir/out.h5"], "-o /no/such/dir/out.h5: expected a file in an existing directory"),
    (["run", CONFIGS / "chain.yaml", "-o", "/dev/null"], "-o /dev/null: expected a regular file (or a new name), found a device"),
    (["run", CONFIGS / "chain.yaml", "-o", CONFIGS / "chain.yaml"], "expected an output file, found the config file itself"),
    (["run", CONFIGS / "chain.yaml", "--horizon", "1e400"], "--horizon 1e400: run.horizon: expected a duration within the range"),
    (["run", CONFIGS / "chain.yaml", "--seed", "99999999999999999999"], "--seed 99999999999999999999: run.seed: expected an integer >= 0"),
    (["run", CONFIGS / "chain.yaml", "--seed", "-3"], "run.seed: expected an integer >= 0, got -3"),
    (["run", CONFIGS / "chain.yaml", "--set", "flows.standard.tasks.produce.service={gamma: {mean: 0.5, cv: 1e-160}}"],
     "flows.standard.tasks.produce.service.gamma.cv: expected a number from 1e-06 to 100, got 1e-160"),
    (["run", CONFIGS / "chain.yaml", "--set", "flows.standard.tasks.produce.service={weibull: {shape: 0.001, scale: 1}}"],
     "shape: expected a number from 0.05 to 1000, got 0.001"),
    (["run", CONFIGS / "chain.yaml", "--set", "flows.standard.arrivals.poisson=1e-310"], "flows.standard.arrivals.poisson: expected a rate whose inverse is finite"),
    (["run", CONFIGS / "chain.yaml", "--set", "flows.standard.arrivals.poisson=1e17"], "expected fewer than 10^12 arrivals over the horizon"),
    (["run", CONFIGS / "chain.yaml", "--threads", "100000"], "--threads"),
    (["run", CONFIGS], "expected a YAML file, found a directory"),
]


@pytest.mark.parametrize("args,message", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_exits_2_with_message(args, message):
    p = run(*args)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr
    assert p.stdout == ""


def test_bad_config_file_reports_file_line_column(tmp_path, config_file):
    text = edited(CONFIGS / "chain.yaml", ("{servers: 4, capacity: inf}", "{servers: 4, capacty: inf}"))
    cfg = config_file(text, "bad.yaml")
    out = tmp_path / "out.h5"
    p = run("run", cfg, "-o", out)
    assert p.returncode == 2
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "capacty" in l)
    col = text.splitlines()[line - 1].index("capacty") + 1
    assert p.stderr.startswith(f"{cfg}:{line}:{col}: units.production.capacty: unknown key (did you mean 'capacity'?)")
    assert not out.exists()


def test_output_through_a_symlink_replaces_the_target_not_the_link(tmp_path):
    target = tmp_path / "real.h5"
    target.write_bytes(b"old")
    link = tmp_path / "link.h5"
    link.symlink_to(target)
    run("run", CONFIGS / "chain.yaml", "-o", link, *SHORT, check=True)
    assert link.is_symlink()
    with h5py.File(target) as f:
        assert "summary" in f


def test_set_does_not_change_every_alias(config_file):
    cfg = config_file(edited(CONFIGS / "chain.yaml", ("sales:      {servers: 2}", "sales:      &two {servers: 2}"),
                             ("purchasing: {servers: 2, discipline: fifo}", "purchasing: *two")), "alias.yaml")
    p = run("check", cfg, "--set", "units.sales.servers=5")
    assert p.returncode == 2
    assert "units.sales: this part of the config is a YAML alias shared with another place" in p.stderr
    p = run("check", cfg, "--set", "units.logistics.servers=5", check=True)  # not shared: fine


def test_bad_input_does_not_touch_existing_output(tmp_path):
    out = tmp_path / "out.h5"
    out.write_bytes(b"previous results")
    before = out.stat().st_mtime_ns
    p = run("run", CONFIGS / "chain.yaml", "-o", out, "--set", "run.seed=-1")
    assert p.returncode == 2
    assert out.read_bytes() == b"previous results"
    assert out.stat().st_mtime_ns == before
    assert [x.name for x in tmp_path.iterdir()] == ["out.h5"]


def test_check_reports_offered_load():
    p = run("check", CONFIGS / "chain.yaml", check=True)
    line = next(l for l in p.stdout.splitlines() if l.startswith("purchasing"))
    assert line.split()[-1] == "0.8"  # 1 order/h x 1.6 h / 2 servers
    p = run("check", CONFIGS / "chain.yaml", "--set", "units.purchasing.servers=1")
    assert "UNSTABLE" in p.stdout


def test_version_and_help():
    assert run("--version", check=True).stdout.startswith("eslabon ")
    assert "--set" in run("run", "--help", check=True).stdout


def test_example_configs_match_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    yaml = pytest.importorskip("yaml")
    schema = json.loads((CONFIGS / "eslabon.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for cfg in sorted(CONFIGS.glob("*.yaml")):
        doc = yaml.safe_load(cfg.read_text())
        errors = [e.message for e in validator.iter_errors(doc)]
        assert errors == [], f"{cfg.name}: {errors}"
    # And the schema rejects what the engine rejects, for the simple cases.
    bad = yaml.safe_load((CONFIGS / "chain.yaml").read_text())
    bad["units"]["sales"]["severs"] = 2
    assert list(validator.iter_errors(bad))
    bad = yaml.safe_load((CONFIGS / "chain.yaml").read_text())
    bad["flows"]["standard"]["tasks"]["produce"]["service"] = {"exponentail": {"mean": 1}}
    assert list(validator.iter_errors(bad))


def test_unit_table_shows_the_columns_of_features_the_model_uses(config_file):
    """availability with outages, abandoned with impatient orders; neither on a plain chain."""
    header = lambda out: next(line for line in out.splitlines() if line.startswith("unit ")).split()
    plain = header(run("run", CONFIGS / "chain.yaml", *SHORT, check=True).stdout)
    assert plain == ["unit", *UNIT_STATS]
    outages = header(run("run", CONFIGS / "weak_link.yaml", *SHORT, check=True).stdout)
    assert outages == ["unit", *UNIT_STATS, "availability"]
    impatient = config_file("""name: impatient
run: {horizon: 500, warmup: 50, replications: 2, seed: 3}
units:
  desk: {servers: 1}
flows:
  f: {arrivals: {poisson: 1}, patience: {exponential: {mean: 2}}, tasks: {w: {unit: desk, service: {exponential: {mean: 0.9}}}}}
""")
    out = run("run", impatient, check=True).stdout
    assert header(out) == ["unit", *UNIT_STATS, "abandoned"]
    row = next(line for line in out.splitlines() if line.startswith("desk ")).split()
    assert float(row[-3]) > 0  # the abandoned column's mean (value ± half-width)


def test_python_commands_are_forwarded_with_their_exit_code(tmp_path):
    # graph, report and sensitivity live in the Python package; the binary hands every argument
    # to `python -m eslabon NAME`, whose exit codes are the CLI's.
    import os
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(__import__("eslabon").__file__)))
    p = subprocess.run([sys.executable, "-m", "eslabon", "nope"], capture_output=True, text=True, env=env)
    assert p.returncode == 2 and "commands:" in p.stderr and "graph" in p.stderr
    p = subprocess.run([sys.executable, "-m", "eslabon", "--help"], capture_output=True, text=True, env=env)
    assert p.returncode == 0 and "sensitivity" in p.stderr
