"""Sensitivity (README "Sensitivity"): the designs and estimators on functions whose indices are known,
then on an M/M/1 queue whose lead time is a known function of its rates, then the command end to end."""
from __future__ import annotations

import inspect
import json
import os
import warnings

import h5py
import numpy as np
import pandas as pd
import pytest

import eslabon as es
from conftest import CONFIGS, run
from eslabon.sensitivity import morris_design, sobol_design

PI = np.pi
LAM = "flows.customers.arrivals.poisson"
MEAN = "flows.customers.tasks.serve.service.exponential.mean"
COST = "units.server.cost_per_hour"  # touches no random number and no time: it cannot move the lead time
MM1 = """name: mm1
time_unit: hour
run: {horizon: 20000, warmup: 2000, replications: 4, seed: 5}
units:
  server: {servers: 1}
flows:
  customers:
    arrivals: {poisson: 0.5}
    tasks:
      serve: {unit: server, service: {exponential: {mean: 1}}}
"""


def closed_form(points: pd.DataFrame) -> dict:
    """M/M/1's mean sojourn time W = 1 / (mu - lambda) = s / (1 - lambda s), s the mean service time."""
    lam, s = points[LAM].to_numpy(), points[MEAN].to_numpy()
    return {"lead_time_mean": s / (1 - lam * s)}


# ------------------------------------------------------------------------------------------------
# Designs and estimators, no simulation
# ------------------------------------------------------------------------------------------------

def test_morris_trajectories_move_each_factor_once_by_delta_on_the_grid():
    k, r, p = 3, 6, 4
    u, moved = morris_design(k, r, p, np.random.default_rng(1))
    delta = p / (2 * (p - 1))
    assert u.shape == (r * (k + 1), k)
    assert np.allclose(u * (p - 1), np.round(u * (p - 1)))  # every value on the grid {0, 1/3, 2/3, 1}
    for t in range(r):
        rows, m = u[t * (k + 1):(t + 1) * (k + 1)], moved[t * (k + 1):(t + 1) * (k + 1)]
        assert m[0] == -1 and sorted(m[1:]) == list(range(k))
        for s in range(1, k + 1):
            step = rows[s] - rows[s - 1]
            assert np.count_nonzero(step) == 1 and np.isclose(abs(step[m[s]]), delta)


def test_sobol_design_is_a_b_and_a_with_one_column_of_b():
    k, n = 3, 5
    x = sobol_design(k, n, np.random.default_rng(2))
    a, b = x[:n], x[n:2 * n]
    for i in range(k):
        ab = x[(2 + i) * n:(3 + i) * n]
        assert np.array_equal(ab[:, i], b[:, i])
        assert np.array_equal(np.delete(ab, i, axis=1), np.delete(a, i, axis=1))


def linear(points: pd.DataFrame) -> dict:
    return {"y": 2 * points["a"] - 3 * points["b"] + 0 * points["c"]}


LINEAR_RANGES = {"a": [0, 1], "b": [1, 3], "c": [0, 5]}


def test_morris_on_a_linear_function_is_exact():
    # An elementary effect of y = sum c_i x_i is c_i (high_i - low_i) at every point: mu exact, sigma 0.
    df = es.sensitivity(linear, LINEAR_RANGES, kpis="y", method="morris", samples=8, seed=3).set_index("parameter")
    assert np.allclose(df["mu"], [2.0, -6.0, 0.0], atol=1e-12)
    assert np.allclose(df["mu_star"], [2.0, 6.0, 0.0], atol=1e-12)
    assert np.allclose(df["sigma"], 0, atol=1e-12)
    assert np.allclose(df["mu_star_ci_low"], df["mu_star"]) and np.allclose(df["mu_star_ci_high"], df["mu_star"])


def assert_covers(df: pd.DataFrame, index: str, exact: dict, atol: float) -> None:
    for name, value in exact.items():
        row = df.loc[name]
        assert row[f"{index}_ci_low"] <= value <= row[f"{index}_ci_high"], (index, name, value, row.to_dict())
        assert abs(row[index] - value) < atol, (index, name, value, row[index])


