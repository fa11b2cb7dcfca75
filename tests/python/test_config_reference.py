"""The config reference (README "The model (config contract)"): the README's snippets of "How do I
model..." load as they are and do what the text says; the reference reaches the user as `eslabon keys`
and `es.config_keys()`, and the schemas it generates accept the example configs and sweeps."""
import json
import math
import re

import pytest

import eslabon as es
from conftest import CONFIGS, ROOT, run

README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    """The README's text under the heading `title`, up to the next heading of the same or a higher level."""
    m = re.search(rf"^(#+) {re.escape(title)}\n", README, re.M)
    assert m, f"README has no heading {title!r}"
    level = len(m.group(1))
    rest = README[m.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[:end.start()] if end else rest


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", text, re.M | re.S)


SNIPPETS = {re.search(r"^name: (\S+)$", block, re.M).group(1): block
            for block in yaml_blocks(section("How do I model..."))}


def test_every_how_to_snippet_is_a_model_that_loads_and_matches_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    yaml = pytest.importorskip("yaml")
    assert set(SNIPPETS) == {"outside_supplier", "supplier_as_a_link", "shared_it_desk", "two_shifts",
                             "complaint_desk"}
    validator = jsonschema.Draft202012Validator(json.loads((CONFIGS / "eslabon.schema.json").read_text()))
    for name, text in SNIPPETS.items():
        m = es.Model(text, f"README:{name}")
        assert m.name == name
        for scenario in m.scenarios:
            m.scenario(scenario)
        assert [e.message for e in validator.iter_errors(yaml.safe_load(text))] == [], name


def short_run(name: str, **kw):
    return es.Model(SNIPPETS[name], name).run(replications=3, seed=5, **kw)


def unit_mean(r, unit: str, stat: str) -> float:
    u = r.units
    return float(u[u["unit"] == unit][stat].mean())


def test_an_outside_supplier_as_a_unit_never_queues_and_its_defects_have_an_origin():
    r = short_run("outside_supplier")
    assert unit_mean(r, "supplier", "mean_wait") == 0.0
    assert unit_mean(r, "supplier", "utilisation") < 0.05          # 0.5 per hour x 48 h / 1000 servers
    origins = r.origins.set_index("origin")
    assert "supply->produce" in origins.index


def test_an_outside_supplier_as_a_link_is_a_delay_on_the_handoff():
    r = short_run("supplier_as_a_link")
    causes = r.causes
    assert "delay:order_parts->produce" in causes.index
    # Its delay (mean 2 days, drawn again for every redelivery) is most of the lead time.
    assert causes.loc["delay:order_parts->produce", "time"] > 40


def test_a_shared_department_carries_the_load_of_both_flows():
    m = es.Model(SNIPPETS["shared_it_desk"], "shared")
    load = m.offered_load()
    # orders: 1 per hour x 30 min; incidents: 0.5 per hour x 1 h; on 2 servers.
    assert math.isclose(load.loc["it_desk", "utilisation"], 0.5, rel_tol=1e-12)
    r = m.run(replications=3, seed=5)
    flows = set(r.flows["flow"])
    assert flows == {"orders", "incidents"}


def test_a_second_shift_is_worth_its_scenario():
    m = es.Model(SNIPPETS["two_shifts"], "shifts")
    # 0.3 jobs per hour x 3 h over the weekly average of scheduled servers: 5 x (8 x 4 + 8 x 2) / 168.
    assert math.isclose(m.offered_load().loc["plant", "utilisation"], 0.9 / (240 / 168), rel_tol=1e-9)
    one = m.scenario("one_shift").offered_load().loc["plant", "utilisation"]
    assert math.isclose(one, 0.9 / (160 / 168), rel_tol=1e-9)


def test_a_complaint_desk_gets_the_complaints():
    r = short_run("complaint_desk")
    s = r.summary()
    assert s.loc["complaint_rate", "mean"] > 0
    assert unit_mean(r, "desk", "throughput") > 0


# --- the reference at the user's doors ---------------------------------------------------------

def test_config_keys_in_python():
    keys = es.config_keys()
    assert list(keys.columns) == ["type", "default", "unit", "description", "see"]
    row = keys.loc["costs.late_penalty"]
    assert (row["type"], row["default"], row["unit"]) == ("number >= 0", "0", "money per late order")
    assert keys.loc["links[].on_detect", "default"] == "rework"
    assert keys.loc["units.UNIT.cost_per_hour", "unit"] == "money per hour"
    for key in ["flows.FLOW.value", "flows.FLOW.arrivals.customers", "flows.FLOW.tasks.TASK.skip",
                "units.UNIT.cost_per_hour", "units.UNIT.outages"]:
        assert key in keys.index  # the keys the old table left out
    assert "grid" in es.config_keys(sweep=True).index
    assert es.config_schema() == json.loads((CONFIGS / "eslabon.schema.json").read_text())
    assert es.config_schema(sweep=True) == json.loads((CONFIGS / "sweep.schema.json").read_text())


def test_eslabon_keys():
    out = run("keys", "late_penalty", check=True).stdout
    assert out.startswith("costs.late_penalty: number >= 0, money per late order; default 0\n")
    assert "flat amount, not per hour late" in out
    assert json.loads(run("keys", "--schema", check=True).stdout) == es.config_schema()
    assert json.loads(run("keys", "--schema", "--sweep", check=True).stdout) == es.config_schema(sweep=True)
    table = run("keys", "--markdown", check=True).stdout
    assert table in README  # the README's table is this one
    assert "grid:" in run("keys", "--sweep", check=True).stdout
    bad = run("keys", "late_penalti")
    assert bad.returncode == 2
    assert "no key contains 'late_penalti' (did you mean 'late_penalty'?)" in bad.stderr


def test_example_sweeps_match_the_sweep_schema():
    jsonschema = pytest.importorskip("jsonschema")
    yaml = pytest.importorskip("yaml")
    schema = json.loads((CONFIGS / "sweep.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    sweeps = sorted((CONFIGS / "sweeps").glob("*.yaml"))
    assert sweeps
    for path in sweeps:
        assert [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))] == [], path.name
    assert list(validator.iter_errors({"model": "m.yaml", "gird": {}}))
