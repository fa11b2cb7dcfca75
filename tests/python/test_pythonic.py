"""Python that speaks Python (issue 12, README "In Python and Jupyter"): errors name the Python argument
or dict path (never a CLI flag) and list the valid choices; they are ConfigError (a ValueError),
TypeError or FileNotFoundError as a Python user expects; from_dict takes numpy and pandas values and any
unicode; run's arguments are checked; compare refuses models whose structure differs.

Every model here is small and runs are a few hundred hours, so the module takes seconds.
"""
import copy
import datetime
import pickle
import re

import numpy as np
import pandas as pd
import pytest

import eslabon as es
from conftest import CONFIGS, WEAK, run

SVC = {"exponential": {"mean": 1.0}}
CHAIN = {
    "name": "small chain",
    "time_unit": "hour",
    "run": {"horizon": 400, "warmup": 40, "replications": 3, "seed": 5},
    "units": {"sales": {"servers": 2}, "production": {"servers": 2}},
    "flows": {"standard": {"arrivals": {"poisson": 0.5}, "due": "24h", "tasks": {
        "take": {"unit": "sales", "service": SVC},
        "make": {"unit": "production", "service": SVC, "after": "take"}}}},
    "links": [{"from": "take", "to": "make", "defect": 0.05, "detect": 0.5, "on_detect": "rework"}],
    "scenarios": {"better": {"links.take->make.defect": 0.01}, "bigger": {"units.production.servers": 3}},
}
ALL_CORE_CALLS = ["run", "rank", "rank_links", "choose_warmup"]


def config(**changes):
    """CHAIN, deep-copied, with `changes` {"a.b.c": value} set (a value of None deletes the key)."""
    c = copy.deepcopy(CHAIN)
    for path, value in changes.items():
        *head, last = path.split("__")
        node = c
        for k in head:
            node = node[k]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return c


@pytest.fixture(scope="module")
def chain():
    return es.Model.from_dict(CHAIN)


@pytest.fixture
def no_runs(monkeypatch):
    """Fails the test if anything reaches the engine: an argument is refused before any work."""
    def refuse(*args, **kwargs):
        raise AssertionError("the engine was called before the argument was refused")

    for name in ALL_CORE_CALLS:
        monkeypatch.setattr(es._core, name, refuse)


def error(exc_type, fn, *args, **kwargs):
    with pytest.raises(exc_type) as e:
        fn(*args, **kwargs)
    return e.value


def no_cli_words(message):
    assert not re.search(r"(^|\s)--[a-z]", message), f"a CLI flag in a Python message: {message}"
    assert "<dict>" not in message, message


# --------------------------------------------------------------------------------------------
# from_dict: dict paths, not positions in a text the user never saw
# --------------------------------------------------------------------------------------------

DICT_ERRORS = [
    ({"units__production__servers": 0},
     'config["units"]["production"]["servers"]: expected an integer from 1 to 1000000, got 0',
     "units.production.servers"),
    ({"units__production__severs": 2},
     'config["units"]["production"]["severs"]: unknown key (did you mean \'servers\'?)', "units.production.severs"),
    ({"links": [{"from": "take", "to": "make", "defect": 1.5}]},
     'config["links"][0]["defect"]: expected a probability between 0 and 1, got 1.5', "links.take->make.defect"),
    ({"flows__standard__tasks__make__unit": "produktion"},
     'config["flows"]["standard"]["tasks"]["make"]["unit"]: unknown unit \'produktion\'', None),
    ({"run": None}, 'config["run"]: missing', "run"),
    ({"scenarios__better": {"units.production.servers": 0}},
     'config["scenarios"]["better"]["units.production.servers"]: this change does not give a valid model', None),
]


@pytest.mark.parametrize("changes,start,key", DICT_ERRORS, ids=[s[1].split(":")[0] for s in DICT_ERRORS])
def test_from_dict_errors_name_the_dict_path(changes, start, key):
    e = error(es.ConfigError, es.Model.from_dict, config(**changes))
    assert str(e).startswith(start), str(e)
    assert isinstance(e, ValueError)
    no_cli_words(str(e))
    if key is not None:
        assert e.key == key
    assert str(e).endswith(e.detail)


