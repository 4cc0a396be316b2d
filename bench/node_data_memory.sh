#!/usr/bin/env bash
# Host memory for the data on one node, 4 ranks: read once per node into a
# shared window (what rungs-sweep does) against each rank reading its own
# copy. Usage: bench/node_data_memory.sh [BUILD_DIR] [RANKS] [ROWS]
set -euo pipefail
build=${1:-build}
ranks=${2:-4}
rows=${3:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/apps/rungs" data synth --out "$work/data.h5" --train-rows "$rows" \
  --val-rows $((rows / 5)) --features 128 --classes 10 >/dev/null
flags=(--oversubscribe)
[ "$(id -u)" -eq 0 ] && flags+=(--allow-run-as-root)
echo "node_data_memory: $ranks ranks on one node, $rows + $((rows / 5)) samples of 128 float32"
echo "(Pss summed over the ranks, after each rank's trainer made its CPU copy)"
echo
echo "| mode | ranks | data arrays (MiB) | node memory for them (MiB) | x the data |"
echo "|---|---|---|---|---|"
for mode in naive shared; do
  mpirun -np "$ranks" "${flags[@]}" -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1 \
    "$build/bench/node_data_memory" --mode "$mode" --data "$work/data.h5"
done
