#!/usr/bin/env bash
# End-to-end cases: run the built binaries as a user would and check exit
# codes, messages and files. Usage: e2e.sh CASE (CTest passes the paths).
set -uo pipefail

: "${RUNGS:?path of the rungs binary}" "${RUNGS_SWEEP:?path of rungs-sweep}"
: "${MPIEXEC:?path of mpiexec}" "${SOURCE_DIR:?source tree}" "${WORK:?scratch folder}"
case_name=$1
# Debian's interpreter, which has python3-h5py (a pyenv python3 may not).
PYTHON=${PYTHON:-/usr/bin/python3}
dir="$WORK/$case_name"
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }

# expect_error PATTERN CMD...: CMD exits non-zero and its stderr matches PATTERN.
expect_error() {
  local pattern=$1; shift
  "$@" >out.txt 2>err.txt
  local rc=$?
  [ "$rc" -ne 0 ] || fail "expected a non-zero exit from: $*"
  grep -Eq -- "$pattern" err.txt || fail "stderr lacks /$pattern/: $(cat err.txt)"
  # One line of ours, once (not once per rank); mpiexec may add its own banner.
  [ "$(grep -c '^rungs' err.txt)" -eq 1 ] || fail "expected exactly one error line: $(cat err.txt)"
}

sweep() { "$MPIEXEC" -n "${RANKS:-1}" "$RUNGS_SWEEP" "$@"; }

make_data() {
  "$RUNGS" data synth --out data.h5 --train-rows 300 --val-rows 100 --features 6 --classes 3 \
    >/dev/null || fail "data synth failed"
}

# A valid small config; extra lines are appended to it.
write_config() {
  cat >sweep.yaml <<YAML
name: ${NAME:-e2e}
seed: 1
data: {path: data.h5}
scheduler: {kind: asha, eta: 3, min_resource: 1, max_resource: 3}
sampler: {kind: random, trials: 4}
training: {threads: 1, device: cpu}
output: {progress_interval: 1s}
YAML
  local default_space='space:
  lr: {type: float, low: 1.0e-3, high: 1.0e-1, log: true}'
  printf '%s\n' "${SPACE:-$default_space}" >>sweep.yaml
}

no_archive() { [ ! -e a.h5 ] || fail "a half-written archive was left at a.h5"; }

case "$case_name" in
  sweep_and_summary)
    make_data; write_config
    RANKS=2 sweep --config sweep.yaml --archive runs/a.h5 >log.txt 2>&1 || fail "sweep: $(cat log.txt)"
    grep -q "finished" log.txt || fail "no final line: $(cat log.txt)"
    grep -q "running .* | completed" log.txt || fail "no progress line: $(cat log.txt)"
    grep -q $'\r' log.txt && fail "carriage returns in a batch log"
    "$RUNGS" summary runs/a.h5 >summary.txt || fail "summary failed"
    grep -q "sweep e2e" summary.txt || fail "summary: $(cat summary.txt)"
    grep -q "trials: 4" summary.txt || fail "summary: $(cat summary.txt)"
    grep -q "best: trial" summary.txt || fail "summary: $(cat summary.txt)"
    [ -z "$(ls runs/a.h5.tmp* 2>/dev/null)" ] || fail "temporary archive files left behind"
    ;;
  help)
    "$RUNGS_SWEEP" --help | grep -q -- "--config" || fail "rungs-sweep --help"
    "$RUNGS" --help | grep -q "summary" || fail "rungs --help"
    "$RUNGS" data synth --help | grep -q -- "--out" || fail "rungs data synth --help"
    expect_error "unknown command" "$RUNGS" frobnicate
    expect_error "required" "$RUNGS_SWEEP" --config x.yaml
    ;;
  unknown_key)
    make_data; write_config; echo "schedular: {eta: 3}" >>sweep.yaml
    expect_error "sweep.yaml:[0-9]+.*unknown key 'schedular'.*scheduler" sweep --config sweep.yaml --archive a.h5
    no_archive
    ;;
  unknown_override)
    make_data; write_config
    expect_error "--set scheduler.etaa=4.*unknown key.*eta" \
      sweep --config sweep.yaml --archive a.h5 --set scheduler.etaa=4
    no_archive
    ;;
  log_range_low_not_positive)
    make_data; SPACE="space:
  lr: {type: float, low: 0.0, high: 0.1, log: true}" write_config
    expect_error "sweep.yaml:[0-9]+.*lr.*low > 0" sweep --config sweep.yaml --archive a.h5
    no_archive
    ;;
  low_not_below_high)
    make_data; SPACE="space:
  dropout: {type: float, low: 0.5, high: 0.1}" write_config
    expect_error "sweep.yaml:[0-9]+.*dropout.*less than high" sweep --config sweep.yaml --archive a.h5
    no_archive
    ;;
  empty_choices)
    make_data; SPACE="space:
  optimizer: {type: categorical, choices: []}" write_config
    expect_error "sweep.yaml:[0-9]+.*optimizer.*empty" sweep --config sweep.yaml --archive a.h5
    no_archive
    ;;
  missing_data)
    write_config
    expect_error "data.h5.*not found.*rungs data synth" sweep --config sweep.yaml --archive a.h5
    no_archive
    ;;
  rows_differ)
    "$PYTHON" - <<'PY' || fail "could not write the bad data set"
