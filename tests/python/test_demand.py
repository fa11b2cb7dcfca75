"""Demand that changes over time (README "Demand that changes over time"): a periodic `rates` profile
from Python's Model.from_dict, and what `eslabon check` and `eslabon run` say about one. The theory
checks (counts per piece, M(t)/M/inf occupancy) are in tests/models/test_demand.cpp."""
import math

import yaml

import eslabon as es
from conftest import run

# By day of a four-day "week": busy, busy, quiet, closed; one desk of many servers (nobody waits).
PROFILE = {
    "name": "weekly demand",
    "time_unit": "hour",
    "run": {"horizon": "104d", "warmup": "8d", "replications": 4, "seed": 3},
    "units": {"desk": {"servers": 100}},
    "flows": {"calls": {"arrivals": {"poisson": {"rates": [4, 4, 1, 0], "every": "1d"}},
                        "tasks": {"answer": {"unit": "desk", "service": {"exponential": {"mean": 0.5}}}}}},
}


def test_a_periodic_profile_runs_from_python():
    m = es.Model.from_dict(PROFILE)
    # The offered load counts the long-run average rate, the mean of the rates: 2.25 per hour.
    assert math.isclose(m.offered_load().loc["desk", "arrival_rate"], 2.25, rel_tol=1e-12)
    r = m.run(orders=True, progress=False)
    o = r.orders
    day = ((o["arrival"] // 24) % 4).astype(int)
    assert (day != 3).all()  # the closed day gets no order
    # 96 days in the window, 24 of each kind; busy days ~96 orders a day, quiet ones ~24.
    per_day = day.value_counts() / (24 * 4)  # orders per day of each kind, over 24 days x 4 replications
    busy = (day == 0).sum() / (24 * 4)
    quiet = (day == 2).sum() / (24 * 4)
    assert 0.9 * 96 < busy < 1.1 * 96, per_day
    assert 0.8 * 24 < quiet < 1.2 * 24, per_day
    # Halves of 48 days, whole periods: nothing drifts.
    assert not r.drift["drifting"].any()


def test_check_and_run_describe_the_profile(config_file):
    path = config_file(yaml.safe_dump(PROFILE))
    out = run("check", path, check=True).stdout
    assert "flow calls: arrivals poisson rates [4, 4, 1, 0] every 24 (period 96; long-run rate 2.25, largest 4)" in out
    p = run("run", path, "--replications", "2", check=True)
    assert "note:" not in p.stderr
    # A window of 100 days has halves of 50, not a whole number of 4-day periods: a note, not an error.
    p = run("run", path, "--replications", "2", "--horizon", "108d", check=True)
    assert ("note: the arrival rate of flow calls repeats every 96 hours, but each half of the measurement window "
            "[192, 2592) is 1200 hours, not a whole number of periods") in p.stderr
