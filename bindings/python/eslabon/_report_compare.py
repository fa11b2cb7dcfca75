"""One results file against another, for ``eslabon report --compare``: the KPIs side by side and their
difference with a 95% CI, paired by replication only when the two runs drew the same random numbers."""
from __future__ import annotations

import math
from typing import Any, Sequence

import pandas as pd

from ._report_html import Raw, para, table, with_ci
from ._report_model import parse, structure


def _t975(df: float) -> float:
    from scipy.stats import t

    return float(t.ppf(0.975, df))


def config_text(r: Any) -> str:
    text = getattr(r, "config_text", None)
    return text if text is not None else r.model.config_text


def pairing(base: Any, other: Any) -> tuple[list[int], str]:
    """The replication indices the difference may be paired on (empty: unpaired), and why.

    Draws are addressed by the names of flows, units, tasks and handoffs and by the seed and the
    replication's index (models/engine/draws.hpp), so replication i of two runs with the same seed
    and the same names saw the same customers and service times (common random numbers) whatever
    else differs; otherwise the two runs are independent samples."""
    if base.seed != other.seed:
        return [], f"the two runs have different seeds ({base.seed} and {other.seed}), so they are independent samples"
    sa, sb = structure(parse(config_text(base))), structure(parse(config_text(other)))
    if sa is None or sb is None:
        return [], "the configuration of one of the runs could not be read, so the two are treated as independent"
    if sa != sb:
        what = [name for name, a, b in zip(("units", "flows or tasks", "weak links"), sa, sb) if a != b]
        return [], (f"the two models differ in their {' and '.join(what)}, so their random numbers differ "
                    f"and the runs are independent samples")
    ra, rb = set(base.replications["replication"]), set(other.replications["replication"])
    common = sorted(ra & rb)
    if len(common) < 2:
        return [], "the two runs share fewer than two replications, so they are treated as independent"
    return [int(i) for i in common], (f"the two runs share their seed ({base.seed}) and the names of their units, "
                                       f"flows, tasks and weak links, so replication i of one saw the same random "
                                       f"numbers as replication i of the other (common random numbers)")


def _paired(b: Any, o: Any) -> tuple[float, float, float, int]:
    d = [y - x for x, y in zip(b, o) if not (math.isnan(x) or math.isnan(y))]
    n = len(d)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = sum(d) / n
    if n < 2:
        return mean, math.nan, math.nan, n
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
    h = _t975(n - 1) * sd / math.sqrt(n)
    return mean, mean - h, mean + h, n


def _welch(a: Any, b: Any) -> tuple[float, float, float]:
    """other - base from the two summaries (mean, std, n), with Welch's 95% CI."""
    d = float(b["mean"]) - float(a["mean"])
    na, nb = int(a["n"]), int(b["n"])
    if na < 2 or nb < 2:
        return d, math.nan, math.nan
    va, vb = float(a["std"]) ** 2 / na, float(b["std"]) ** 2 / nb
    se2 = va + vb
    if se2 == 0:
        return d, d, d
    df = se2 ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
    h = _t975(df) * math.sqrt(se2)
    return d, d - h, d + h


def differences(base: Any, other: Any, order: Sequence[str] = ()) -> pd.DataFrame:
    """other - base for every KPI the two runs share (those in `order` first): index = KPI; columns
    diff, ci_low, ci_high (95%), n, paired (bool). ``attrs["why"]`` says why it is paired or not."""
    common, why = pairing(base, other)
    sa, sb = base.summary(), other.summary()
    kpis = [k for k in dict.fromkeys([*order, *sa.index]) if k in sa.index and k in sb.index
            and int(sa.loc[k, "n"]) > 0 and int(sb.loc[k, "n"]) > 0]
    if common:
        ra = base.replications.set_index("replication").loc[common]
        rb = other.replications.set_index("replication").loc[common]
    rows = {}
    for k in kpis:
        if common and k in ra.columns and k in rb.columns:
            rows[k] = [*_paired(ra[k].astype(float).tolist(), rb[k].astype(float).tolist()), True]
        else:
            a, b = sa.loc[k], sb.loc[k]
            rows[k] = [*_welch(a, b), min(int(a["n"]), int(b["n"])), False]
    df = pd.DataFrame.from_dict(rows, orient="index", columns=["diff", "ci_low", "ci_high", "n", "paired"])
    df.index.name = "kpi"
    df.attrs["why"] = why
    df.attrs["replications"] = len(common)
    return df


def compare_parts(base: Any, other: Any, base_label: str, other_label: str, order: Sequence[str]) -> list[str]:
    """The "compare" section's parts: the method in words, then one row per KPI the two runs share."""
    d = differences(base, other, order)
    paired, why = bool(d.attrs["replications"]), d.attrs["why"]
    if paired:
        method = (f"The difference is paired: {why}. It is the mean over the {d.attrs['replications']} shared "
                  f"replications of (other − base) in each, with a Student-t 95% CI on those differences; pairing "
                  f"removes the noise the two runs share, so the interval is narrower than two independent runs "
                  f"would give.")
    else:
        method = (f"The difference is unpaired: {why}. It is other − base with Welch's 95% CI (the two means' "
                  f"standard errors combined, without assuming equal variances). To get a paired comparison, which "
                  f"needs fewer replications for the same precision, run both with the same seed and the same "
                  f"names of units, flows, tasks and links (as eslabon compare does).")
    sa, sb = base.summary(), other.summary()
    rows = []
    for k, r in d.iterrows():
        a, b = sa.loc[k], sb.loc[k]
        clear = "–" if math.isnan(r["ci_low"]) else ("yes" if r["ci_low"] > 0 or r["ci_high"] < 0 else "no")
        rows.append([k, with_ci(a["mean"], a["ci_low"], a["ci_high"]), with_ci(b["mean"], b["ci_low"], b["ci_high"]),
                     with_ci(r["diff"], r["ci_low"], r["ci_high"]), clear])
    kind = "paired" if paired else "unpaired (Welch)"
    return [para(f"Base: {base_label}. Other: {other_label}."), para(method),
            table(["KPI", "base [95% CI]", "other [95% CI]", f"other − base, {kind} [95% CI]",
                   "clear difference (CI excludes 0)"], rows, numeric=(1, 2, 3)),
            Raw(f'<p class="ci">{len(rows)} KPIs shared by both runs; difference {kind}.</p>')]
