"""Warm-up and replications without guessing (README section of that name), from the CLI, JSON, HDF5 and
Python: warmup: auto, replications: {until: ...}, run.max_wip and the warning before an unstable run.
The statistics (bias removal, coverage of the stopping rule) are checked in tests/models/test_precision.cpp;
here, that every door reports the same figures, and the exit codes and messages."""
import json
import warnings

import h5py
import pytest

import eslabon as es
from conftest import run

MM1 = """name: mm1
run: {{horizon: 2000, warmup: {warmup}, replications: {replications}, seed: 11}}
units:
  s: {{servers: 1}}
flows:
  f:
    arrivals: {{poisson: {rate}}}
    tasks:
      t: {{unit: s, service: {{exponential: {{mean: 1}}}}}}
"""


def mm1(warmup="auto", replications="8", rate=0.9, extra=""):
    return MM1.format(warmup=warmup, replications=replications, rate=rate) + extra


def test_warmup_auto_reported_by_every_door(config_file, tmp_path):
    cfg = config_file(mm1())
    out = run("run", cfg, "--threads", "2", check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("warm-up: auto"))
    assert "MSER-5 on 8 pilot runs" in line
    doc = json.loads(run("run", cfg, "--json", "-o", tmp_path / "r.h5", check=True).stdout)
    auto = doc["warmup_auto"]
    assert auto["method"] == "mser-5" and auto["pilots"] == 8
    assert auto["warmup"] == max(auto["lead_time"]["time"], auto["wip"]["time"])
    assert 0 <= auto["warmup"] <= 1000  # at most half the horizon
    assert f"(warm-up {es._core.format_number(auto['warmup'])})" in out.splitlines()[0]
    with h5py.File(tmp_path / "r.h5") as f:
        assert json.loads(f.attrs["warmup_auto"]) == auto
    stored = es.read_hdf5(tmp_path / "r.h5")
    assert stored.warmup_auto == auto and stored.warmup == auto["warmup"]
    r = es.Model.from_yaml(cfg).run(progress=False, threads=1)  # the same choice whatever the threads
    assert r.warmup == auto["warmup"] and r.warmup_auto == auto
    assert r.stopping is None
    # Without auto: no such field, attribute or object, and the warm-up as written.
    plain = config_file(mm1(warmup="100"), "plain.yaml")
    doc = json.loads(run("run", plain, "--json", "-o", tmp_path / "p.h5", check=True).stdout)
    assert "warmup_auto" not in doc and "stopping" not in doc
    with h5py.File(tmp_path / "p.h5") as f:
        assert "warmup_auto" not in f.attrs and "stopping" not in f.attrs
    assert es.read_hdf5(tmp_path / "p.h5").warmup == 100 and es.read_hdf5(tmp_path / "p.h5").warmup_auto is None


def test_stopping_rule_reported_and_independent_of_threads(config_file, tmp_path):
    cfg = config_file(mm1(warmup="200", replications="{until: 0.05, max: 400}", rate=0.5))
    one = json.loads(run("run", cfg, "--json", "--threads", "1", check=True).stdout)
    two = json.loads(run("run", cfg, "--json", "--threads", "2", check=True).stdout)
    assert one == two  # every figure, bit for bit
    s = one["stopping"]
    assert s["kpi"] == "lead_time_mean" and s["min"] == 10 and s["max"] == 400 and s["met"]
    assert 10 < s["replications"] < 400 and one["replications"] == s["replications"]
    lead = one["kpis"]["lead_time_mean"]
    assert s["relative_half_width"] == pytest.approx((lead["ci_high"] - lead["ci_low"]) / 2 / lead["mean"], rel=1e-12)
    assert s["relative_half_width"] <= 0.05
    out = run("run", cfg, "-o", tmp_path / "s.h5", check=True).stdout
    assert f"replications: {s['replications']} (until the 95% CI half-width of lead_time_mean is within 5%" in out
    with h5py.File(tmp_path / "s.h5") as f:
        assert json.loads(f.attrs["stopping"]) == s
    assert es.read_hdf5(tmp_path / "s.h5").stopping == s
    # Python: the dict as the config writes it, and the same replications.
    m = es.Model.from_yaml(config_file(mm1(warmup="200", rate=0.5), "m.yaml"))
    r = m.run(replications={"until": 0.05, "max": 400}, progress=False)
    assert r.stopping == s and len(r.replications) == s["replications"]
    # --replications N is a fixed number again.
    assert json.loads(run("run", cfg, "--json", "--replications", "3", check=True).stdout)["replications"] == 3