def test_sobol_on_a_linear_function():
    # Variance shares of independent terms: c_i^2 (high_i - low_i)^2 / 12 over their sum; no interactions.
    parts = {"a": 4 * 1, "b": 9 * 4, "c": 0.0}
    exact = {k: v / sum(parts.values()) for k, v in parts.items()}
    df = es.sensitivity(linear, LINEAR_RANGES, kpis="y", method="sobol", samples=2048, seed=4).set_index("parameter")
    assert_covers(df, "S1", exact, 0.03)
    assert_covers(df, "ST", exact, 0.03)


def test_sobol_on_the_ishigami_function():
    # Ishigami & Homma (1990), a = 7, b = 0.1 on [-pi, pi]^3: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
    # V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V3 = 0, V13 = b^2 pi^8 (1/18 - 1/50).
    a, b = 7.0, 0.1
    v = a**2 / 8 + b * PI**4 / 5 + b**2 * PI**8 / 18 + 0.5
    v1, v2, v13 = 0.5 * (1 + b * PI**4 / 5) ** 2, a**2 / 8, b**2 * PI**8 * (1 / 18 - 1 / 50)

    def ishigami(p: pd.DataFrame) -> dict:
        x1, x2, x3 = (p[c].to_numpy() for c in ("x1", "x2", "x3"))
        return {"y": np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)}

    df = es.sensitivity(ishigami, {x: [-PI, PI] for x in ("x1", "x2", "x3")}, kpis=["y"], method="sobol",
                        samples=4096, seed=3).set_index("parameter")
    assert_covers(df, "S1", {"x1": v1 / v, "x2": v2 / v, "x3": 0.0}, 0.04)
    assert_covers(df, "ST", {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v}, 0.04)


# ------------------------------------------------------------------------------------------------
# M/M/1: lead time W = 1 / (mu - lambda)
# ------------------------------------------------------------------------------------------------

RANGES = {LAM: [0.2, 0.5], MEAN: [0.6, 1.2], COST: [10, 50]}
STUDY = dict(method=["morris", "sobol"], samples={"morris": 10, "sobol": 64}, seed=5)


@pytest.fixture(scope="module")
def mm1():
    return es.Model(MM1, "mm1.yaml")


@pytest.fixture(scope="module")
def simulated(mm1):
    with warnings.catch_warnings():  # a few points may drift by chance (README "Steady state"): allowed
        warnings.simplefilter("ignore", es.DriftWarning)
        return es.sensitivity(mm1, RANGES, **STUDY)


@pytest.fixture(scope="module")
def analytic():
    return es.sensitivity(closed_form, RANGES, **STUDY)


@pytest.mark.parametrize("method,indices", [("morris", ["mu", "mu_star"]), ("sobol", ["S1", "ST"])])
def test_mm1_indices_match_the_closed_form_at_the_same_points(simulated, analytic, method, indices):
    sim, cf = simulated[method], analytic[method]
    ds, dc = pd.DataFrame(sim.attrs["design"]), pd.DataFrame(cf.attrs["design"])
    assert ds[list(RANGES)].equals(dc[list(RANGES)])  # the same design: the same seed
    sim, cf = sim.set_index("parameter"), cf.set_index("parameter")
    ci = "mu_star" if method == "morris" else None
    for index in indices:
        for p in RANGES:
            lo, hi = sim.loc[p, f"{ci or index}_ci_low"], sim.loc[p, f"{ci or index}_ci_high"]
            # The simulation's error in the index is inside the index's own 95% CI half-width.
            assert abs(sim.loc[p, index] - cf.loc[p, index]) <= (hi - lo) / 2, (method, index, p)
    # The service time matters more than the arrival rate over these ranges, as in the closed form.
    key = "mu_star" if method == "morris" else "ST"
    assert sim.loc[MEAN, key] > sim.loc[LAM, key] > 0


