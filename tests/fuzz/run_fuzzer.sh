#!/bin/sh
# run_fuzzer.sh FUZZER WORK SECONDS CORPUS [SEEDS...]   (FUZZ_SECONDS, when set, wins)
# Fuzzes for SECONDS starting from CORPUS and the SEEDS directories (all read only); new inputs go to WORK/corpus, a crashing or
# hanging input to WORK/ (its path is printed). Exit status: libFuzzer's (0 when nothing was found).
#   -timeout=10      an input that takes longer is a hang (the slowest valid input takes < 1 s)
#   -rss_limit_mb    a run that needs more memory is a failure (the loader should refuse first)
#   -max_len         inputs up to this size (the largest example config is ~10 kB)
set -eu
fuzzer=$1 work=$2 seconds=${FUZZ_SECONDS:-$3}
shift 3
mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=32768 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$@"