def test_stopping_rule_warns_when_max_is_reached(config_file):
    cfg = config_file(mm1(warmup="200", replications="{until: 0.001, max: 12}", rate=0.5))
    p = run("run", cfg, check=True)
    assert "warning: replications: max (12) reached before the 95% CI half-width of lead_time_mean came within " \
           "0.1% of its mean" in p.stderr
    with pytest.warns(es.PrecisionWarning, match="max \\(12\\) reached"):
        r = es.Model.from_yaml(cfg).run(progress=False)
    assert r.stopping["met"] is False and r.stopping["replications"] == 12


def test_max_wip_stops_an_unstable_run_with_exit_1_and_no_file(config_file, tmp_path):
    cfg = config_file(mm1(warmup="0", replications="2", rate=1.5).replace("seed: 11}", "seed: 11, max_wip: 500}"))
    out = tmp_path / "u.h5"
    p = run("run", cfg, "-o", out, "--threads", "1")
    assert p.returncode == 1
    assert "eslabon: run failed: run.max_wip: more than 500 orders in the system at time " in p.stderr
    assert "(replication 0): flow f has 500 open, unit s holds 500 jobs (499 waiting)" in p.stderr
    assert not out.exists() and list(tmp_path.glob("*.h5*")) == []  # nor a temporary file
    with pytest.raises(es.WipLimitExceeded, match="run.max_wip: more than 500 orders"):
        es.Model.from_yaml(cfg).run(progress=False)
    assert issubclass(es.WipLimitExceeded, RuntimeError)


def test_run_warns_before_an_unstable_model(config_file):
    cfg = config_file(mm1(warmup="0", replications="1", rate=1.5).replace("horizon: 2000", "horizon: 50"))
    p = run("run", cfg, check=True)
    assert p.stderr.startswith("warning: a unit has utilisation >= 1; its queue grows without bound\n"
                               "  s (utilisation 1.5); see 'eslabon check ")
    stable = config_file(mm1(warmup="0", replications="1", rate=0.5), "stable.yaml")
    assert "utilisation >= 1" not in run("run", stable, check=True).stderr
    # Python warns the same, before the run starts, and not for a stable model.
    with pytest.warns(es.UnstableWarning, match=r"utilisation >= 1; its queue grows without bound: s \(utilisation 1.5\)"):
        es.Model.from_yaml(cfg).run(progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", es.UnstableWarning)
        es.Model.from_yaml(stable).run(progress=False)


@pytest.mark.parametrize("change, message", [
    ("warmup: auto,", "run.warmup: expected a duration or auto, got 'autox' (did you mean 'auto'?)"),
    ("replications: 8,", "run.replications.until: expected a number > 0"),
    ("replications: 8,", "run.replications.max: expected max >= min, got min 20 and max 10"),
    ("replications: 8,", "run.replications.kpi: unknown KPI 'lead_time_man' (did you mean 'lead_time_mean'?)"),
    ("seed: 11}", "run.max_wip: expected an integer from 1 to 4000000000, got 0"),
])
def test_bad_settings_exit_2_with_file_line_col(config_file, tmp_path, change, message):
    bad = {"warmup: auto,": "warmup: autox,"}.get(change)
    if "until: expected" in message:
        bad = "replications: {until: -1},"
    elif "max >= min" in message:
        bad = "replications: {until: 0.02, min: 20, max: 10},"
    elif "unknown KPI" in message:
        bad = "replications: {until: 0.02, kpi: lead_time_man},"
    elif "max_wip" in message:
        bad = "seed: 11, max_wip: 0}"
    cfg = config_file(mm1().replace(change, bad))
    p = run("run", cfg, "-o", tmp_path / "x.h5")
    assert p.returncode == 2
    assert p.stderr.startswith(f"{cfg}:2:") and message in p.stderr
    assert not (tmp_path / "x.h5").exists()
    with pytest.raises(es.ConfigError, match="expected"):
        es.Model.from_yaml(cfg)


def test_studies_share_the_base_warmup(config_file):
    # compare: one pilot on the base; the scenario (another arrival rate) keeps its window.
    cfg = config_file(mm1(replications="6", extra="scenarios:\n  faster: {flows.f.arrivals.poisson: 0.8}\n"))
    p = run("compare", cfg, "--scenario", "faster", check=True)
    assert "decided on the base and used by every scenario" in p.stderr
    m = es.Model.from_yaml(cfg)
    base = m.run(progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = es.compare(m, m.scenario("faster"), replications=6, seed=11)
    assert df.loc["lead_time_mean", "base_mean"] == pytest.approx(base.summary().loc["lead_time_mean", "mean"])
    # es.sweep: one warm-up for every point, in attrs.
    s = es.sweep(m, {"flows.f.arrivals.poisson": [0.5, 0.8]}, replications=6, seed=11)
    assert s.attrs["warmup"] == base.warmup