def test_a_yaml_file_keeps_the_clis_message(config_file):
    path = config_file((CONFIGS / "chain.yaml").read_text().replace("sales:      {servers: 2}",
                                                                   "sales:      {servers: 0}"))
    e = error(es.ConfigError, es.Model.from_yaml, path)
    cli = run("run", path)
    assert cli.returncode == 2 and str(e) == cli.stderr.strip()
    assert str(e).startswith(f"{path}:7:") and (e.key, e.where) == ("units.sales.servers", str(e).split(": ")[0])


def test_from_dict_types():
    e = error(TypeError, es.Model.from_dict, config(units__sales__servers={2}))
    assert str(e) == ('config["units"]["sales"]["servers"]: expected a number, str, bool, None, date, timedelta, '
                      "dict or list, got set")
    e = error(TypeError, es.Model.from_dict, "units: {}")
    assert str(e) == "config: expected a dict (a mapping), got str 'units: {}'"
    e = error(TypeError, es.Model.from_dict, config(units={("a", 1): {"servers": 2}}))
    assert str(e).startswith('config["units"]: expected str keys, got the key tuple')


# --------------------------------------------------------------------------------------------
# from_dict: what numpy and pandas hand over, any unicode
# --------------------------------------------------------------------------------------------

def test_from_dict_takes_numpy_and_pandas_values(chain):
    staff = pd.DataFrame({"servers": [2, 2]}, index=["sales", "production"])  # int64 column
    c = config(units={u: {"servers": staff.loc[u, "servers"]} for u in staff.index})
    assert isinstance(c["units"]["sales"]["servers"], np.integer)
    c["run"] = {"horizon": np.float32(400.0), "warmup": np.int16(40), "replications": np.int64(3),
                "seed": np.uint8(5)}
    c["flows"]["standard"]["arrivals"] = {"poisson": np.float64(0.5)}
    c["links"][0]["defect"] = np.array(0.05)  # a 0-d array
    c["complaints"] = {"unit": "sales", "service": SVC, "complain": np.float32(0.1),
                       "late_dissatisfies": np.bool_(True)}
    m = es.Model.from_dict(c)
    base = es.Model.from_dict({**CHAIN, "complaints": {"unit": "sales", "service": SVC, "complain": 0.1,
                                                      "late_dissatisfies": True}})
    assert '"complain": 0.1' in m.config_text and "0.10000000149" not in m.config_text  # float32 0.1 is 0.1
    pd.testing.assert_frame_equal(m.run(progress=False).summary(), base.run(progress=False).summary())


def test_from_dict_takes_lists_from_numpy_and_pandas_and_times():
    c = config()
    c["flows"]["standard"]["tasks"]["make"]["after"] = pd.Series(["take"])
    c["run"]["horizon"] = datetime.timedelta(hours=400)
    c["run"]["calendar_start"] = pd.Timestamp("2026-03-02 08:00")
    m = es.Model.from_dict(c)
    assert m.horizon == 400 and m.calendar_start == pd.Timestamp("2026-03-02 08:00")
    c["flows"]["standard"]["tasks"]["make"]["after"] = np.array(["take"])
    assert es.Model.from_dict(c).tasks == {"standard": ["take", "make"]}


def test_from_dict_takes_any_unicode():
    names = {"sales": "ventas 🛒", "production": "producción 🏭"}
    c = config(units={names[u]: spec for u, spec in CHAIN["units"].items()})
    c["name"] = "cadena 🔗 ñandú"
    tasks = c["flows"]["standard"]["tasks"]
    tasks["take"]["unit"], tasks["make"]["unit"] = names["sales"], names["production"]
    c["flows"] = {"estándar ✨": c["flows"]["standard"]}
    c["scenarios"] = {"más 🏭": {f"units.{names['production']}.servers": 3}}
    m = es.Model.from_dict(c)
    assert m.name == "cadena 🔗 ñandú" and m.units == list(names.values()) and m.flows == ["estándar ✨"]
    assert list(m.scenarios) == ["más 🏭"]
    r = m.scenario("más 🏭").run(replications=2, progress=False)
    assert set(r.units["unit"]) == set(names.values())
    v = m.with_changes({"name": "otra 🚀", f"units.{names['sales']}.servers": np.int64(3)})
    assert v.name == "otra 🚀"
    e = error(es.ConfigError, es.Model.from_dict, {**c, "units": {**c["units"], "🚚": {"servers": 0}}})
    assert str(e).startswith('config["units"]["🚚"]["servers"]: expected an integer')


