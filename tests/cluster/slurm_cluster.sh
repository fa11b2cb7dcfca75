#!/bin/bash
# configs/cluster/*.sbatch on a real one-node SLURM cluster, compared with a single process.
#
#   tests/cluster/slurm_cluster.sh            (as root; ESLABON_BIN defaults to build/eslabon)
#
# Starts munged, slurmctld and slurmd by hand in a fresh scratch directory (one node, daemons as
# root, process tracking that works in a container), submits the shipped sbatch scripts unchanged on
# a small sweep: sweep.sbatch (2 tasks, srun --mpi=pmix), and sweep_array.sbatch as a 3-task job
# array with merge.sbatch depending on it. It waits for them with a deadline, and checks the files
# they left: the job logs (one rank-0 header, 2 tasks; each array task's shard and its thread count
# from SLURM_CPUS_PER_TASK; the merge), the jobcomp record of the MPI job (COMPLETED, exit 0) and
# the two HDF5 files, which must each equal a single-process `eslabon sweep` of the same sweep file
# in every dataset and attribute except `created`. The daemons are stopped by PID on every exit (trap), and
# anything a job left behind is killed too, so no slurmd/slurmctld/munged/slurmstepd survives the
# script.
#
# Exit 0: passed. 1: failed. 77: this machine cannot run the check (not root, SLURM not installed,
# or the daemons cannot start); the reason is on stderr.
# Environment: ESLABON_BIN, PYTHON (with h5py), JOB_TIMEOUT (seconds, default 120),
# KEEP_SCRATCH=1 (keep the scratch directory even on success; it is always kept on failure).
# shellcheck disable=SC2317  # down and finish run from the EXIT trap
# shellcheck disable=SC2086  # $left is a list of PIDs, split on purpose
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SBATCH_SCRIPT=$ROOT/configs/cluster/sweep.sbatch
ARRAY_SCRIPT=$ROOT/configs/cluster/sweep_array.sbatch
MERGE_SCRIPT=$ROOT/configs/cluster/merge.sbatch
ESLABON_BIN=$(realpath -m "${ESLABON_BIN:-$ROOT/build/eslabon}")
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3; [ -x "$ROOT/.venv/bin/python" ] && PYTHON=$ROOT/.venv/bin/python
fi
JOB_TIMEOUT=${JOB_TIMEOUT:-120}
T0=$SECONDS

say() { echo "slurm_cluster: $*" >&2; }
# slurmstepd double-forks (its parent is PID 1) and clears its environment, so it is recognised by
# its open files in the scratch directory, noted while the job runs.
uses_scratch() {                                # PID $1 has a file open under $D
  local f
  for f in "/proc/$1/fd/"*; do [[ $(readlink "$f" 2>/dev/null) == "$D/"* ]] && return 0; done
  return 1
}
note_stepds() {
  local p
  for p in $(pgrep -x slurmstepd); do
    case " $STEPDS " in *" $p "*) continue ;; esac
    uses_scratch "$p" && STEPDS="$STEPDS $p"
  done
}
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

# ---- can this machine run it? -------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root here (SlurmdUser=root); run as root"
missing=""
for b in munged slurmctld slurmd sbatch squeue sinfo scontrol scancel srun; do
  command -v "$b" >/dev/null || missing="$missing $b"
done
[ -z "$missing" ] || skip "SLURM is not installed (missing:$missing); .ci/bootstrap installs slurmd slurmctld slurm-client munge"
[ -x "$ESLABON_BIN" ] || fail "ESLABON_BIN=$ESLABON_BIN is not an executable"

# Short path: unix sockets (munge, PMIx, Open MPI) must stay under 108 characters.
D=$(mktemp -d /tmp/eslabon-slurm.XXXXXX) || fail "mktemp"
chmod 755 "$D"
PIDS=()
JOBS=""                                         # every job submitted, comma-separated
JOB_DONE=0
STEPDS=""                                       # slurmstepd PIDs seen with files in $D
STATUS=1

