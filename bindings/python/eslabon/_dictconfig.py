"""Python values as config YAML (README "In Python and Jupyter"): what ``Model.from_dict`` and
``with_changes`` take, i.e. what pandas and numpy hand over.

Numbers (Python's, numpy's, Decimal), bools (numpy's too), None, str (any unicode), dates (for
``calendar_start``), timedeltas (as durations in seconds), dicts, lists, tuples and numpy arrays; anything
else is a TypeError that names where it is (``config["units"]["sales"]["servers"]``). The text is YAML in
flow style (JSON's shape, one entry per line), with ``.inf``/``.nan`` for the infinities and NaN.

The loader's limits hold for a dict as for a file (README "Limits"): nesting at most 64 deep, and a dict
or list used in several places (what a YAML alias makes) repeating at most 100000 values in all; past them, a ConfigError names the dict path, before any text is written out.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import _core
from ._args import ConfigError, _quote, type_name


_MAX_DEPTH, _MAX_REPEATED = (_core.input_limits()[k] for k in ("yaml_depth", "alias_nodes"))  # the loader's


class _Walk:
    """What to_yaml has seen: the dicts and lists written (kept alive, so that no id is reused) and
    how many values those met again have repeated."""

    def __init__(self) -> None:
        self.seen: dict[int, Any] = {}
        self.repeated = 0


def to_yaml(value: Any, where: str = "config", indent: int | None = 1) -> str:
    """``value`` as YAML text; ``indent`` None writes it on one line. ``where`` names it in a TypeError,
    or in a ConfigError past the loader's limits (README "Limits")."""
    out: list[str] = []
    _emit(value, where, out, 0, indent, _Walk(), False)
    return "".join(out)


def _emit(value: Any, where: str, out: list[str], depth: int, indent: int | None, walk: _Walk,
          again: bool) -> None:
    container = isinstance(value, (Mapping, list, tuple)) or (isinstance(value, np.ndarray) and value.ndim > 0)
    if container:
        if depth >= _MAX_DEPTH:
            raise ConfigError(f"{where}: expected dicts and lists nested at most {_MAX_DEPTH} deep, "
                              "got deeper (README \"Limits\")")
        again = again or id(value) in walk.seen
        walk.seen.setdefault(id(value), value)
    if again:
        walk.repeated += 1
        if walk.repeated > _MAX_REPEATED:
            raise ConfigError(f"{where}: expected dicts and lists used in several places to repeat at most "
                              f"{_MAX_REPEATED} values in all, got more (README \"Limits\")")
    if isinstance(value, Mapping):
        items = list(value.items())
        _open_close("{", "}", items, where, out, (depth, indent), walk, again, mapping=True)
    elif container:
        _open_close("[", "]", list(enumerate(value)), where, out, (depth, indent), walk, again, mapping=False)
    elif hasattr(value, "tolist") and not isinstance(value, (np.generic, np.ndarray)):  # a pandas Series, Index
        _emit(list(value.tolist()), where, out, depth, indent, walk, again)
    else:
        out.append(scalar(value, where))


def _open_close(open_: str, close: str, items: list[tuple[Any, Any]], where: str, out: list[str],
                layout: tuple[int, int | None], walk: _Walk, again: bool, mapping: bool) -> None:
    depth, indent = layout
    if not items:
        out.append(open_ + close)
        return
    pad = "" if indent is None else "\n" + " " * (indent * (depth + 1))
    out.append(open_)
    for n, (k, v) in enumerate(items):
        out.append(("," if n else "") + (pad or (" " if n else "")))
        if mapping:
            key = _key(k, where)
            out.append(json.dumps(key, ensure_ascii=False) + ": ")
            _emit(v, f"{where}[{_quote(key)}]", out, depth + 1, indent, walk, again)
        else:
            _emit(v, f"{where}[{k}]", out, depth + 1, indent, walk, again)
    out.append(("" if indent is None else "\n" + " " * (indent * depth)) + close)


def _key(k: Any, where: str) -> str:
    if isinstance(k, str):
        return str(k)
    if isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, (bool, np.bool_)):
        return str(int(k))
    raise TypeError(f"{where}: expected str keys, got the key {type_name(k)}")


def scalar(value: Any, where: str) -> str:
    """One value as a YAML scalar."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if value is None:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, (numbers.Integral, np.integer)):
        return str(int(value))
    if isinstance(value, (np.floating, numbers.Real)):
        # float32 0.1 is 0.1 as numpy prints it, not 0.10000000149011612
        x = float(str(value)) if isinstance(value, np.floating) and value.dtype.itemsize < 8 else float(value)
        return ".nan" if math.isnan(x) else ".inf" if x == math.inf else "-.inf" if x == -math.inf else repr(x)
    if isinstance(value, (dt.timedelta, np.timedelta64)):  # pandas' Timedelta is a timedelta
        seconds = value / np.timedelta64(1, "s") if isinstance(value, np.timedelta64) else value.total_seconds()
        return f'"{float(seconds)!r}s"'
    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[s]").item()
    if isinstance(value, dt.datetime):  # pandas' Timestamp too; the config's form YYYY-MM-DDTHH:MM
        text = value.strftime("%Y-%m-%dT%H:%M") if value.second == 0 and value.microsecond == 0 else value.isoformat()
        return json.dumps(text)
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    raise TypeError(f"{where}: expected a number, str, bool, None, date, timedelta, dict or list, "
                    f"got {type_name(value)}")
