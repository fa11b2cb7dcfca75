"""Sensitivity results in an HDF5 file (``eslabon sensitivity -o OUT.h5``) and back (README "Sensitivity")."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from typing import Any, Mapping, Union

import numpy as np
import pandas as pd

from .result import _read_dataset as _frame

# Attributes of /METHOD kept as numbers (the rest of a frame's attrs are the file's, or its design).
_METHOD_ATTRS = ("samples", "levels", "rows", "points", "drifting")


def _records(columns: Mapping[str, Any]) -> np.ndarray:
    """{column: values} as a compound array: text as fixed-length UTF-8 strings (as the C++ writer stores
    it, so that pandas.read_hdf opens the dataset: README "Results in HDF5"), integers as int64, the rest
    float64."""
    import h5py

    fields, data = [], []
    for name, values in columns.items():
        a = np.asarray(values)
        if a.dtype.kind in "OUS":
            text = [str(v).encode("utf-8") for v in values]
            width = max([1, *map(len, text)])
            fields.append((name, h5py.string_dtype("utf-8", width)))
            data.append(np.array(text, dtype=f"S{width}"))
        elif a.dtype.kind in "iub":
            fields.append((name, np.int64))
            data.append(a.astype(np.int64))
        else:
            fields.append((name, np.float64))
            data.append(a.astype(np.float64))
    out = np.empty(len(data[0]) if data else 0, dtype=fields)
    for (name, _), col in zip(fields, data):
        out[name] = col
    return out


def write_hdf5(frames: Mapping[str, pd.DataFrame], path: str, spec: str = "", config: str = "") -> None:
    """The frames of es.sensitivity (one per method) into `path`, written whole: the temporary file every
    writer uses (``.NAME.tmp-PID``, those of killed processes removed first), renamed over `path` when
    complete."""
    import h5py

    from ._report_html import atomic_path

    first = next(iter(frames.values())).attrs
    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs["methods"] = ",".join(frames)
            f.attrs["kpis"] = ",".join(first["kpis"])
            f.attrs["parameters"] = json.dumps(first["parameters"])
            for key in ("replications", "seed", "bootstrap"):
                f.attrs[key] = int(first[key])
            f.attrs["spec"] = spec
            f.attrs["config"] = config
            f.attrs["created"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            for method, df in frames.items():
                ds = f.create_dataset(method, data=_records({c: df[c].to_numpy() for c in df.columns}))
                for key in _METHOD_ATTRS:
                    if df.attrs.get(key) is not None:
                        ds.attrs[key] = int(df.attrs[key])
                f.create_dataset(f"design/{method}", data=_records(df.attrs["design"]))


def read_sensitivity(path: str | os.PathLike[str]) -> Union[pd.DataFrame, dict[str, pd.DataFrame]]:
    """A file written by ``eslabon sensitivity -o``, as es.sensitivity returned it: one DataFrame (a dict
    {method: frame} for both methods) with the same columns and attrs, design included."""
    import h5py

    out = {}
    with h5py.File(os.fspath(path), "r") as f:
        methods = str(f.attrs["methods"]).split(",")
        for method in methods:
            df = _frame(f[method])
            design = _frame(f["design"][method])
            attrs: dict[str, Any] = {"method": method, "parameters": json.loads(f.attrs["parameters"]),
                                     "kpis": str(f.attrs["kpis"]).split(",")}
            for key in ("replications", "seed", "bootstrap"):
                attrs[key] = int(f.attrs[key])
            for key in _METHOD_ATTRS:
                attrs[key] = int(f[method].attrs[key]) if key in f[method].attrs else None
            attrs["design"] = {c: design[c].tolist() for c in design.columns}
            df.attrs = {k: attrs[k] for k in ("method", "parameters", "kpis", "samples", "levels", "replications",
                                              "seed", "bootstrap", "rows", "points", "drifting", "design")}
            out[method] = df
    return out[methods[0]] if len(methods) == 1 else out
