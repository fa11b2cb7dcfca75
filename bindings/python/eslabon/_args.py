"""Arguments of the public API checked the way Python checks its own (README "In Python and Jupyter"):
a wrong type is a TypeError, a value out of range or not among the choices is a ConfigError (a
ValueError) that names the argument and lists what it may be. numpy scalars count as what they hold.
"""
from __future__ import annotations

import datetime as dt
import math
import numbers
import operator
import os
import re
from typing import Any, Iterable, Sequence

import numpy as np

from . import _core

ConfigError = _core.ConfigError

# The CLI's --threads range (bindings/cli/options.cpp); 0 and None: one thread per core.
MAX_THREADS = 4096


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """The candidate a slip most likely meant ("" for none), as the C++ loader chooses it."""
    candidates, w = list(candidates), word.lower()
    if len(w) >= 3:
        prefixed = [c for c in candidates if c.lower().startswith(w) and len(c) > len(word)]
        if prefixed:
            return min(prefixed, key=len)
    best, best_d = "", math.inf
    for cand in candidates:
        c = cand.lower()
        before, prev = [0] * (len(c) + 1), list(range(len(c) + 1))
        for i in range(1, len(w) + 1):
            cur = [i] + [0] * len(c)
            for j in range(1, len(c) + 1):
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (w[i - 1] != c[j - 1]))
                if i > 1 and j > 1 and w[i - 1] == c[j - 2] and w[i - 2] == c[j - 1]:
                    cur[j] = min(cur[j], before[j - 2] + 1)
            before, prev = prev, cur
        if prev[len(c)] < best_d:
            best, best_d = cand, prev[len(c)]
    limit = max(1, max(len(word), len(best)) // 3)
    if best_d <= limit or (best and (best.startswith(word) or word.startswith(best)) and len(word) >= 3):
        return best
    return ""


def type_name(value: Any) -> str:
    """How a message names a value's type: ``float 1.5``, ``str '3'``, ``NoneType``."""
    t = type(value).__name__
    if isinstance(value, (bool, int, float, str)) or hasattr(value, "dtype"):
        return f"{t} {value!r}"
    return t


def integer(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int: an int or numpy integer (not a bool, not a float, even 2.0: TypeError, as
    ``range()`` does), from ``low`` to ``high`` (ConfigError)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected an int, got {type_name(value)}")
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"{name}: expected an int, got {type_name(value)}") from None
    if (low is not None and n < low) or (high is not None and n > high):
        want = (f"from {low} to {high}" if low is not None and high is not None
                else f">= {low}" if low is not None else f"<= {high}")
        raise ConfigError(f"{name}: expected an integer {want}, got {n}")
    return n


def number(name: str, value: Any) -> float:
    """A real number (numpy's too; not a bool) as a float; anything else is a TypeError."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a number, got {type_name(value)}")
    return float(value)


def time_limit(value: Any) -> float:
    """``time_limit``: None (0: none), or seconds > 0 as a number or a ``datetime.timedelta``."""
    if value is None:
        return 0.0
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else number("time_limit", value)
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ConfigError(f"time_limit: expected a number of seconds > 0 (or a timedelta), got {value!r}")
    return float(seconds)


def read_config(path: str, what: str = "a YAML file") -> str:
    """The text of the file ``path`` as the CLI reads a config (README "Limits"): FileNotFoundError,
    IsADirectoryError and PermissionError as ``open()`` raises them; ConfigError for a device, a file
    larger than 16 MiB or text that is not UTF-8 (its line, column and byte)."""
    with open(path, "rb") as f:
        return _core.read_config_fd(f.fileno(), path, what)


def threads(value: Any) -> int:
    """``threads``: None or 0 (one per core), else 1 to 4096 workers, as the CLI's --threads."""
    return 0 if value is None else integer("threads", value, 0, MAX_THREADS)


def flag(name: str, value: Any) -> bool:
    """A bool (numpy's too); anything else is a TypeError (``orders="no"`` would be true)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name}: expected True or False, got {type_name(value)}")


def text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a str, got {type_name(value)}")
    return str(value)


def choice(name: str, value: Any, choices: Sequence[str], what: str = "value") -> str:
    """``value`` among ``choices``; else a ConfigError listing them, with a did-you-mean."""
    value = text(name, value)
    if value in choices:
        return value
    hint = did_you_mean(value, choices)
    listing = ", ".join(choices) if choices else "(none)"
    raise ConfigError(f"{name}: unknown {what} {value!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                      + f"; expected one of {listing}")


def path(name: str, value: Any) -> str:
    """A path argument (a str or os.PathLike) as a str; anything else is a TypeError."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name}: expected a str or os.PathLike, got {type_name(value)}")
    return os.fspath(value)


def output(name: str, value: Any, kept: Iterable[tuple[str, str]] = ()) -> str:
    """An output path argument checked by the CLI's rules (README "Where results may be written"), before
    any work: a ConfigError ``NAME=PATH: expected ..., found ...`` (also FileNotFoundError, IsADirectoryError,
    PermissionError, ... when a system call would have failed so: ``output_error``), never one of ``kept``
    [(input file, what it is)]. Returns the path to write."""
    target = path(name, value)
    return _core.check_output_path(target, [(os.fspath(f), w) for f, w in kept if f], f"{name}={target}")