def test_common_random_numbers_give_a_parameter_without_effect_exactly_zero(simulated):
    # The cost rate changes no random number and no time: with the same seed and replications at every
    # point its effects are exactly 0, where independent streams would give noise.
    m, s = simulated["morris"].set_index("parameter"), simulated["sobol"].set_index("parameter")
    assert (m.loc[COST, ["mu", "mu_star", "sigma", "mu_star_ci_low", "mu_star_ci_high"]] == 0).all()
    assert (s.loc[COST, ["S1", "ST"]] == 0).all()


def test_the_same_point_twice_gives_identical_kpis(mm1, simulated):
    from eslabon.sensitivity import Parameter, evaluate

    params = [Parameter(LAM, 0.2, 0.5), Parameter(MEAN, 0.6, 1.2)]
    x = np.array([[0.3, 0.9], [0.4, 1.1]])
    first = evaluate(mm1, params, x, ["lead_time_mean", "throughput"], 4, 5)
    again = evaluate(mm1, params, x[::-1], ["lead_time_mean", "throughput"], 4, 5, threads=1)
    assert np.array_equal(first, again[::-1])
    assert not np.array_equal(first[0], first[1])


def test_threads_do_not_change_the_result(mm1):
    kw = dict(method="morris", samples=3, replications=2, seed=9)
    one = es.sensitivity(mm1, {LAM: [0.2, 0.5]}, threads=1, **kw)
    two = es.sensitivity(mm1, {LAM: [0.2, 0.5]}, threads=2, **kw)
    pd.testing.assert_frame_equal(one, two)
    assert one.attrs["design"] == two.attrs["design"]


def test_integer_parameters_are_whole_numbers(mm1):
    ranges = {"units.server.servers": [1, 4], LAM: [0.2, 0.5]}
    out = es.sensitivity(mm1.with_changes({"run.horizon": 500, "run.warmup": 50}), ranges, method=["morris", "sobol"],
                         samples={"morris": 6, "sobol": 16}, replications=1, bootstrap=0)
    assert out["morris"].attrs["parameters"]["units.server.servers"]["integer"] is True
    assert out["morris"].attrs["parameters"][LAM]["integer"] is False
    morris = pd.DataFrame(out["morris"].attrs["design"])["units.server.servers"]
    assert set(morris) <= {1, 2, 3, 4}  # 4 levels on [1, 4]: exactly the integers
    sobol = pd.DataFrame(out["sobol"].attrs["design"])["units.server.servers"]
    assert set(sobol) <= {1, 2, 3, 4} and len(set(sobol)) > 1
    assert np.isnan(out["sobol"]["S1_ci_low"]).all()  # bootstrap 0: no CIs


@pytest.mark.parametrize("kwargs,message", [
    ({"kpis": ["lead_time"]}, "kpis.0: unknown KPI 'lead_time' (did you mean 'lead_time_p50'?); expected one of "
                              "lead_time_mean, lead_time_p50"),
    ({"parameters": {LAM: [0.5, 0.2]}}, f"parameters.{LAM}: expected low < high, got [0.5, 0.2]"),
    ({"parameters": {LAM: ["a", 0.2]}}, f"parameters.{LAM}: expected [low, high], two numbers, got ['a', 0.2]"),
    ({"parameters": {"units.sever.servers": [1, 2]}}, "parameters.units.sever.servers.0: this does not give a valid "
                                                      "model: units.sever: no such key in the config"),
    ({"parameters": {"units.server.servers": [1, 2.5]}}, "parameters.units.server.servers.1: this does not give a "
                                                         "valid model: units.server.servers: expected an integer"),
    ({"method": "sobel"}, "method: unknown method 'sobel' (did you mean 'sobol'?); expected morris or sobol"),
    ({"levels": 3}, "levels: expected an even number of levels from 2 to 100, got 3"),
    ({"samples": 1}, "samples: expected an integer from 2 to 1000000, got 1"),
])
def test_bad_settings_are_config_errors(mm1, kwargs, message):
    args = {"parameters": {LAM: [0.2, 0.5]}, **kwargs}
    with pytest.raises(es.ConfigError) as e:
        es.sensitivity(mm1, **args)
    assert message in str(e.value)


