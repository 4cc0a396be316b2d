#!/usr/bin/env bash
# Runs rungs' ASHA and Optuna's SuccessiveHalvingPruner on the same synthetic
# workload in one go and prints the ratio of their decision rates.
#
#   bench/scheduler_throughput.sh [BUILD_DIR] [PEER_TRIALS] [TRIALS]
#
# BUILD_DIR holds bench/scheduler_throughput and bench/journal_cost (default build-sim). Optuna runs
# PEER_TRIALS trials (default 20000; it slows down as the study grows), rungs
# runs the same count for a like-for-like ratio, then TRIALS (default 1000000).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build-sim}
peer_trials=${2:-20000}
trials=${3:-1000000}
bin=$build/bench/scheduler_throughput
[ -x "$bin" ] || { echo "no $bin: build the scheduler_throughput target first" >&2; exit 1; }
/usr/bin/python3 -c 'import optuna' 2>/dev/null ||
  { echo "Optuna missing: apt-get install -y python3-optuna" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "## rungs, $peer_trials trials"
"$bin" --trials "$peer_trials" 2>"$tmp/rungs_small.txt"
echo
echo "## Optuna, $peer_trials trials"
/usr/bin/python3 "$here/optuna_asha.py" --trials "$peer_trials" 2>"$tmp/optuna.txt"
echo
echo "## rungs, $trials trials"
"$bin" --trials "$trials" 2>"$tmp/rungs_big.txt"
echo

rate() { sed -n "s/^RESULT mode=$2 .*decisions_per_s=\([0-9.]*\).*/\1/p" "$1"; }
optuna=$(rate "$tmp/optuna.txt" optuna)
echo "## decisions per second, stopping-mode ASHA (the rule Optuna's pruner implements)"
echo
echo "| scheduler | trials | decisions/s | x Optuna |"
echo "|---|---|---|---|"
echo "| Optuna SuccessiveHalvingPruner | $peer_trials | $optuna | 1 |"
for f in rungs_small rungs_big; do
  n=$([ "$f" = rungs_small ] && echo "$peer_trials" || echo "$trials")
  for mode in stopping promotion; do
    r=$(rate "$tmp/$f.txt" "$mode")
    echo "| rungs ASHA $mode | $n | $r | $(awk -v a="$r" -v b="$optuna" 'BEGIN{printf "%.0f", a/b}') |"
  done
done

# What durability adds per report: the coordinator journals every event and
# fsyncs once per loop iteration (a batch), before it acts on them.
if [ -x "$build/bench/journal_cost" ]; then
  echo
  echo "## journal cost per report (append + share of the batch's fsync), in $tmp (set TMPDIR to the archive's file system)"
  echo
  "$build/bench/journal_cost" --dir "$tmp" --seconds 1
fi