def inputs_of(source: Any) -> list[tuple[str, str]]:
    """The files a write of ``source``'s results must not replace: the results file it was read from (a
    StoredResult's, a StoredSweep's), or the config file its model was loaded from (a run's Result)."""
    if getattr(source, "path", ""):
        return [(os.fspath(source.path), "the results file itself")]
    return config_of(getattr(source, "model", None))


def config_of(model: Any) -> list[tuple[str, str]]:
    """The config file ``model`` was loaded from, as a file a write must not replace (none for a model made
    from a dict or a string)."""
    if model is not None and not getattr(model, "_from_dict", True) and getattr(model, "_source", ""):
        return [(model._source, "the config file itself")]
    return []


_OUTPUT_ERRORS: dict[type, type] = {}


def output_error(code: int, message: str, filename: str = "") -> Exception:
    """The exception for an output path refused with errno ``code`` (raised by ``_core``'s checks): a
    ConfigError that is also the OSError Python raises for that errno (FileNotFoundError for a missing
    directory, IsADirectoryError, NotADirectoryError, PermissionError, ...), so either ``except`` catches
    it; ``str(e)`` is the message, ``e.errno``, ``e.strerror`` and ``e.filename`` as an OSError's."""
    base = type(OSError(code, ""))
    cls = _OUTPUT_ERRORS.get(base)
    if cls is None:
        cls = _OUTPUT_ERRORS[base] = type(f"Output{base.__name__}", (ConfigError, base), {
            "__module__": "eslabon", "__str__": BaseException.__str__,
            "__doc__": f"An output path refused before any work: an es.ConfigError and a {base.__name__}."})
    e = cls(message)
    e.errno, e.strerror, e.filename = code, os.strerror(code), filename or None
    return e


def kpi(value: Any, name: str = "kpi") -> str:
    """A KPI of README "What is measured"."""
    return choice(name, value, list(_core.kpi_names()), "KPI")


def model_error(e: Any, labels: dict[str, tuple[str, Any]]) -> Any:
    """A ConfigError from loading a model with changes, told in Python words when a change made by the
    package is to blame: ``labels`` maps each such change's label to (its path, the Python value). The
    message then starts with the label (``changes["units.production.servers"]``, ``replications``) and, when
    the error is about a key inside the value (a dict), the subscripts that reach it, instead of repeating
    the config path. Other errors are returned unchanged."""
    where, key, detail = getattr(e, "where", None), getattr(e, "key", None), getattr(e, "detail", None)
    if where not in labels or detail is None:
        return e
    path, value = labels[where]
    if key == path:
        return _with_parts(f"{where}: {detail}", e)
    if key and key.startswith(path + "."):
        sub = subscripts(value, key[len(path) + 1:])
        if sub is not None:
            return _with_parts(f"{where}{sub}: {detail}", e)
    return _with_parts(f"{where}: {key}: {detail}" if key else f"{where}: {detail}", e)


def dict_error(e: Any, config: Any, source: str) -> Any:
    """A ConfigError from loading the YAML that ``Model.from_dict`` wrote for ``config``, told with the dict
    path (``config["units"]["production"]["servers"]: expected ...``) instead of a position in that text."""
    where, key, detail = getattr(e, "where", None), getattr(e, "key", None), getattr(e, "detail", None)
    if where is not None and detail is not None and (where == source or where.startswith(source + ":")):
        return _with_parts(f"config{subscripts(config, key) or '' if key else ''}: {detail}", e)
    match = re.match(re.escape(source) + r"(:\d+:\d+)?: ", str(e))
    return ConfigError("config: " + str(e)[match.end():]) if where is None and match else e


def _with_parts(message: str, e: Any) -> Any:
    new = ConfigError(message)
    new.where, new.key, new.detail = e.where, e.key, e.detail
    return new


def subscripts(root: Any, key: str) -> str | None:
    """The subscripts that reach config path ``key`` (dot-separated; list items by FROM->TO or index) in a
    dict or list ``root``, as ``["units"]["production"]["servers"]``; the part ``root`` does not have is
    added as keys. None when ``root`` is not a container at all."""
    from collections.abc import Mapping

    if not isinstance(root, (Mapping, list, tuple)):
        return None
    parts, out, node = key.split("."), "", root
    i = 0
    while i < len(parts):
        step = None
        # Longest first: a key may hold dots (a scenario's change "links.a->b.defect").
        for j in range(len(parts), i, -1):
            name = ".".join(parts[i:j])
            if isinstance(node, Mapping):
                match = next((k for k in node if str(k) == name), None)
                if match is not None:
                    step, node, i = f"[{_quote(str(match))}]", node[match], j
                    break
            elif isinstance(node, (list, tuple)):
                index = _item(node, name)
                if index is not None:
                    step, node, i = f"[{index}]", node[index], j
                    break
        if step is None:  # not in the dict (a missing key, a default): the rest as keys
            out += "".join(f"[{_quote(p)}]" for p in parts[i:])
            break
        out += step
    return out


def _item(items: Sequence[Any], name: str) -> int | None:
    """The index of the list item the loader calls ``name``: a link FROM->TO, or an index."""
    from collections.abc import Mapping

    for k, item in enumerate(items):
        if isinstance(item, Mapping) and f"{item.get('from')}->{item.get('to')}" == name:
            return k
    if name.isdigit() and int(name) < len(items):
        return int(name)
    return None


def _quote(key: str) -> str:
    """A dict key as Python writes a str in double quotes."""
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
