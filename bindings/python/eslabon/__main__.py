"""``python -m eslabon COMMAND ARGS...``: the commands of the eslabon CLI that are written in Python
(graph, report, sensitivity, export). The ``eslabon`` binary forwards them here, so ``eslabon graph ...``
and ``python -m eslabon graph ...`` are the same command.

Each command is the module ``eslabon._cli_<command>`` with ``main(argv: list[str]) -> int``; exit
codes are the CLI's: 0 success, 2 bad input (nothing written), 1 failure, 130 interrupted.
"""
from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "graph": "Draw the organisation (units, handoffs, weak links) with Graphviz",
    "report": "Write a self-contained HTML report of a results file",
    "sensitivity": "Morris and Sobol sensitivity of KPIs to chosen parameters",
    "export": "Write a run's event log for process mining (IEEE XES, OCEL 2.0 JSON)",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] not in COMMANDS:
        listing = "\n".join(f"  {name:<12} {text}" for name, text in COMMANDS.items())
        print(f"usage: python -m eslabon COMMAND [ARGS...]\n\ncommands:\n{listing}", file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    command, args = argv[0], argv[1:]
    try:
        module = importlib.import_module(f"eslabon._cli_{command}")
    except ModuleNotFoundError as e:
        if e.name != f"eslabon._cli_{command}":
            raise
        print(f"eslabon: {command} is not available in this build", file=sys.stderr)
        return 1
    from ._core import ConfigError

    try:
        return int(module.main(args) or 0)
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"eslabon {command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