def test_a_combination_the_model_refuses_is_a_config_error(mm1):
    # Each end of each range is valid alone (with horizon 20000, warmup 2000), but not horizon 3000 with
    # warmup 4000, a corner that Morris's 2-level trajectories reach.
    with pytest.raises(es.ConfigError, match="parameters: the point run.horizon=.*, run.warmup=.* does not give a "
                                             "valid model: .*run.warmup: expected a duration shorter than run.horizon"):
        es.sensitivity(mm1, {"run.horizon": [3000, 20000], "run.warmup": [100, 4000]}, samples=6, levels=2,
                       replications=1)


def test_public_functions_are_annotated():
    for fn in (es.sensitivity, es.read_sensitivity):
        sig = inspect.signature(fn)
        assert all(p.annotation is not inspect.Parameter.empty for p in sig.parameters.values()), fn.__name__
        assert sig.return_annotation is not inspect.Signature.empty


# ------------------------------------------------------------------------------------------------
# eslabon sensitivity
# ------------------------------------------------------------------------------------------------

SPEC = f"""model: model.yaml
method: [morris, sobol]
parameters:
  {LAM}: [0.2, 0.5]
  units.server.servers: [1, 3]
kpis: [lead_time_mean, throughput]
samples: {{morris: 4, sobol: 8}}
levels: 2
replications: 2
seed: 3
bootstrap: 200
"""


@pytest.fixture
def spec(tmp_path):
    (tmp_path / "model.yaml").write_text(MM1.replace("horizon: 20000, warmup: 2000", "horizon: 1000, warmup: 100"))
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC)
    return path


@pytest.mark.filterwarnings("ignore:object name is not a valid Python identifier")  # PyTables on "units.server.servers"
def test_cli_tables_json_and_file_agree_with_python(spec, tmp_path):
    out = tmp_path / "sens.h5"
    p = run("sensitivity", spec, "-o", out, check=True)
    assert "Morris elementary effects: 4 trajectories, 2 levels, 12 rows" in p.stdout
    assert "Sobol indices: N = 8 base rows, 32 rows" in p.stdout
    assert f"wrote {out}" in p.stdout
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    doc = json.loads(run("sensitivity", spec, "--json", check=True).stdout)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", es.DriftWarning)
        py = es.sensitivity(tmp_path / "model.yaml", {LAM: [0.2, 0.5], "units.server.servers": [1, 3]},
                            kpis=["lead_time_mean", "throughput"], method=["sobol", "morris"],
                            samples={"morris": 4, "sobol": 8}, levels=2, replications=2, seed=3, bootstrap=200)
    stored = es.read_sensitivity(out)
    for method in ("morris", "sobol"):
        from_json = pd.DataFrame(doc[method]["indices"]).astype(py[method].dtypes.to_dict())
        pd.testing.assert_frame_equal(from_json, py[method])
        pd.testing.assert_frame_equal(stored[method], py[method])
        assert stored[method].attrs == py[method].attrs
        for key in (method, f"design/{method}"):  # pandas opens every dataset (README "Results in HDF5")
            with h5py.File(out) as f:
                rows = len(f[key])
            assert len(pd.read_hdf(out, key)) == rows > 0
        assert doc[method]["points"] == py[method].attrs["points"]
    assert sorted(x.name for x in tmp_path.iterdir()) == ["model.yaml", "sens.h5", "spec.yaml"]


def cli(capsys, *args) -> tuple[int, str, str]:
    """The command's main in this process (what `eslabon sensitivity ARGS` runs): (exit code, stdout, stderr)."""
    from eslabon._cli_sensitivity import main

    try:
        code = main([str(a) for a in args])
    except SystemExit as e:  # argparse's usage errors
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


