#!/usr/bin/env bash
# A sweep of command trials of a trivial program (a /bin/sh script that
# reports its steps and exits) on 2 ranks: how many trials and results per
# second the whole machinery sustains, and the coordinator's CPU share.
# Then command_launch: one launch's overhead against the program run directly.
#
#   bench/command_trials.sh [BUILD_DIR] [TRIALS] [RANKS]
set -euo pipefail
build=$(realpath "${1:-build}")
trials=${2:-200}
ranks=${3:-2}
work=$(mktemp -d /tmp/rungs-bench-command.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat >trivial.sh <<'SH'
#!/bin/sh
s=$((RUNGS_FROM_RESOURCE + 1))
while [ "$s" -le "$RUNGS_TO_RESOURCE" ]; do
  echo "{\"step\": $s, \"loss\": 0.$s}" >&3
  read -r verdict <&3
  s=$((s + 1))
done
SH
chmod +x trivial.sh
cat >sweep.yaml <<YAML
name: command-bench
model: {kind: command, argv: [./trivial.sh, "{x}"], metrics: [loss], resume: false}
scheduler: {kind: fifo, max_resource: 3}
sampler: {kind: random, trials: $trials}
training: {threads: 1}
output: {progress_interval: 600s}
space:
  x: {type: float, low: 0, high: 1}
YAML

mpirun=${MPIEXEC:-mpirun}
start=$(date +%s.%N)
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
  "$mpirun" -n "$ranks" "$build/apps/rungs-sweep" --config sweep.yaml --archive a.h5 >log.txt 2>&1
end=$(date +%s.%N)
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
results=$("$build/apps/rungs" export a.h5 --table curves | tail -n +2 | wc -l)
completed=$("$build/apps/rungs" summary a.h5 | grep -o "completed [0-9]*" | head -1 | cut -d' ' -f2)
coordinator=$(grep -o "coordinator thread: .*" log.txt)
sweep_seconds=$(/usr/bin/python3 -c "import h5py; print('%.3f' % h5py.File('a.h5').attrs['wall_seconds'])")
share=$(echo "$coordinator" | sed -E 's/.*\(([0-9.]+)% of a core\).*/\1/')

echo "command trials of a trivial sh program, fifo, 3 steps each, $ranks ranks ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end)"
printf "%-34s %12s\n" "trials completed" "$completed"
printf "%-34s %12s\n" "results (steps) recorded" "$results"
printf "%-34s %12s\n" "sweep seconds (rank 0's clock)" "$sweep_seconds"
printf "%-34s %12.1f\n" "trials/s" "$(awk -v n="$completed" -v s="$sweep_seconds" 'BEGIN { print n / s }')"
printf "%-34s %12.1f\n" "results/s" "$(awk -v n="$results" -v s="$sweep_seconds" 'BEGIN { print n / s }')"
printf "%-34s %11s%%\n" "coordinator thread CPU (of a core)" "$share"
printf "%-34s %12s\n" "mpirun wall seconds (with start-up)" "$wall"
echo
"$build/bench/command_launch" --runs 200 --dir "$work/launch"
