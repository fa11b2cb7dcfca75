#!/bin/sh
# tsan_cli.sh ESLABON SOURCE_DIR   (make test-tsan, after eslabon_thread_tests)
# The eslabon binary built with ThreadSanitizer (halt_on_error=1: a data race ends the process with a
# report and exit 66) on what runs on several threads: a run's replications with every kind of output,
# a sweep's (point, replication) pairs, a sweep stopped by --time-limit, and a run stopped by
# --time-limit and by SIGINT while its workers are busy. Each must end with its documented exit code.
set -u
eslabon=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

expect() {  # expect CODE WHAT COMMAND...
  want=$1 what=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  got=$?
  if [ "$got" -ne "$want" ] || grep -q "ThreadSanitizer" "$work/err"; then
    echo "FAIL: $what: exit $got (expected $want)"
    cat "$work/err"
    failed=1
  else
    echo "ok: $what (exit $got)"
  fi
}

expect 0 "run, 8 replications on 4 threads, every output" \
  "$eslabon" run "$src/configs/weak_link.yaml" --replications 8 --threads 4 --horizon 2w --warmup 1d \
  --orders --events -o "$work/run.h5" --csv "$work/csv" --xlsx "$work/run.xlsx"

cat >"$work/sweep.yaml" <<EOF
model: $src/configs/weak_link.yaml
replications: 3
seed: 5
grid:
  run.horizon: [2500]
  units.production.servers: [3, 4]
  links.purchase->produce.defect: [0.0, 0.05]
scenarios:
  checked: {links.purchase->produce.detect: 0.95, run.horizon: 500, run.warmup: 100}
EOF
expect 0 "sweep, 15 pairs on 4 threads" "$eslabon" sweep "$work/sweep.yaml" --threads 4 -o "$work/sweep.h5"

# A sweep stopped by its time limit keeps its finished pairs (README "Limits"): exit 1.
sed 's/run.horizon: \[2500\]/run.horizon: [200000]/' "$work/sweep.yaml" >"$work/long.yaml"
expect 1 "sweep stopped by --time-limit" "$eslabon" sweep "$work/long.yaml" --threads 2 --time-limit 3 -o "$work/long.h5"

expect 1 "run stopped by --time-limit" \
  "$eslabon" run "$src/configs/chain.yaml" --horizon 1e9 --replications 4 --threads 2 --time-limit 2

# SIGINT while both workers are busy: exit 130, nothing written.
"$eslabon" run "$src/configs/chain.yaml" --horizon 1e9 --replications 4 --threads 2 -o "$work/int.h5" \
  >/dev/null 2>"$work/int.err" &
pid=$!
# SIGINT once it has used 2 s of CPU (its handler is installed by then, however slow the start).
while [ -e "/proc/$pid" ] && [ "$(awk '{print $14 + $15}' "/proc/$pid/stat")" -lt "$((2 * $(getconf CLK_TCK)))" ]; do
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"
got=$?
if [ "$got" -ne 130 ] || ! grep -q "interrupted" "$work/int.err" || grep -q "ThreadSanitizer" "$work/int.err" \
   || [ -e "$work/int.h5" ]; then
  echo "FAIL: run interrupted by SIGINT: exit $got (expected 130, no file)"
  cat "$work/int.err"
  failed=1
else
  echo "ok: run interrupted by SIGINT (exit 130, nothing written)"
fi
exit $failed
