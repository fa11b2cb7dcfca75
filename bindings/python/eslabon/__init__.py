"""eslabon: discrete-event simulation of organisational value chains.

    import eslabon as es
    m = es.Model.from_yaml("configs/weak_link.yaml")
    r = m.run(replications=20, seed=1)
    r.summary()                                   # KPIs with 95% confidence intervals
    es.compare(m, m.with_changes({"units.production.servers": 5}))
    es.rank(m, kpi="copq_per_order", shapley=True)
    es.run_sweep("sweep.yaml", "sweep.h5")        # a sweep file, as `eslabon sweep -o`
    es.merge_shards(["s0.h5", "s1.h5"], "all.h5") # its shards (run_sweep(shard=(i, n))) joined
    es.read_hdf5("out.h5")                        # a run file, or a sweep file (StoredSweep)
    m.graph(results=r)                            # the organisation as a picture (Graphviz)
    es.sensitivity(m, {"units.production.servers": [3, 6]}, kpis=["lead_time_mean"], method="morris")
    es.config_keys()                              # every config key: type, default, unit, meaning
"""
from ._core import (ConfigError, EventLimitExceeded, RunLimitExceeded, TimeLimitExceeded, WipLimitExceeded,
                    __version__)
from .model import Model
from .graph import Graph
from ._precision import PrecisionWarning
from ._drift import DriftWarning
from .result import Result, StoredResult, read_hdf5
from ._stored_sweep import StoredSweep
from ._stability import UnstableWarning
from .studies import compare, merge_shards, rank, rank_links, run_sweep, structure_differences, sweep
from .sensitivity import sensitivity  # es.sensitivity is the function; `from eslabon.sensitivity import` reaches the module
from ._sensitivity_io import read_sensitivity
from ._reference import config_keys, config_schema
from . import plot


def kpi_names() -> list[str]:
    """The KPIs of a run, in the order of ``r.summary()`` (README "What is measured"): what ``kpi=``
    arguments, ``replications={"kpi": ...}`` and sensitivity's ``kpis`` take."""
    from ._core import kpi_names as names

    return list(names())

__all__ = ["ConfigError", "DriftWarning", "PrecisionWarning", "RunLimitExceeded", "WipLimitExceeded",
           "EventLimitExceeded", "TimeLimitExceeded", "Graph", "Model", "Result",
           "StoredResult", "StoredSweep", "read_hdf5", "compare", "rank", "rank_links", "run_sweep", "sweep", "sensitivity",
           "read_sensitivity", "plot", "kpi_names", "structure_differences", "UnstableWarning", "merge_shards",
           "config_keys", "config_schema"]
