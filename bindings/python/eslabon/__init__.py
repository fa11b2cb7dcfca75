"""eslabon: discrete-event simulation of organisational value chains.

    import eslabon as es
    m = es.Model.from_yaml("configs/weak_link.yaml")
    r = m.run(replications=20, seed=1)
    r.summary()                                   # KPIs with 95% confidence intervals
    es.compare(m, m.with_changes({"units.production.servers": 5}))
    es.rank(m, kpi="copq_per_order", shapley=True)
    es.run_sweep("sweep.yaml", "sweep.h5")        # a sweep file, as `eslabon sweep -o`
    es.read_hdf5("out.h5")                        # a run file, or a sweep file (StoredSweep)
"""
from ._core import ConfigError, WipLimitExceeded
from .model import Model
from ._precision import PrecisionWarning
from .result import DriftWarning, Result, StoredResult, StoredSweep, read_hdf5
from .studies import compare, rank, rank_links, run_sweep, sweep
from . import plot

__all__ = ["ConfigError", "DriftWarning", "PrecisionWarning", "WipLimitExceeded", "Model", "Result", "StoredResult",
           "StoredSweep", "read_hdf5", "compare", "rank", "rank_links", "run_sweep", "sweep", "plot"]