@pytest.mark.parametrize("edit,where,message", [
    (("kpis: [lead_time_mean, throughput]", "kpis: [lead_time_mean, thruput]"), "6:24",
     "kpis.1: unknown KPI 'thruput' (did you mean 'throughput'?); expected one of lead_time_mean, lead_time_p50"),
    (("units.server.servers: [1, 3]", "units.server.sevrers: [1, 3]"), "5:26",
     "parameters.units.server.sevrers.0: this does not give a valid model: units.server.sevrers: unknown key "
     "(did you mean 'servers'?)"),
    (("[0.2, 0.5]", "[0.5, 0.2]"), "4:37", f"parameters.{LAM}: expected low < high, got [0.5, 0.2]"),
    (("[0.2, 0.5]", "[low, 0.5]"), "4:37", f"parameters.{LAM}: expected [low, high], two numbers, got ['low', 0.5]"),
    (("levels: 2", "level: 2"), "8:1", "level: unknown key (did you mean 'levels'?); expected one of model, method"),
    (("model: model.yaml", "model: nowhere.yaml"), "1:8", "model: expected a model config file, found no file"),
    (("seed: 3", "seed: -3"), "10:7", "seed: expected an integer from 0 to"),
    (("[morris, sobol]", "[morris, sobolt]"), "2:18", "method.1: unknown method 'sobolt' (did you mean 'sobol'?)"),
])
def test_bad_spec_files_exit_2_with_file_line_and_key(spec, tmp_path, capsys, edit, where, message):
    spec.write_text(SPEC.replace(*edit))
    out = tmp_path / "never.h5"
    code, stdout, stderr = cli(capsys, spec, "-o", out)
    assert code == 2, stderr
    assert stderr.startswith(f"{spec}:{where}: {message}"), stderr
    assert not out.exists() and stdout == ""


def test_the_command_reports_a_bad_spec_as_exit_2(spec):
    spec.write_text(SPEC.replace("[0.2, 0.5]", "[0.5, 0.2]"))
    p = run("sensitivity", spec)
    assert p.returncode == 2 and p.stderr == f"{spec}:4:37: parameters.{LAM}: expected low < high, got [0.5, 0.2]\n"


@pytest.mark.parametrize("target,message", [
    (lambda d: d, "expected a regular file (or a new name), found a directory"),
    (lambda d: d / "missing" / "x.h5", "expected a file in an existing directory, found no directory"),
    (lambda d: d / "spec.yaml", "expected an output file, found the spec file itself"),
    (lambda d: d / "model.yaml", "expected an output file, found the spec's model file"),
])
def test_bad_outputs_exit_2_and_touch_nothing(spec, tmp_path, capsys, target, message):
    before = {x.name: x.read_bytes() for x in tmp_path.iterdir()}
    code, _, stderr = cli(capsys, spec, "-o", target(tmp_path))
    assert code == 2 and message in stderr, stderr
    assert {x.name: x.read_bytes() for x in tmp_path.iterdir()} == before


def test_cli_usage_errors_exit_2(spec, capsys):
    assert run("sensitivity").returncode == 2
    assert cli(capsys, spec, "--threads", "-1")[0] == 2
    code, _, stderr = cli(capsys, spec.parent / "nope.yaml")
    assert code == 2 and "cannot read the file" in stderr


def test_example_spec_loads():
    from eslabon._sensitivity_spec import load_spec

    s = load_spec(str(CONFIGS / "sensitivity" / "weak_link.yaml")).settings
    assert s.methods == ["morris", "sobol"] and s.samples == {"morris": 10, "sobol": 32}
    assert [(p.path, p.integer) for p in s.parameters] == [("units.production.servers", True),
                                                           ("links.purchase->produce.defect", False),
                                                           ("links.take_order->purchase.detect", False)]