# ---- stop everything, always ------------------------------------------------------------------
down() {
  local t=$SECONDS p left
  note_stepds
  if [ -n "$JOBS" ] && [ "$JOB_DONE" = 0 ] && [ ${#PIDS[@]} -eq 3 ] && kill -0 "${PIDS[1]}" 2>/dev/null; then
    timeout 5 scancel ${JOBS//,/ } 2>/dev/null  # jobs still running (a failed wait): cancel them first
  fi
  if [ ${#PIDS[@]} -gt 0 ]; then
    kill -TERM "${PIDS[@]}" 2>/dev/null        # all at once: about 2 s, instead of 5 s one by one
    for _ in $(seq 100); do                    # up to 10 s, then SIGKILL
      left=""; for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
      [ -z "$left" ] && break; sleep 0.1
    done
    [ -n "$left" ] && { say "SIGKILL to$left"; kill -KILL $left 2>/dev/null; }
  fi
  # Everything started from here carries ESLABON_SLURM_CI=$D (the daemons and their helpers, the
  # job's tasks through sbatch's exported environment): kill what is left of it, by PID.
  unset ESLABON_SLURM_CI                       # so that the tr and grep below do not match
  for _ in 1 2 3; do
    left=""
    for e in /proc/[0-9]*/environ; do
      p=${e#/proc/}; p=${p%/environ}
      [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
      tr '\0' '\n' 2>/dev/null < "$e" | grep -qxF "ESLABON_SLURM_CI=$D" && left="$left $p"
    done
    [ -z "$left" ] && break
    say "killing leftover processes:$left"; kill -KILL $left 2>/dev/null; sleep 0.2
  done
  # The slurmstepds (also one slurmd was starting as it stopped): kill any still running, then give
  # PID 1 up to 5 s to reap them.
  for _ in $(seq 50); do
    note_stepds
    left=""
    for p in $STEPDS; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = slurmstepd ] && left="$left $p"; done
    [ -z "$left" ] && break
    for p in $left; do
      uses_scratch "$p" && kill -KILL "$p" 2>/dev/null
    done
    sleep 0.1
  done
  [ -n "$left" ] && say "slurmstepd$left not reaped yet by PID 1 (exited zombies)"
  say "cluster stopped in $((SECONDS - t)) s"
}
finish() {
  trap - EXIT INT TERM
  down
  if [ "$STATUS" -eq 0 ] && [ "${KEEP_SCRATCH:-0}" != 1 ]; then
    rm -rf "$D"
  else
    if [ "$STATUS" -ne 0 ]; then
      for f in "$D"/log/*.log "$D"/log/*.out "$D"/work/*.out; do
        [ "${f%.out}.log" != "$f" ] && [ -s "${f%.out}.log" ] && continue  # the same lines as the .log
        [ -s "$f" ] && { echo "---- $f (last 30 lines)" >&2; tail -n 30 "$f" >&2; }
      done
    fi
    say "scratch directory kept: $D"
  fi
  say "total $((SECONDS - T0)) s, exit $STATUS"
  exit "$STATUS"
}
trap 'STATUS=$?; finish' EXIT
trap 'STATUS=1; say "interrupted"; exit 1' INT TERM

# ---- the cluster: one node, root daemons, no cgroups, files only under $D -----------------------
mkdir -p "$D"/{etc,munge,state,spool,log,tmp,work}
chmod 755 "$D/munge"                            # munged wants o+x on its socket directory
read -r CTLD_PORT SLURMD_PORT < <("$PYTHON" - <<'PY'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
PY
) || fail "could not pick free ports"
CPUS=$(nproc); OVERRIDE=""
if [ "$CPUS" -lt 2 ]; then CPUS=2; OVERRIDE="SlurmdParameters=config_overrides"; fi  # the script asks for 2 tasks
cat > "$D/etc/slurm.conf" <<CONF
ClusterName=eslabonci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
MailProg=/bin/true
# Not the cgroup plugins: in a container they fail every step while srun and the job report success.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1
MpiDefault=pmix
ReturnToService=2
MinJobAge=300
KillWait=5
$OVERRIDE
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export ESLABON_SLURM_CI=$D SLURM_CONF=$D/etc/slurm.conf TMPDIR=$D/tmp

t=$SECONDS
dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$D/munge/munge.key"
munged -F --key-file="$D/munge/munge.key" --socket="$D/munge/munge.socket" \
       --pid-file="$D/munge/munged.pid" --log-file="$D/log/munged.log" \
       --seed-file="$D/munge/munged.seed" </dev/null >>"$D/log/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do [ -S "$D/munge/munge.socket" ] && break; sleep 0.1; done   # up to 30 s
[ -S "$D/munge/munge.socket" ] || skip "munged did not start; see $D/log"
slurmctld -D -i -f "$SLURM_CONF" </dev/null >>"$D/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" </dev/null >>"$D/log/slurmd.out" 2>&1 &
PIDS+=($!)
up=0
while [ $((SECONDS - t)) -lt 30 ]; do
  for p in "${PIDS[@]}"; do
    kill -0 "$p" 2>/dev/null || skip "a SLURM daemon (PID $p) died at start; see $D/log"
  done
  [ "$(timeout 3 sinfo -h -n localhost -o %T 2>/dev/null)" = idle ] && { up=1; break; }
  sleep 0.1
done
[ $up = 1 ] || skip "the SLURM node is not idle after 30 s; see $D/log"
say "cluster up in $((SECONDS - t)) s (ports $CTLD_PORT, $SLURMD_PORT; $D)"

# ---- a small sweep (like small_sweep in tests/python/test_sweep_cli.py) --------------------------
W=$D/work
sed 's/horizon: 20000, warmup: 2000/horizon: 3000, warmup: 300/' "$ROOT/configs/weak_link.yaml" > "$W/model.yaml"
grep -q 'horizon: 3000, warmup: 300' "$W/model.yaml" || fail "configs/weak_link.yaml changed: could not shorten its horizon"
cat > "$W/sweep.yaml" <<'YAML'
model: model.yaml
replications: 4
seed: 7
grid:
  units.production.servers: [3, 4]
  links.purchase->produce.defect: [0.0, 0.05]
scenarios:
  outsourced_qc: {links.purchase->produce.detect: 0.95}
YAML

# ---- submit the shipped scripts as a user would, and wait with a deadline ------------------------
t=$SECONDS
JOB=$(cd "$W" && ESLABON_BIN=$ESLABON_BIN SWEEP=sweep.yaml OUT=results/slurm.h5 \
      timeout 30 sbatch --parsable "$SBATCH_SCRIPT") || fail "sbatch refused sweep.sbatch"
JOB=${JOB%%;*}; JOBS=$JOB
# The same sweep as a job array of 3 shards on one CPU each, and their merge once all succeeded.
ARRAY=$(cd "$W" && ESLABON_BIN=$ESLABON_BIN SWEEP=sweep.yaml OUT=results/array.h5 \
        timeout 30 sbatch --parsable --array=0-2 --cpus-per-task=1 "$ARRAY_SCRIPT") \
  || fail "sbatch refused sweep_array.sbatch"
ARRAY=${ARRAY%%;*}; JOBS=$JOBS,$ARRAY
MERGE=$(cd "$W" && ESLABON_BIN=$ESLABON_BIN OUT=results/array.h5 \
        timeout 30 sbatch --parsable --dependency=afterok:"$ARRAY" "$MERGE_SCRIPT") || fail "sbatch refused merge.sbatch"
MERGE=${MERGE%%;*}; JOBS=$JOBS,$MERGE
say "submitted job $JOB, array $ARRAY and merge $MERGE"
while :; do
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || fail "a SLURM daemon (PID $p) died during the jobs"; done
  note_stepds
  q=$(timeout 5 squeue -h -j "$JOBS" -o '%i %T %r' 2>&1) || { sleep 0.2; continue; }   # a slow reply: ask again
  [ -z "$q" ] && break
  case $q in *DependencyNeverSatisfied*) fail "the merge will never start (a shard failed): $q" ;; esac
  [ $((SECONDS - t)) -lt "$JOB_TIMEOUT" ] || fail "jobs still queued or running after $JOB_TIMEOUT s: $q"
  sleep 0.2
done
JOB_DONE=1
say "jobs $JOBS done in $((SECONDS - t)) s"

# ---- check what it left: files, not exit codes --------------------------------------------------
LOG=$W/eslabon-sweep-$JOB.out                    # the script's own #SBATCH --output
[ -s "$LOG" ] || fail "the job wrote no log $LOG"
comp=$(grep -E "JobId=$JOB( |$)" "$D/log/jobcomp.txt" 2>/dev/null)
echo "$comp" | grep -q "JobState=COMPLETED" || fail "job $JOB did not complete: ${comp:-no jobcomp record}"
echo "$comp" | grep -q "ExitCode=0:0" || fail "job $JOB failed: $comp"
grep -q "eslabon sweep: job $JOB, 2 tasks on 1 node(s)" "$LOG" || fail "the job log lacks the 2-task header"
n=$(grep -c "5 points x 4 replications = 20 pairs" "$LOG")
[ "$n" = 1 ] || fail "expected one rank-0 report in the job log, found $n (did the ranks start without MPI?)"
grep -q "results written to results/slurm.h5" "$LOG" || fail "the job log does not say it wrote results/slurm.h5"
[ -s "$W/results/slurm.h5" ] || fail "the job wrote no HDF5 file"

for i in 0 1 2; do
  TLOG=$W/eslabon-shard-${ARRAY}_$i.out
  [ -s "$TLOG" ] || fail "array task $i wrote no log $TLOG"
  grep -q "task $i of 3, --cpus-per-task 1," "$TLOG" || fail "array task $i: no header in $TLOG: $(cat "$TLOG")"
  grep -q "5 points x 4 replications = 20 pairs (seed 7), on 1 thread$" "$TLOG" \
    || fail "array task $i did not run on 1 thread (SLURM_CPUS_PER_TASK=1): $(cat "$TLOG")"
  grep -q "^shard $i/3: pairs" "$TLOG" || fail "array task $i did not run shard $i/3: $(cat "$TLOG")"
  [ -s "$W/results/array.shards/shard_$i.h5" ] || fail "array task $i wrote no shard file"
done
MLOG=$W/eslabon-merge-$MERGE.out
grep -q "merged 3 shards: 5 points x 4 replications" "$MLOG" 2>/dev/null || fail "the merge job failed: $(cat "$MLOG")"
[ -s "$W/results/array.h5" ] || fail "the merge job wrote no HDF5 file"

(cd "$W" && timeout 120 "$ESLABON_BIN" sweep sweep.yaml -o single.h5 --threads 1 >single.out 2>&1) \
  || fail "the single-process sweep failed: $(cat "$W/single.out")"
"$PYTHON" "$ROOT/tests/cluster/h5_equal.py" "$W/single.h5" "$W/results/slurm.h5" --ignore-attr /created \
  || fail "the SLURM sweep's HDF5 file differs from the single-process one"
say "PASS: sbatch configs/cluster/sweep.sbatch (2 tasks, srun --mpi=pmix) wrote the single-process file"
"$PYTHON" "$ROOT/tests/cluster/h5_equal.py" "$W/single.h5" "$W/results/array.h5" --ignore-attr /created \
  || fail "the job array's merged HDF5 file differs from the single-process one"
say "PASS: sbatch --array=0-2 configs/cluster/sweep_array.sbatch, then merge.sbatch, wrote the single-process file"
STATUS=0
exit 0
