#!/usr/bin/env bash
# Epoch throughput, rungs against PyTorch eager, side by side in one run:
# the same model, data, batch size (32), optimizer (Adam, lr 1e-3) and
# epoch (train pass + validation metrics, no checkpoint), one thread each,
# the same LibTorch 1.13 and BLAS (Debian's). A rep runs rungs, then
# PyTorch, each for a workload's epochs (about a second of training), and
# takes each side's median epoch after the first (which warms up); the table
# gives the medians over REPS reps, and the median and range of the reps'
# ratios (each rep's two runs are seconds apart, so a slow spell of the
# machine hits both).
#
#   bench/epoch_throughput.sh [BUILD_DIR] [REPS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
reps=${2:-5}
rungs=$build/apps/rungs
bin=$build/bench/epoch_throughput
[ -x "$bin" ] || { echo "no $bin: build the epoch_throughput target first" >&2; exit 1; }
/usr/bin/python3 -c 'import torch, h5py' 2>/dev/null ||
  { echo "PyTorch missing: apt-get install -y python3-torch python3-h5py" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
synth() { "$rungs" data synth --out "$work/$1.h5" --seed 1 "${@:2}" >/dev/null; }
synth digits --train-rows 1437 --val-rows 360 --features 64 --classes 10
synth rows50k --train-rows 40000 --val-rows 10000 --features 64 --classes 10
synth images --kind images --train-rows 4000 --val-rows 1000 --size 12 --classes 4
synth sinus --kind sinusoids --train-rows 2000 --val-rows 500 --steps 32

# name | file | task | model | epochs | hyperparameters
workloads=(
  "MLP 64-256-256-10, digits-sized (1437 rows)|digits|classification|mlp|31|hidden=256 layers=2"
  "MLP 64-256-256-10, 40000 rows|rows50k|classification|mlp|4|hidden=256 layers=2"
  "CNN 2 blocks 8-16 ch, 1x12x12 images (4000)|images|classification|cnn|7|conv_layers=2 channels=8"
  "LSTM 32 hidden, 32 steps, per step (2000)|sinus|sequence_regression|rnn|5|hidden=32"
)
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "epoch_throughput: batch 32, Adam, 1 thread, $reps reps of rungs then PyTorch"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| workload | rungs samples/s | PyTorch samples/s | rungs / PyTorch, median (range) | rungs: trial start to first minibatch (ms) |"
echo "|---|---|---|---|---|"
for w in "${workloads[@]}"; do
  IFS='|' read -r name file task model epochs hps <<<"$w"
  sets=()
  for kv in $hps; do sets+=(--set "$kv"); done
  r=(); p=(); s=(); q=()
  for ((i = 0; i < reps; i++)); do
    line=$("$bin" --data "$work/$file.h5" --task "$task" --model "$model" --batch 32 \
             --epochs "$epochs" "${sets[@]}")
    r+=("$(echo "$line" | cut -d' ' -f2)"); s+=("$(echo "$line" | cut -d' ' -f4)")
    p+=("$(/usr/bin/python3 "$here/epoch_throughput.py" "$work/$file.h5" "$task" "$model" 32 \
             "$epochs" $hps | cut -d' ' -f2)")
    q+=("$(echo "${r[-1]} / ${p[-1]}" | bc -l)")
  done
  rm=$(printf '%s\n' "${r[@]}" | median); pm=$(printf '%s\n' "${p[@]}" | median)
  sm=$(printf '%s\n' "${s[@]}" | median)
  qm=$(printf '%s\n' "${q[@]}" | median)
  qlo=$(printf '%s\n' "${q[@]}" | sort -g | head -1); qhi=$(printf '%s\n' "${q[@]}" | sort -g | tail -1)
  printf '| %s | %.0f | %.0f | %.2fx (%.2f-%.2f) | %.2f |\n' "$name" "$rm" "$pm" "$qm" "$qlo" "$qhi" "$sm"
done
lstm=$(/usr/bin/python3 "$here/lstm_share.py" "$work/sinus.h5")
echo
echo "The LSTM's own forward and backward over one epoch's batches (ATen's kernels, shared by"
echo "both sides): $lstm s; a PyTorch epoch of that workload took $(echo "2000 / $pm" | bc -l | cut -c1-6) s (the last row's median)."
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