import h5py, numpy as np
with h5py.File("data.h5", "w") as f:
    f["train/x"] = np.zeros((10, 4), np.float32); f["train/y"] = np.zeros(9, np.int64)
    f["val/x"] = np.zeros((5, 4), np.float32); f["val/y"] = np.zeros(5, np.int64)
PY
    write_config
    expect_error "data.h5.*10 rows.*9.*/train" sweep --config sweep.yaml --archive a.h5
    no_archive
    ;;
  labels_out_of_range)
    "$PYTHON" - <<'PY' || fail "could not write the bad data set"
import h5py, numpy as np
with h5py.File("data.h5", "w") as f:
    f.attrs["classes"] = 3
    f["train/x"] = np.zeros((10, 4), np.float32); f["train/y"] = np.arange(10, dtype=np.int64) % 3
    f["val/x"] = np.zeros((5, 4), np.float32); f["val/y"] = np.array([0, 1, 2, 7, 1], np.int64)
PY
    write_config
    expect_error "data.h5.*/val/y.* 7 is outside \\[0, 3\\)" sweep --config sweep.yaml --archive a.h5
    no_archive
    ;;
  archive_of_other_sweep)
    make_data; NAME=first write_config
    sweep --config sweep.yaml --archive a.h5 >/dev/null 2>&1 || fail "first sweep failed"
    before=$(md5sum <a.h5)
    NAME=second write_config
    expect_error "a.h5.*different sweep.*first" sweep --config sweep.yaml --archive a.h5 --overwrite
    [ "$(md5sum <a.h5)" = "$before" ] || fail "the other sweep's archive was modified"
    NAME=first write_config
    expect_error "a.h5.*already holds.*--overwrite" sweep --config sweep.yaml --archive a.h5
    [ "$(md5sum <a.h5)" = "$before" ] || fail "the archive was modified without --overwrite"
    sweep --config sweep.yaml --archive a.h5 --overwrite >/dev/null 2>&1 || fail "--overwrite refused"
    ;;
  archive_path_holds_other_file)
    make_data; write_config; echo "precious" >a.h5
    expect_error "a.h5.*not a rungs archive" sweep --config sweep.yaml --archive a.h5 --overwrite
    [ "$(cat a.h5)" = "precious" ] || fail "the user's file was modified"
    ;;
  summary_of_bad_archive)
    echo "not hdf5" >x.h5
    expect_error "x.h5" "$RUNGS" summary x.h5
    expect_error "missing.h5.*(not found|does not exist)" "$RUNGS" summary missing.h5
    ;;
  *) fail "unknown case" ;;
esac
echo "ok ($case_name)"
