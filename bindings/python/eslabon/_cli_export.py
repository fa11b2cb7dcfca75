"""``eslabon export RESULTS.h5 [--xes log.xes] [--ocel log.json]``: a run file's event log (recorded with
``eslabon run --events``) for process-mining tools, as IEEE XES and OCEL 2.0 JSON (README "Event logs for
process mining"). Exit codes: 0 written; 2 bad input, nothing written; 1 a failure while writing."""
from __future__ import annotations

import argparse
import sys

from ._core import ConfigError


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="eslabon export",
        description="Write the event log of a results file (eslabon run --events -o RESULTS.h5) for process-mining "
                    "tools: IEEE 1849 XES (one trace per order) and OCEL 2.0 JSON (orders, tasks, units and defects "
                    "as objects).")
    p.add_argument("results", metavar="RESULTS.h5", help="a run file written with --events")
    p.add_argument("--xes", metavar="LOG.xes", help="write the log as IEEE XES")
    p.add_argument("--ocel", metavar="LOG.json", help="write the log as OCEL 2.0 JSON")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    from ._cli_report import load
    from ._report_html import check_output
    from .event_log import save
    from ._stored_sweep import StoredSweep

    if not args.xes and not args.ocel:
        raise ConfigError("eslabon export: nothing to write: give --xes LOG.xes, --ocel LOG.json or both")
    source = load(args.results)
    if isinstance(source, StoredSweep):
        raise ConfigError(f"{args.results}: expected a run file with an event log, found a sweep file "
                          f"(sweeps record no events)")
    kept = [(args.results, "the results file itself")]
    targets = []
    for fmt, path in (("xes", args.xes), ("ocel", args.ocel)):
        if path:
            targets.append((fmt, path, check_output(path, kept, f"--{fmt} {path}")))
            kept.append((path, f"the file given to --{fmt}"))
    events = source.events
    if events.empty:
        raise ConfigError(f"{args.results}: no event log in this file (no /events): record one with "
                          f"'eslabon run CONFIG --events -o {args.results}'")
    for fmt, path, target in targets:
        try:
            save(events, target, fmt, **(source._xes_header() if fmt == "xes" else {}))
        except OSError as e:
            print(f"eslabon export: cannot write {path}: {e}", file=sys.stderr)
            return 1
        print(f"{'XES' if fmt == 'xes' else 'OCEL 2.0'} log written to {path}: {events['case'].nunique()} orders, "
              f"{len(events)} events")
    return 0