# --------------------------------------------------------------------------------------------
# with_changes and scenarios: the change, not --set
# --------------------------------------------------------------------------------------------

def test_with_changes_errors_name_the_change(chain):
    e = error(es.ConfigError, chain.with_changes, {"units.production.servers": 0})
    assert str(e) == 'changes["units.production.servers"]: expected an integer from 1 to 1000000, got 0'
    e = error(es.ConfigError, chain.with_changes, {"links.take->make.defect": np.float64(1.5)})
    assert str(e) == 'changes["links.take->make.defect"]: expected a probability between 0 and 1, got 1.5'
    e = error(es.ConfigError, chain.with_changes, {"units.production": {"servers": 2, "severs": 1}})
    assert str(e).startswith('changes["units.production"]["severs"]: unknown key')
    e = error(es.ConfigError, chain.with_changes, {"units.prodution.servers": 5})
    assert str(e) == ('changes["units.prodution.servers"]: units.prodution: no such key in the config '
                      "(did you mean 'production'?)")
    for bad in ([("units.production.servers", 3)], "units.production.servers=3"):
        assert str(error(TypeError, chain.with_changes, bad)).startswith("changes: expected a dict")
    assert str(error(TypeError, chain.with_changes, {3: 1})) == "changes: expected config paths (str) as keys, got int 3"
    assert str(error(TypeError, chain.with_changes, {"units.sales.servers": object()})).startswith(
        'changes["units.sales.servers"]: expected a number')


def test_the_detail_is_the_clis(chain, config_file):
    """The Python message says where in Python words; what is wrong is the loader's, word for word."""
    path = config_file(es.Model.from_dict(CHAIN).config_text)
    cli = run("check", path, "--set", "units.production.servers=0").stderr.strip()
    e = error(es.ConfigError, chain.with_changes, {"units.production.servers": 0})
    assert cli == f"--set units.production.servers=0: units.production.servers: {e.detail}"


def test_changes_survive_pickling_with_their_words(chain):
    v = pickle.loads(pickle.dumps(chain.with_changes({"units.production.servers": 3})))
    e = error(es.ConfigError, v.with_changes, {"units.production": None})
    no_cli_words(str(e))


def test_scenarios_are_listed(chain):
    e = error(es.ConfigError, chain.scenario, "bigr")
    assert str(e) == "name: unknown scenario 'bigr' (did you mean 'bigger'?); expected one of better, bigger"
    assert str(error(TypeError, chain.scenario, 1)) == "name: expected a str, got int 1"
    assert chain.scenario("bigger").changes == {"units.production.servers": "3"}


# --------------------------------------------------------------------------------------------
# Arguments: checked, named, before any work
# --------------------------------------------------------------------------------------------

BAD_RUN_ARGUMENTS = [
    ({"replications": 0}, es.ConfigError, "replications: expected an integer from 1 to 1000000, got 0"),
    ({"replications": -3}, es.ConfigError, "replications: expected an integer from 1 to 1000000, got -3"),
    ({"replications": 1.5}, TypeError, "replications: expected an int, got float 1.5"),
    ({"replications": 2.0}, TypeError, "replications: expected an int, got float 2.0"),
    ({"replications": True}, TypeError, "replications: expected an int, got bool True"),
    ({"replications": "10"}, TypeError, "replications: expected an int, got str '10'"),
    ({"replications": {"until": 0.02, "kpi": "lead_time"}}, es.ConfigError,
     "replications[\"kpi\"]: unknown KPI 'lead_time' (did you mean 'lead_time_p50'?); expected one of lead_time_mean, "),
    ({"replications": {"until": 0.02, "min": 1}}, es.ConfigError,
     "replications[\"min\"]: expected an integer from 2 to 1000000, got 1"),
    ({"seed": 1.5}, TypeError, "seed: expected an int, got float 1.5"),
    ({"seed": -1}, es.ConfigError, "seed: expected an integer >= 0, got -1"),
    ({"threads": -1}, es.ConfigError, "threads: expected an integer from 0 to 4096, got -1"),
    ({"threads": 2.0}, TypeError, "threads: expected an int, got float 2.0"),
    ({"orders": "yes"}, TypeError, "orders: expected True or False, got str 'yes'"),
]


