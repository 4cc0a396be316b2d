#!/usr/bin/env bash
# The slurm/ templates, submitted to a real one-node Slurm as a user would
# (tests/slurm/cluster.sh starts it): a sweep, a self-requeue through a
# graceful stop and through a time limit, a killed rank, and a grid over a
# job array merged by a dependent job. Usage: slurm_ci.sh BUILD_DIR.
# Non-zero on the first failure; the daemons are stopped either way.
set -uo pipefail
build=$(realpath "$1")
source_dir=$(realpath "$(dirname "$0")/../..")
. "$source_dir/tests/slurm/cluster.sh"
RUNGS="$build/apps/rungs"
work=$(mktemp -d /tmp/rungs-slurm-cases.XXXXXX)

fail() {
  echo "FAIL (slurm $case_name): $*" >&2
  for f in "$work"/*/rungs-*.out; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  echo "--- slurmctld.log" >&2
  tail -25 "$cluster_dir/slurmctld.log" >&2
  exit 1
}
cleanup() { stop_cluster; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
trap "exit 1" INT TERM  # through the EXIT trap: the daemons stop either way

start_cluster || exit 1
echo "slurm: one-node cluster up ($(sinfo -h -o '%n %c CPUs %T'))"

# A small CPU sweep of the built-in MLP; extra lines are appended.
write_sweep() {
  cat >sweep.yaml <<YAML
name: ${1}
seed: 3
data: {path: $work/data.h5}
scheduler: {kind: asha, eta: 3, min_resource: 1, max_resource: ${MAX:-9}}
sampler: {kind: random, trials: ${TRIALS:-9}}
training: {threads: 1, device: cpu}
output: {progress_interval: 2s}
space:
  lr: {type: float, low: 1.0e-3, high: 1.0e-1, log: true}
  hidden: {type: int, low: 16, high: 64}
YAML
}

# Each case starts on a node whose previous steps are gone, as a fresh
# allocation would (a step launched while another's slurmstepd is still
# cleaning up can fail to launch; the templates requeue then, see above).
node_quiet() { for _ in $(seq 1 150); do pgrep -x slurmstepd >/dev/null || return 0; sleep 0.2; done; }
# journal_past FILE BYTES: waits (up to a minute) until the sweep is under
# way: its journal has grown past BYTES.
journal_past() {
  for _ in $(seq 1 600); do
    [ -f "$1" ] && [ "$(stat -c %s "$1")" -gt "$2" ] && return 0
    sleep 0.1
  done
}
submit() { node_quiet; sbatch --parsable --export="ALL,RUNGS_BIN=$build/apps,CONFIG=sweep.yaml" "$@"; }

"$RUNGS" data synth --out "$work/data.h5" --train-rows 4000 --val-rows 500 --features 16 --classes 4 \
  >/dev/null || { echo "data synth failed" >&2; exit 1; }

# --- a sweep, as the template is, on 2 ranks -------------------------------
case_name=sweep
mkdir "$work/sweep" && cd "$work/sweep" || exit 1
write_sweep plain
job=$(submit --time=10 "$source_dir/slurm/sweep.sbatch") || fail "sbatch"
state=$(wait_job "$job" 300)
[ "$state" = COMPLETED ] || fail "job $job ended $state"
[ -f runs/plain.h5 ] || fail "no archive named after the sweep: $(ls -R)"
grep -q "sweep plain finished: 9 trials" "rungs-$job.out" || fail "no finish line"
grep -q "^trials: 9 " "rungs-$job.out" || fail "no summary in the log"
grep -q "2 ranks" "rungs-$job.out" || fail "not 2 ranks"
echo "slurm sweep: COMPLETED, runs/plain.h5"

# --- a graceful stop requeues the job, which resumes and completes ---------
case_name=requeue
mkdir "$work/requeue" && cd "$work/requeue" || exit 1
TRIALS=24 MAX=9 write_sweep requeued
job=$(submit --time=10 "$source_dir/slurm/sweep.sbatch") || fail "sbatch"
journal_past runs/requeued.h5.journal 2000
# What the time limit's --signal does: SIGUSR1 to every rank.
scancel --signal=USR1 "$job" || fail "scancel --signal"
state=$(wait_job "$job" 600)
[ "$state" = COMPLETED ] || fail "job $job ended $state"
restarts=$(scontrol show job "$job" -o | grep -o 'Restarts=[0-9]*' | cut -d= -f2)
[ "${restarts:-0}" -ge 1 ] || fail "the job did not requeue itself (Restarts=$restarts)"
grep -q "requeueing job $job" "rungs-$job.out" || fail "no requeue line"
"$RUNGS" summary runs/requeued.h5 | grep -q "^trials: 24 " || fail "not all trials: $("$RUNGS" summary runs/requeued.h5)"
"$RUNGS" export runs/requeued.h5 --table curves | tail -n +2 | cut -d, -f1,2 | sort | uniq -d >dups.txt
[ ! -s dups.txt ] || fail "curve rows recorded twice: $(head -3 dups.txt)"
echo "slurm requeue: stopped, requeued $restarts time(s), COMPLETED, no step recorded twice"

# --- a time limit: the signal, the requeue, as many rounds as it takes ------
case_name=time_limit
mkdir "$work/limit" && cd "$work/limit" || exit 1
# Command trials of a program that takes 1 s per step: about 90 s of work on
# 2 ranks, against a 2-minute limit whose signal comes 40 s (or, Slurm's
# timer being coarse, up to a minute more) before it: after 20 to 80 s.
# (With a 1-minute limit the signal can come while the step is launching.)
cat >slow.sh <<'SH'
#!/bin/sh
s=$((RUNGS_FROM_RESOURCE + 1))
while [ "$s" -le "$RUNGS_TO_RESOURCE" ]; do
  sleep 1
  echo "{\"step\": $s, \"loss\": 0.$s}" >&3
  read -r verdict <&3
  s=$((s + 1))
done
SH
chmod +x slow.sh
cat >sweep.yaml <<YAML
name: limited
model: {kind: command, argv: [$work/limit/slow.sh, "{x}"], metrics: [loss], resume: false}
scheduler: {kind: fifo, max_resource: 3}
sampler: {kind: random, trials: 60}
training: {threads: 1}
output: {progress_interval: 5s}
space:
  x: {type: float, low: 0, high: 1}
YAML
job=$(submit --time=2 --signal=USR1@40 "$source_dir/slurm/sweep.sbatch") || fail "sbatch"
state=$(wait_job "$job" 900)
[ "$state" = COMPLETED ] || fail "job $job ended $state"
restarts=$(scontrol show job "$job" -o | grep -o 'Restarts=[0-9]*' | cut -d= -f2)
[ "${restarts:-0}" -ge 1 ] || fail "the job never requeued itself (Restarts=$restarts)"
grep -q "stopping (signal 10)" "rungs-$job.out" || fail "the limit's signal never came: $(grep rungs: "rungs-$job.out")"
"$RUNGS" summary runs/limited.h5 | grep -q "^trials: 60  completed 60 " || fail "$("$RUNGS" summary runs/limited.h5)"
"$RUNGS" export runs/limited.h5 --table curves | tail -n +2 | cut -d, -f1,2 | sort | uniq -d >dups.txt
[ ! -s dups.txt ] || fail "curve rows recorded twice: $(head -3 dups.txt)"
echo "slurm time limit: --time=2 with --signal=USR1@40, requeued $restarts time(s), COMPLETED, 60 trials, no step twice"

# --- one worker rank killed: the job ends, a resubmission finishes ---------
case_name=killed_rank
mkdir "$work/killed" && cd "$work/killed" || exit 1
TRIALS=24 MAX=9 write_sweep killed
job=$(submit --time=10 "$source_dir/slurm/sweep.sbatch") || fail "sbatch"
journal_past runs/killed.h5.journal 2000
# Rank 1's process: the rungs-sweep whose SLURM_PROCID is 1.
victim=""
for pid in $(pgrep -x rungs-sweep); do
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "SLURM_PROCID=1" && victim=$pid
done
[ -n "$victim" ] || fail "no rank 1 process found"
kill -9 "$victim"
state=$(wait_job "$job" 120)
case "$state" in STILL_*) fail "the job hangs after a rank was killed ($state)" ;; esac
# srun --kill-on-bad-exit ends the step; rank 0 saves what it has (exit 75)
# and the job ends FAILED with the killed task's status.
grep -q "task 1: Killed" "rungs-$job.out" || fail "rank 1 was not the one killed: $(tail -5 "rungs-$job.out")"
[ "$state" = FAILED ] || fail "job $job ended $state after its rank 1 was killed"
killed_state=$state
job2=$(submit --time=10 "$source_dir/slurm/sweep.sbatch") || fail "resubmit"
state=$(wait_job "$job2" 600)
[ "$state" = COMPLETED ] || fail "the resubmission ended $state"
"$RUNGS" summary runs/killed.h5 | grep -q "^trials: 24 " || fail "not all trials after the kill"
echo "slurm killed rank: the job ended $killed_state, the resubmission COMPLETED"

# --- a grid over a 3-task job array, merged by a dependent job -------------
case_name=grid_array
mkdir "$work/grid" && cd "$work/grid" || exit 1
cat >sweep.yaml <<YAML
name: grid
seed: 1
data: {path: $work/data.h5}
scheduler: {kind: fifo, max_resource: 1}
sampler: {kind: grid}
training: {threads: 1, device: cpu}
space:
  lr: {type: float, low: 1.0e-3, high: 1.0e-1, log: true, grid: 4}
  hidden: {type: int, choices: [16, 32, 64]}
YAML
array=$(submit --array=0-2 --ntasks-per-node=1 --time=10 "$source_dir/slurm/grid-array.sbatch") \
  || fail "sbatch --array"
for task in 0 1 2; do
  state=$(wait_job "${array}_$task" 300)
  [ "$state" = COMPLETED ] || fail "array task $task ended $state"
done
merge=""
for _ in $(seq 1 100); do
  merge=$(squeue -h -o '%i %j' | awk '$2 ~ /-merge$/ { print $1 }' | head -1)
  [ -n "$merge" ] || merge=$(ls rungs-*-merge.out 2>/dev/null | head -1 | sed -E 's/rungs-([0-9]+)-merge.out/\1/')
  [ -n "$merge" ] && break
  sleep 0.2
done
[ -n "$merge" ] || fail "no merge job was submitted"
state=$(wait_job "$merge" 120)
[ "$state" = COMPLETED ] || fail "merge job ended $state"
"$RUNGS" summary runs/grid.h5 >summary.txt || fail "no merged archive"
grep -q "^trials: 12 " summary.txt || fail "merged: $(cat summary.txt)"
grep -q "grid shards: 0/3,1/3,2/3 (all)" summary.txt || fail "merged shards: $(cat summary.txt)"
"$RUNGS" export runs/grid.h5 | tail -n +2 | awk -F, '{ print $(NF-1) "," $NF }' | sort | uniq -d >dups.txt
[ ! -s dups.txt ] || fail "a grid point twice: $(cat dups.txt)"
grep -q "^trials: 12 " "rungs-$merge-merge.out" || fail "the merge job printed no summary"
echo "slurm grid array: 3 shards COMPLETED, merged by job $merge: 12 grid points, each once"
echo "slurm: all cases passed"
