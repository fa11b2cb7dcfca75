"""``eslabon graph CONFIG [--results OUT.h5] [-o FILE.svg|png|dot] [--set PATH=VALUE ...] [--color C]``:
the organisation drawn with Graphviz (README "Drawing the organisation"). Exit codes: 0 written, 2 bad
input (nothing written), 1 failure (Graphviz missing or failing)."""
from __future__ import annotations

import argparse
import os
import sys

from .graph import COLORS, FORMATS, write_atomically


class _BadInput(Exception):
    """A message for exit code 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="eslabon graph",
        description="Draw the organisation: units (sized by servers, coloured by utilisation or, with "
                    "--results, by where the cost of poor quality or the escaped defects began), task "
                    "handoffs as edges as wide as their flow, weak links red and dashed, the external "
                    "customer and the complaint desk. Needs Graphviz's dot for .svg and .png.")
    p.add_argument("config", help="the model's YAML file")
    p.add_argument("--results", metavar="OUT.h5", help="a results file of this model (eslabon run -o)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write: .svg, .png or .dot (the Graphviz text); default CONFIG_STEM.svg "
                        "in the current directory")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="PATH=VALUE",
                   help="Override a config value by path: --set units.production.servers=5")
    p.add_argument("--color", "--colour", choices=COLORS, default=None,
                   help="what the nodes' colour shows (default: utilisation; copq with --results)")
    return p


def _check_output(path: str, kept: list[tuple[str, str]]) -> str:
    """The checks `eslabon run -o` makes (models/output/output_path.cpp, the one implementation),
    after the extension's."""
    label = f"-o {path}"
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in FORMATS:
        raise _BadInput(f"{label}: expected a file ending in .svg, .png or .dot, found "
                        + (f"'.{ext}'" if ext else "no extension"))
    from ._core import ConfigError, check_output_path

    try:
        return check_output_path(path, kept, label)
    except ConfigError as e:
        raise _BadInput(str(e)) from None


def _model(args: argparse.Namespace):  # -> Model
    from ._core import ConfigError
    from .model import Model, load_for_cli

    m = load_for_cli(args.config)
    changes = []
    for text in args.sets:
        path, eq, value = text.partition("=")
        if not eq or not path:  # the words of models/config/overrides.cpp
            raise ConfigError(f"--set {text}: expected PATH=VALUE (e.g. units.production.servers=5), found no '='")
        changes.append((path, value, ""))  # "": the loader names it --set PATH=VALUE
    return Model(m._text, m.source, changes) if changes else m


def _results(path: str, model):  # -> StoredResult
    from ._stored_sweep import StoredSweep
    from .result import read_hdf5

    label = f"--results {path}"
    if os.path.isdir(path):
        raise _BadInput(f"{label}: expected a results file (eslabon run -o), found a directory")
    if not os.path.exists(path):
        raise _BadInput(f"{label}: no such file")
    try:
        results = read_hdf5(path)
    except Exception as e:  # h5py says OSError for a file that is not HDF5, KeyError for a foreign one
        raise _BadInput(f"{label}: expected a results file of eslabon run -o, cannot read it ({e})") from None
    if isinstance(results, StoredSweep):
        raise _BadInput(f"{label}: expected a run's results file (eslabon run -o), found a sweep file")
    if "config" not in results.attrs or results.summary().empty:
        raise _BadInput(f"{label}: expected a results file of eslabon run -o, found an HDF5 file without one")
    if results.name != model.name:
        raise _BadInput(f"{label}: holds results of model '{results.name}', not of '{model.name}' "
                        f"({model.source}); run this config with -o to get its results")
    units = set(results.units["unit"]) if "unit" in results.units else set()
    if units != set(model.units):
        raise _BadInput(f"{label}: its units ({', '.join(sorted(units))}) are not the model's "
                        f"({', '.join(sorted(model.units))}); run this config with -o to get its results")
    return results


def main(argv: list[str]) -> int:
    from ._core import ConfigError

    args = _parser().parse_args(argv)
    output = args.output or os.path.splitext(os.path.basename(args.config))[0] + ".svg"
    try:
        kept = [(args.config, "the config file itself")] + ([(args.results, "the results file")] if args.results else [])
        target = _check_output(output, kept)
        model = _model(args)
        if args.color in ("copq", "escaped") and not args.results:
            raise _BadInput(f"--color {args.color} needs --results OUT.h5 (a run of this model: eslabon run -o)")
        results = _results(args.results, model) if args.results else None
        graph = model.graph(results=results, color=args.color)
    except (_BadInput, ConfigError) as e:
        print(e, file=sys.stderr)
        return 2
    ext = os.path.splitext(output)[1].lower().lstrip(".")
    try:
        data = graph.dot.encode() if ext == "dot" else graph.render(ext)
    except RuntimeError as e:
        print(f"eslabon graph: {e}", file=sys.stderr)
        return 1
    try:
        write_atomically(target, data)
    except OSError as e:
        print(f"eslabon: writing {output} failed: {e}", file=sys.stderr)
        return 1
    print(f"graph written to {output}")
    return 0