@pytest.mark.parametrize("kwargs,exc,message", BAD_RUN_ARGUMENTS, ids=[str(b[0]) for b in BAD_RUN_ARGUMENTS])
def test_run_checks_its_arguments(chain, no_runs, kwargs, exc, message):
    e = error(exc, chain.run, progress=False, **kwargs)
    assert str(e).startswith(message)
    no_cli_words(str(e))


def test_run_takes_numpy_integers(chain):
    r = chain.run(replications=np.int64(2), seed=np.int32(11), threads=np.uint8(1), progress=np.bool_(False))
    assert len(r.replications) == 2 and r.seed == 11
    assert r.model.changes == {"run.replications": "2", "run.seed": "11"}


@pytest.mark.parametrize("fn", [es.rank, es.rank_links], ids=["rank", "rank_links"])
def test_studies_check_kpi_and_list_the_kpis(chain, no_runs, fn):
    e = error(es.ConfigError, fn, chain, kpi="copq")
    assert str(e).startswith("kpi: unknown KPI 'copq' (did you mean 'copq_per_order'?); expected one of ")
    assert str(e).endswith(", ".join(es.kpi_names()))
    assert str(error(es.ConfigError, fn, chain, replications=0)).startswith("replications: expected an integer")
    assert str(error(TypeError, fn, chain, seed=0.5)) == "seed: expected an int, got float 0.5"
    assert str(error(TypeError, fn, "configs/chain.yaml")).startswith("model: expected an eslabon Model, got str")


def test_rank_budget_and_sweep_arguments(chain, no_runs):
    assert str(error(TypeError, es.rank, chain, budget="1")) == "budget: expected a number, got str '1'"
    assert str(error(TypeError, es.rank, chain, shapley=1)) == "shapley: expected True or False, got int 1"
    assert str(error(TypeError, es.sweep, chain, [("units.production.servers", [1, 2])])).startswith(
        "grid: expected a dict")
    assert str(error(TypeError, es.sweep, chain, {"units.production.servers": 3})).startswith(
        'grid["units.production.servers"]: expected a list of values, got int 3')
    assert str(error(es.ConfigError, es.sweep, chain, {"units.production.servers": [2, 0]})) == \
        'grid["units.production.servers"]: expected an integer from 1 to 1000000, got 0'
    assert str(error(es.ConfigError, es.sweep, chain, {}, scenarios={"s": {"run.seed": -2}})) == \
        'scenarios["s"]["run.seed"]: expected an integer >= 0, got -2'
    assert str(error(es.ConfigError, es.sweep, chain, {"units.production.servers": [2]}, replications=0)) == \
        "replications: expected an integer from 1 to 1000000, got 0"
    assert str(error(TypeError, es.sweep, chain, {"units.production.servers": [2]}, replications=2.5)) == \
        "replications: expected an int, got float 2.5"


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------

def test_missing_files_are_file_not_found(tmp_path):
    missing = tmp_path / "none.yaml"
    assert error(FileNotFoundError, es.Model.from_yaml, missing).filename == str(missing)
    error(IsADirectoryError, es.Model.from_yaml, tmp_path)
    error(FileNotFoundError, es.read_hdf5, tmp_path / "none.h5")
    assert error(FileNotFoundError, es.run_sweep, missing, tmp_path / "out.h5").filename == str(missing)
    assert str(error(TypeError, es.Model.from_yaml, 3)) == "path: expected a str or os.PathLike, got int 3"
    # The CLI's commands written in Python keep the CLI's words and exit code.
    p = run("graph", missing, "-o", tmp_path / "x.svg")
    assert p.returncode == 2 and p.stderr.strip() == f"{missing}: cannot read the file (does it exist?)"


# --------------------------------------------------------------------------------------------
# compare: the same organisation, unless told otherwise
# --------------------------------------------------------------------------------------------

def test_structure_is_names_not_parameters(chain):
    assert es.structure_differences(chain, chain.scenario("bigger")) == []
    assert es.structure_differences(chain, chain.with_changes({
        "units.production.servers": 5, "links.take->make.defect": 0.0,
        "flows.standard.tasks.make.unit": "sales"})) == []
    weak = es.Model.from_yaml(WEAK)
    for name in weak.scenarios:
        assert es.structure_differences(weak, weak.scenario(name)) == []


