"""Sensitivity spec files (README "Sensitivity"): read with YAML positions, so that a bad setting is
reported as FILE:LINE:COLUMN: KEY: what was expected, like the rest of eslabon's config errors."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Sequence

from . import _args, _core
from .model import load_for_cli
from .sensitivity import Settings, SpecProblem, did_you_mean, settings

KEYS = ["model", "method", "parameters", "kpis", "samples", "levels", "replications", "seed", "bootstrap"]


@dataclass
class Spec:
    path: str
    text: str
    model_path: str
    settings: Settings
    parameters_at: str  # FILE:LINE:COLUMN of the parameters, for a point that fails while running


class _Reader:
    def __init__(self, path: str, root: Any) -> None:
        self.path, self.root = path, root

    def at(self, node: Any) -> str:
        if node is None:
            return self.path
        m = node.start_mark
        return f"{self.path}:{m.line + 1}:{m.column + 1}"

    def node(self, keys: Sequence[Any], key_node: bool = False) -> Any:
        """The deepest node along `keys` (the key's own node with `key_node`, else its value)."""
        node = self.root
        for i, k in enumerate(keys):
            nxt = None
            if node.id == "mapping":
                for kn, vn in node.value:
                    if kn.id == "scalar" and kn.value == str(k):
                        nxt = kn if key_node and i == len(keys) - 1 else vn
            elif node.id == "sequence" and isinstance(k, int) and 0 <= k < len(node.value):
                nxt = node.value[k]
            if nxt is None:
                return node
            node = nxt
        return node

    def fail(self, keys: Sequence[Any], message: str, key_node: bool = False) -> None:
        where = self.at(self.node(keys, key_node))
        raise _core.ConfigError(f"{where}: " + ".".join(str(k) for k in keys) + ": " + message)

    def unique_keys(self, node: Any, keys: Sequence[Any]) -> None:
        seen = set()
        for kn, _ in node.value if node.id == "mapping" else []:
            if kn.value in seen:
                raise _core.ConfigError(f"{self.at(kn)}: " + ".".join([*map(str, keys), kn.value]) + ": duplicate key")
            seen.add(kn.value)


def load_spec(path: str) -> Spec:
    """The spec file at `path`, checked, its model loaded; ConfigError (exit 2) naming file:line:column."""
    import yaml

    if os.path.isdir(path):
        raise _core.ConfigError(f"{path}: expected a sensitivity spec file, found a directory")
    try:
        text = _args.read_config(path, "a sensitivity spec file")  # README "Limits"
    except OSError:
        raise _core.ConfigError(f"{path}: cannot read the file (does it exist?)") from None
    _core.check_yaml_shape(text, path)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        raise _core.ConfigError(f"{where}: {getattr(e, 'problem', None) or e}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise _core.ConfigError(f"{path}:1:1: expected a mapping with model, method, parameters, kpis, got "
                                + ("nothing" if data is None else "a list" if isinstance(data, list) else repr(data)))
    r = _Reader(path, root)
    r.unique_keys(root, [])
    for key in data:
        if key not in KEYS:
            hint = did_you_mean(str(key), KEYS)
            r.fail([key], "unknown key" + (f" (did you mean '{hint}'?)" if hint else "") + "; expected one of "
                   + ", ".join(KEYS), key_node=True)
    if "model" not in data:
        r.fail(["model"], "missing; expected the path of the model config, e.g. model: ../weak_link.yaml")
    if not isinstance(data["model"], str) or not data["model"]:
        r.fail(["model"], "expected the path of the model config, got " + repr(data["model"]))
    model_path = os.path.normpath(os.path.join(os.path.dirname(path), data["model"]))
    if not os.path.isfile(model_path):
        r.fail(["model"], "expected a model config file, found no file " + model_path)
    if "parameters" not in data:
        r.fail(["parameters"], "missing; expected a mapping of config paths to [low, high], e.g. "
               "units.production.servers: [3, 6]")
    r.unique_keys(r.node(["parameters"]), ["parameters"])
    model = load_for_cli(model_path)  # its own errors name its own file
    given = {k: data[k] for k in ("method", "kpis", "samples", "levels", "replications", "seed", "bootstrap") if k in data}
    try:
        s = settings(model, data["parameters"], **given)
    except SpecProblem as e:
        r.fail(e.keys, e.message)
    return Spec(path, text, model_path, s, r.at(r.node(["parameters"])))