def test_compare_refuses_different_structures(chain, no_runs):
    other = es.Model.from_dict(config(
        units={**CHAIN["units"], "logistics": {"servers": 1}}, links=[],
        flows={"standard": {**CHAIN["flows"]["standard"], "tasks": {
            **CHAIN["flows"]["standard"]["tasks"], "ship": {"unit": "logistics", "service": SVC, "after": "make"}}}},
        scenarios=None))
    assert es.structure_differences(chain, other) == [
        "units only in variant: logistics", "tasks of flow standard only in variant: ship",
        "links only in base: take->make"]
    e = error(es.ConfigError, es.compare, chain, other)
    assert str(e) == ("variant: its structure differs from base's (units only in variant: logistics; tasks of flow "
                      "standard only in variant: ship; links only in base: take->make); pass allow_different=True "
                      "to compare different organisations")
    assert str(error(TypeError, es.compare, chain, CHAIN)).startswith("variant: expected an eslabon Model, got dict")


def test_cli_compare_refuses_a_scenario_that_changes_the_structure(tmp_path):
    cfg = tmp_path / "more.yaml"
    cfg.write_text("""name: more
run: {horizon: 300, warmup: 30, replications: 2, seed: 3}
units: {desk: {servers: 2}, back: {servers: 2}}
flows: {only: {arrivals: {poisson: 0.5}, tasks: {serve: {unit: desk, service: {exponential: {mean: 1}}}}}}
scenarios:
  faster: {units.desk.servers: 3}
  more: {flows.only.tasks: {serve: {unit: desk, service: {exponential: {mean: 1}}},
                            pack: {unit: back, after: serve, service: {exponential: {mean: 1}}}}}
""")
    p = run("compare", cfg, "--scenario", "more")
    assert p.returncode == 2 and p.stdout == "", p.stderr
    assert p.stderr.strip() == ("--scenario more: its structure differs from the base's (tasks of flow only only in "
                                "variant: pack); add --allow-different to compare different organisations")
    assert run("compare", cfg, "--scenario", "more", "--allow-different").returncode == 0
    assert run("compare", cfg, "--scenario", "faster").returncode == 0
    m = es.Model.from_yaml(cfg)  # the same rule in Python
    assert es.structure_differences(m, m.scenario("more")) == ["tasks of flow only only in variant: pack"]


def test_compare_allow_different(chain):
    other = es.Model.from_dict(config(links=[], scenarios=None))
    df = es.compare(chain, other, replications=2, seed=1, allow_different=True)
    assert df.loc["lead_time_mean", "n"] == 2
    same = es.compare(chain, chain.scenario("bigger"), replications=2, seed=1)
    assert same.loc["lead_time_mean", "n"] == 2


def test_run_sweep_arguments_and_its_points_listed(tmp_path, chain):
    model = tmp_path / "chain.yaml"
    model.write_text(chain.config_text)
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("model: chain.yaml\nreplications: 2\nseed: 3\ngrid:\n  units.production.servers: [2, 3]\n")
    out = tmp_path / "out.h5"
    assert str(error(TypeError, es.run_sweep, sweep, out, threads=1.5)) == "threads: expected an int, got float 1.5"
    assert str(error(TypeError, es.run_sweep, sweep, out, resume="no")) == "resume: expected True or False, got str 'no'"
    stored = es.run_sweep(sweep, out, threads=1)
    assert repr(stored) == (f"StoredSweep({str(out)!r}, points=2, complete=2, replications=2, seed=3, "
                            "factors=['units.production.servers'])")
    e = error(KeyError, stored.__getitem__, "p0009")
    assert str(e) == f"\"no complete point 'p0009' in {out}; expected one of p0000, p0001\""
    (tmp_path / "again.h5.journal").write_text("a journal of another sweep\n")
    e = error(es.ConfigError, es.run_sweep, sweep, tmp_path / "again.h5", resume=True)
    assert str(e).startswith(f"resume=True: {tmp_path / 'again.h5.journal'} belongs to another sweep")
    no_cli_words(str(e))


def test_reprs_read_like_constructors(chain):
    assert repr(chain) == "Model('small chain', units=2, flows=1, links=1, horizon=400 hour, replications=3)"
    assert repr(chain._core) == "<eslabon._core.Model 'small chain', units=2, flows=1, links=1>"
    r = chain.run(replications=1, progress=False)
    assert repr(r).startswith("Result('small chain', replications=1, seed=5, lead_time_mean=")
    assert repr(r._core) == "<eslabon._core.RunResult 'small chain', replications=1, seed=5>"

