#!/usr/bin/env bash
# End-to-end cases: run the built binaries as a user would and check exit
# codes, messages and files. Usage: e2e.sh CASE (CTest passes the paths).
. "$(dirname "$0")/common.sh" "$1"

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

# A refused start leaves nothing behind: no archive, lock or checkpoint folder.
no_archive() {
  [ ! -e a.h5 ] || fail "a half-written archive was left at a.h5"
  [ ! -e a.h5.checkpoints ] || fail "a refused start left a.h5.checkpoints/"
  [ ! -e a.h5.lock ] || fail "a refused start left a.h5.lock"
}

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
  metrics_as_data)
    # Every metric the model declares is recorded; the objective names any.
    make_data; write_config
    printf 'objective: {metric: val_loss}\n' >>sweep.yaml
    sweep --config sweep.yaml --archive a.h5 >log.txt 2>&1 || fail "sweep: $(cat log.txt)"
    "$RUNGS" summary a.h5 >summary.txt || fail "summary failed"
    grep -q "objective: val_loss (min)" summary.txt || fail "summary: $(cat summary.txt)"
    grep -Eq "^  last step: train_loss [0-9.]+ val_loss [0-9.]+ val_accuracy [0-9.]+$" summary.txt \
      || fail "no last-step line: $(cat summary.txt)"
    "$RUNGS" export a.h5 --table curves >curves.csv || fail "export curves"
    [ "$(head -1 curves.csv)" = "trial_id,step,metric,train_loss,val_loss,val_accuracy,seconds" ] \
      || fail "curves header: $(head -1 curves.csv)"
    # The objective column is the val_loss column, row by row.
    awk -F, 'NR > 1 && $3 != $5 { bad = 1 } END { exit bad }' curves.csv \
      || fail "metric differs from val_loss: $(head -3 curves.csv)"
    "$RUNGS" export a.h5 --table trials >trials.csv || fail "export trials"
    head -1 trials.csv | grep -q ",error,train_loss,val_loss,val_accuracy,lr$" \
      || fail "trials header: $(head -1 trials.csv)"
    # A metric the model does not declare: the nearest is suggested.
    rm -rf a.h5 a.h5.journal a.h5.checkpoints; write_config
    printf 'objective: {metric: accuracy}\n' >>sweep.yaml
    expect_error "sweep.yaml:[0-9]+: objective.metric: 'accuracy' is not a valid value \(did you mean 'val_accuracy'\? valid values are: train_loss, val_loss, val_accuracy\)" \
      sweep --config sweep.yaml --archive a.h5
    no_archive
    ;;
  schema1_archive)
    # An archive of schema 1 (written by rungs before metrics were data) is
    # read by summary, export and merge, and refused by a resume.
    cp "$SOURCE_DIR/tests/data/archive_v1.h5" a.h5 || fail "no fixture"
    "$RUNGS" summary a.h5 >summary.txt || fail "summary of schema 1: $(cat summary.txt)"
    grep -q "best: trial 1, val_accuracy 0.8700 after 3 epochs" summary.txt || fail "$(cat summary.txt)"
    grep -q "last step: train_loss 0.3661 val_loss 0.3057 val_accuracy 0.8700" summary.txt \
      || fail "$(cat summary.txt)"
    "$RUNGS" export a.h5 --table curves >curves.csv || fail "export of schema 1"
    [ "$(sed -n 2p curves.csv)" = "0,1,0.79,0.9311919331550598,0.6593834686279297,0.79,0.017457231" ] \
      || fail "curves row: $(sed -n 2p curves.csv)"
    cp a.h5 b.h5
    "$RUNGS" merge a.h5 b.h5 -o m.h5 >merge.txt 2>&1 || fail "merge of schema 1: $(cat merge.txt)"
    "$RUNGS" summary m.h5 | grep -q "trials: 16" || fail "merged: $("$RUNGS" summary m.h5)"
    "$PYTHON" -c "import h5py, sys; f = h5py.File('m.h5'); sys.exit(0 if f.attrs['schema_version'] == 2 and list(f.attrs['metrics']) == ['train_loss', 'val_loss', 'val_accuracy'] and len(f['trials/last/val_accuracy']) == 16 else 1)" \
      || fail "the merged archive is not schema 2 with the three metrics"
    before=$(md5sum a.h5)
    expect_error "a.h5: the archive has schema version 1, written by an older rungs; this build reads it \(rungs summary, export, merge\) but does not continue it \(continue it with the rungs that started it; or pass --overwrite" \
      sweep --resume a.h5
    [ "$(md5sum a.h5)" = "$before" ] || fail "the refused resume changed the archive"
    [ ! -e a.h5.lock ] || fail "the refused resume left a lock"
    ;;
  examples)
    # Every configs/examples/ sweep runs, at a tiny size, on data from rungs data synth.
    synth() { "$RUNGS" data synth --out "$1.h5" --kind "$1" --train-rows 128 --val-rows 32 \
                --size 8 --steps 12 "${@:2}" >/dev/null || fail "synth $1"; }
    synth classification --features 8; synth regression --features 8; synth images; synth sinusoids
    for pair in mlp_classification:classification mlp_regression:regression cnn_images:images \
                rnn_sinusoids:sinusoids; do
      cfg=${pair%%:*}; data=${pair##*:}
      sweep --config "$SOURCE_DIR/configs/examples/$cfg.yaml" --archive "$cfg.h5" \
        --set data.path="$data.h5" --set sampler.trials=3 --set scheduler.max_resource=3 \
        --set training.threads=1 --set training.device=cpu >"$cfg.log" 2>&1 \
        || fail "$cfg: $(cat "$cfg.log")"
      "$RUNGS" summary "$cfg.h5" >"$cfg.txt" || fail "summary of $cfg"
      grep -q "trials: 3 .* failed 0" "$cfg.txt" || fail "$cfg: $(cat "$cfg.txt")"
      grep -q "^  last step: train_loss" "$cfg.txt" || fail "$cfg: $(cat "$cfg.txt")"
    done
    # The grid example: every one of its 3 x 3 x 2 points once.
    sweep --config "$SOURCE_DIR/configs/examples/grid.yaml" --archive grid.h5 \
      --set data.path=classification.h5 --set scheduler.max_resource=1 \
      --set training.threads=1 --set training.device=cpu >grid.log 2>&1 || fail "grid: $(cat grid.log)"
    "$RUNGS" summary grid.h5 | grep -q "trials: 18 .* failed 0" || fail "grid: $("$RUNGS" summary grid.h5)"
    grep -q "objective: val_mse (min)" rnn_sinusoids.txt || fail "$(cat rnn_sinusoids.txt)"
    grep -q "val_r2" mlp_regression.txt || fail "$(cat mlp_regression.txt)"
    # A model that cannot read the data: one line naming the file, the data set and the fix.
    expect_error "classification.h5 \(/train/x\): model cnn reads images x \(N, C, H, W\), but x is \(N, 8\) \(store images as" \
      sweep --config "$SOURCE_DIR/configs/examples/cnn_images.yaml" --archive bad.h5 \
        --set data.path=classification.h5
    [ ! -e bad.h5 ] || fail "a refused start left bad.h5"
    ;;
  data_import)
    # NumPy arrays and a CSV into the layout, checked, then swept.
    "$PYTHON" -c "import numpy" 2>/dev/null || exit 77
    "$PYTHON" - <<'PY' || fail "numpy"
import numpy as np
rng = np.random.default_rng(0)
x = rng.normal(size=(200, 1, 6, 6)).astype("float32")
y = (x.mean(axis=(1, 2, 3)) > 0).astype("int64")
np.save("x.npy", x); np.save("y.npy", y)
np.save("bad_y.npy", np.where(np.arange(200) == 7, np.nan, 0.5).astype("float32"))
with open("t.csv", "w") as f:
    f.write("u,v,target\n")
    for i in range(120):
        f.write(f"{i % 7},{(i * 3) % 11},{(i % 7) * 0.5}\n")
PY
    "$RUNGS" data import --x x.npy --y y.npy --out images.h5 >log.txt || fail "import: $(cat log.txt)"
    grep -q "wrote images.h5: 160 train + 40 val samples" log.txt || fail "$(cat log.txt)"
    "$RUNGS" data info images.h5 | grep -q "/train: x (160, 1, 6, 6) float32; y (160) int64;" \
      || fail "$("$RUNGS" data info images.h5)"
    "$RUNGS" data import --csv t.csv --target target --task regression --out table.h5 >/dev/null \
      || fail "csv import"
    expect_error "bad.h5: /(train|val)/y\[[0-9]+\] is NaN" \
      "$RUNGS" data import --x x.npy --y bad_y.npy --task regression --out bad.h5
    [ ! -e bad.h5 ] || fail "a file that failed the checks was left"
    sweep --config "$SOURCE_DIR/configs/examples/cnn_images.yaml" --archive a.h5 \
      --set data.path=images.h5 --set sampler.trials=2 --set scheduler.max_resource=2 \
      --set training.threads=1 --set training.device=cpu >sweep.txt 2>&1 || fail "$(cat sweep.txt)"
    ;;
  gpu_warning)
    # A node that shows a GPU (faked with CUDA_VISIBLE_DEVICES) to a CPU-only
    # LibTorch: one warning line, not silence, and training goes on.
    make_data; write_config
    CUDA_VISIBLE_DEVICES=0 RANKS=2 sweep --config sweep.yaml --archive a.h5 \
      --set training.device=auto >out.txt 2>err.txt \
      || fail "sweep: $(cat err.txt)"
    if [ "$(grep -c "rungs-sweep: warning: this node shows 1 GPU but" err.txt)" -ne 1 ]; then
      # A CUDA LibTorch on a real GPU node uses the GPU: no warning is right there.
      grep -q "cuda:" a.h5 2>/dev/null || fail "expected one warning line: $(cat err.txt)"
    fi
    grep -q "finished" out.txt || fail "$(cat out.txt)"
    rm -rf a.h5 a.h5.*
    CUDA_VISIBLE_DEVICES=0 sweep --config sweep.yaml --archive a.h5 --set training.device=cpu \
      >out.txt 2>err.txt || fail "sweep: $(cat err.txt)"
    grep -q "warning" err.txt && fail "device: cpu still warned: $(cat err.txt)"
    ;;
  help)
    "$RUNGS_SWEEP" --help | grep -q -- "--config" || fail "rungs-sweep --help"
    "$RUNGS" --help | grep -q "summary" || fail "rungs --help"
    "$RUNGS" data synth --help | grep -q -- "--out" || fail "rungs data synth --help"
    "$RUNGS" data --help | grep -q "synth" || fail "rungs data --help did not print help and exit 0"
    "$RUNGS" simulate --help | grep -q "lognormal-epochs" || fail "simulate --help omits lognormal-epochs"
    expect_error "rungs data" "$RUNGS" data
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
    # Nor a folder it would have created for the archive.
    expect_error "data.h5.*not found" sweep --config sweep.yaml --archive new/a.h5
    [ ! -e new ] || fail "a refused start left the folder new/"
    ;;
  sbatch_bad_config)
    # The batch template, run with srun standing in for Slurm's: after an input
    # error the job log holds rungs-sweep's one line, not a second error.
    mkdir bin
    printf '#!/bin/bash\nwhile [ "${1#--}" != "$1" ]; do shift; done\nexec "$@"\n' >bin/srun
    chmod +x bin/srun
    write_config
    PATH="$PWD/bin:$PATH" SLURM_JOB_NAME=t SLURM_JOB_ID=1 SLURM_JOB_NUM_NODES=1 SLURM_NTASKS=1 \
      RUNGS_BIN=$(dirname "$RUNGS_SWEEP") CONFIG=sweep.yaml \
      expect_error "data.h5.*not found" bash "$SOURCE_DIR/slurm/sweep.sbatch"
    grep -q "not found" out.txt && fail "second error in the job log: $(cat out.txt)"
    [ ! -e runs ] || fail "the template left runs/ after a refused start"
    ;;
  resume_without_journal)
    make_data; NAME=nojournal write_config
    "$RUNGS_SWEEP" --workers 1 --config sweep.yaml --archive a.h5 --set limits.trials=2 \
      >run1.log 2>&1 || fail "first run: $(tail -3 run1.log)"
    grep -q "stopped at limits.trials" run1.log || fail "no limit note: $(tail -3 run1.log)"
    before=$(md5sum <a.h5)
    mv a.h5.journal elsewhere.journal
    # Without its journal the scheduler's state cannot be rebuilt: refuse,
    # and never rewrite the archive with fewer results.
    expect_error "a.h5.journal.*missing.*2 trials" "$RUNGS_SWEEP" --workers 1 --resume a.h5
    expect_error "a.h5.journal.*missing" "$RUNGS_SWEEP" --workers 1 --config sweep.yaml --archive a.h5
    [ "$(md5sum <a.h5)" = "$before" ] || fail "the archive was rewritten"
    mv elsewhere.journal a.h5.journal
    # Temporary files of writers killed mid-write go when the sweep resumes.
    touch a.h5.tmp-99999 a.h5.checkpoints/trial_0.e1.pt.tmp-99999
    "$RUNGS_SWEEP" --workers 1 --resume a.h5 --set limits.trials=4 >run2.log 2>&1 \
      || fail "resume: $(tail -3 run2.log)"
    grep -q "finished: 4 trials" run2.log || fail "resumed sweep: $(tail -3 run2.log)"
    [ ! -e a.h5.tmp-99999 ] && [ ! -e a.h5.checkpoints/trial_0.e1.pt.tmp-99999 ] \
      || fail "leftover temporary files survived the resume"
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
    # The same finished sweep again: nothing to do, nothing touched.
    sweep --config sweep.yaml --archive a.h5 >again.txt 2>&1 || fail "rerun of a finished sweep: $(cat again.txt)"
    grep -q "already finished" again.txt || fail "no 'already finished' note: $(cat again.txt)"
    [ "$(md5sum <a.h5)" = "$before" ] || fail "the archive was modified by a rerun"
    # The same name with another search space is another sweep in disguise.
    NAME=first SPACE="space:
  lr: {type: float, low: 1.0e-2, high: 1.0e-1, log: true}" write_config
    expect_error "a.h5.*another configuration.*--resume" sweep --config sweep.yaml --archive a.h5
    NAME=first write_config
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
  in_process)
    make_data; write_config
    "$RUNGS_SWEEP" --workers 2 --config sweep.yaml --archive a.h5 >log.txt 2>&1 || fail "$(cat log.txt)"
    grep -q "2 workers" log.txt || fail "not 2 workers: $(cat log.txt)"
    "$RUNGS" summary a.h5 | grep -q "trials: 4" || fail "summary: $("$RUNGS" summary a.h5)"
    ;;
  grid_shards)
    make_data
    cat >sweep.yaml <<'YAML'
name: grid
data: {path: data.h5}
scheduler: {kind: fifo, max_resource: 1}
sampler: {kind: grid}
training: {threads: 1, device: cpu}
space:
  optimizer: {type: categorical, choices: [adam, sgd, adamw]}
  hidden: {type: int, choices: [8, 16]}
  lr: {type: float, low: 1.0e-3, high: 1.0e-1, log: true, grid: 2}
YAML
    for i in 0 1 2; do
      "$RUNGS_SWEEP" --workers 1 --shard $i/3 --config sweep.yaml --archive s$i.h5 >log$i.txt 2>&1 \
        || fail "shard $i: $(cat log$i.txt)"
    done
    "$PYTHON" - <<'PY' || fail "shards do not cover the grid exactly once"
import h5py
seen = []
for i in range(3):
    with h5py.File(f"s{i}.h5") as f:
        p = f["trials/params"]
        seen += [(p["optimizer"][k], int(p["hidden"][k]), round(float(p["lr"][k]), 9))
                 for k in range(len(f["trials/trial_id"]))]
assert len(seen) == 12, len(seen)            # 3 optimizers x 2 hidden x 2 lr
assert len(set(seen)) == 12, "overlap between shards"
PY
    # The shards of one grid are one sweep: they merge without --force, and
    # the merged archive says which shards it holds.
    "$RUNGS" merge s0.h5 s1.h5 s2.h5 -o all.h5 >merge.txt 2>&1 || fail "merge of shards: $(cat merge.txt)"
    grep -q "all.h5: 12 trials" merge.txt || fail "merged trials: $(cat merge.txt)"
    "$RUNGS" summary all.h5 >summary.txt || fail "summary of the merge"
    grep -q "grid shards: 0/3,1/3,2/3 (all)" summary.txt || fail "shards line: $(cat summary.txt)"
    grep -q "shard 0/3" summary.txt && fail "the merged archive claims to be shard 0/3: $(cat summary.txt)"
    "$RUNGS" merge s0.h5 s2.h5 -o part.h5 >/dev/null 2>&1 || fail "merge of two shards"
    "$RUNGS" summary part.h5 | grep -q "grid shards: 0/3,2/3 (missing 1/3)" \
      || fail "partial merge: $("$RUNGS" summary part.h5)"
    cp s1.h5 s1copy.h5
    expect_error "s1copy.h5.*shard 1/3.*s1.h5 holds too" "$RUNGS" merge s1.h5 s1copy.h5 -o dup.h5
    expect_error "part.h5.*shard 0/3.*all.h5 holds too" "$RUNGS" merge all.h5 part.h5 -o dup.h5
    "$RUNGS_SWEEP" --workers 1 --shard 1/2 --config sweep.yaml --archive h1.h5 >/dev/null 2>&1 \
      || fail "shard 1/2"
    expect_error "h1.h5.*shard 1/2.*not a part of the 3-way split" "$RUNGS" merge s0.h5 h1.h5 -o f.h5
    [ ! -e dup.h5 ] && [ ! -e f.h5 ] || fail "a refused merge wrote its output"
    # A shard's archive resumes only as that shard.
    expect_error "s0.h5.*holds shard 0/3.*not shard 1/3" \
      "$RUNGS_SWEEP" --workers 1 --shard 1/3 --config sweep.yaml --archive s0.h5
    expect_error "--shard 3/3.*i/n" "$RUNGS_SWEEP" --workers 1 --shard 3/3 --config sweep.yaml --archive x.h5
    # A shard of a random sampler would repeat the other shards' draws.
    write_config
    expect_error "sweep.yaml.*shard" sweep --config sweep.yaml --archive r.h5 --shard 0/2
    [ ! -e r.h5 ] || fail "an archive was written for a refused sweep"
    ;;
  asha_stopping)
    make_data
    cat >sweep.yaml <<'YAML'
name: stopping
seed: 2
data: {path: data.h5}
scheduler: {kind: asha, mode: stopping, eta: 3, min_resource: 1, max_resource: 9}
sampler: {kind: random, trials: 12}
training: {threads: 1, device: cpu}
space:
  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}
YAML
    RANKS=3 sweep --config sweep.yaml --archive a.h5 >log.txt 2>&1 || fail "sweep: $(cat log.txt)"
    "$PYTHON" - <<'PY' || fail "stopping-mode archive is wrong"
import h5py, collections
with h5py.File("a.h5") as f:
    t, c = f["trials"], f["curves"]
    status = [s.decode() if isinstance(s, bytes) else s for s in t["status"][:]]
    assert "stopped" in status and "completed" in status, status
    last = collections.defaultdict(int)
    for tid, step in zip(c["trial_id"][:], c["step"][:]):
        last[int(tid)] = max(last[int(tid)], int(step))
    for i, s in enumerate(status):
        # A stop takes effect at the rung where it was decided: no extra epochs.
        if s == "stopped":
            assert last[i] in (1, 3), (i, last[i])
        if s == "completed":
            assert last[i] == 9, (i, last[i])
PY
    ;;
  simulate)
    write_config  # no data set: the simulator trains nothing
    sim() { "$RUNGS" simulate --config sweep.yaml --workers 3 --durations lognormal --seed 4 \
      --set sampler.trials=20 "$@"; }
    sim --archive runs/a.h5 >log.txt 2>&1 || fail "simulate: $(cat log.txt)"
    grep -q "simulated 3 workers: 20 trials" log.txt || fail "no report: $(cat log.txt)"
    grep -q "virtual makespan .* workers busy" log.txt || fail "no makespan: $(cat log.txt)"
    grep -q "best: trial" log.txt || fail "no summary: $(cat log.txt)"
    "$RUNGS" summary runs/a.h5 >summary.txt || fail "summary failed"
    grep -q "trials: 20" summary.txt || fail "summary: $(cat summary.txt)"
    sim --archive runs/b.h5 >/dev/null 2>&1 || fail "second run failed"
    "$PYTHON" - <<'PY' || fail "simulated archive is wrong"
import h5py, numpy as np
a, b = h5py.File("runs/a.h5"), h5py.File("runs/b.h5")
s = lambda v: v.decode() if isinstance(v, bytes) else v
assert s(a.attrs["hosts"]) == "simulated" and s(a.attrs["devices"]) == "virtual"
assert int(a.attrs["mpi_size"]) == 3
# One curve row per step every trial trained; the same seed gives the same sweep.
assert len(a["curves/step"]) == int(np.sum(a["trials/resource"][:]))
for col in ("curves/trial_id", "curves/step", "curves/metric", "decisions/time"):
    assert np.array_equal(a[col][:], b[col][:]), col
PY
    expect_error "already holds.*--overwrite" sim --archive runs/a.h5
    sim --archive runs/a.h5 --overwrite >/dev/null 2>&1 || fail "--overwrite refused"
    "$RUNGS" simulate --config sweep.yaml --workers 2 --objective branin --archive br.h5 \
      >/dev/null 2>&1 || fail "branin simulation failed"
    "$PYTHON" -c 'import h5py; assert set(h5py.File("br.h5")["trials/params"]) == {"x1", "x2"}' \
      || fail "branin archive lacks params x1, x2"
    expect_error "--curves linear.*power, exp, crossing" sim --curves linear --archive c.h5
    expect_error "--workers must be >= 1" "$RUNGS" simulate --config sweep.yaml --workers 0 --archive c.h5
    [ ! -e c.h5 ] || fail "an archive was written for bad input"
    ;;
  kill_drill_early|kill_drill_mid|kill_drill_rewrite)
    "$RUNGS" data synth --out data.h5 --train-rows 20000 --val-rows 1000 --features 32 --classes 4 \
      >/dev/null || fail "data synth failed"
    "$PYTHON" "$SOURCE_DIR/tests/e2e/kill_drill.py" "${case_name#kill_drill_}" || exit 1
    ;;
  sigterm)
    "$RUNGS" data synth --out data.h5 --train-rows 20000 --val-rows 1000 --features 32 --classes 4 \
      >/dev/null || fail "data synth failed"
    NAME=term write_config
    sed -i 's/trials: 4/trials: 40/; s/max_resource: 3/max_resource: 9/' sweep.yaml
    setsid "$MPIEXEC" -n 3 "$RUNGS_SWEEP" --config sweep.yaml --archive a.h5 >run1.log 2>&1 &
    job=$!
    for _ in $(seq 1 600); do
      [ -s a.h5.journal ] && [ "$(stat -c %s a.h5.journal)" -gt 3000 ] && break
      sleep 0.05
    done
    start=$(date +%s)
    # As Slurm's --signal or scancel --signal do: the signal goes to every rank.
    pkill -TERM -s "$job" -x rungs-sweep
    wait "$job"; rc=$?
    took=$(( $(date +%s) - start ))
    [ "$rc" -eq 75 ] || fail "exit code $rc after SIGTERM, expected 75: $(tail -5 run1.log)"
    [ "$took" -le 10 ] || fail "took $took s to stop"
    grep -q "stopped; everything is saved" run1.log || fail "no stop note: $(tail -5 run1.log)"
    "$PYTHON" -c "import h5py; f = h5py.File('a.h5'); assert f.attrs['state'] in (b'running', 'running')" \
      || fail "archive state after a graceful stop"
    sweep --resume a.h5 >run2.log 2>&1 || fail "resume after SIGTERM: $(tail -5 run2.log)"
    "$RUNGS" summary a.h5 | grep -q "trials: 40 " || fail "resumed sweep: $("$RUNGS" summary a.h5)"
    ;;
  quiet_worker)
    # A worker rank that stops answering (SIGSTOP: as a hung kernel or a lost
    # node looks from rank 0): warned about, given up on, its job run again on
    # rank 0's worker; the sweep finishes and the job ends, never hangs.
    "$RUNGS" data synth --out data.h5 --train-rows 6000 --val-rows 500 --features 16 --classes 4 \
      >/dev/null || fail "data synth failed"
    NAME=quiet write_config
    sed -i 's/trials: 4/trials: 12/; s/max_resource: 3/max_resource: 9/' sweep.yaml
    printf 'limits: {stall_min: 1s, stall_warn: 10, stall_lost: 40}\n' >>sweep.yaml
    RANKS=2 sweep --config sweep.yaml --archive a.h5 >log.txt 2>&1 &
    job=$!
    for _ in $(seq 1 600); do
      [ -s a.h5.journal ] && [ "$(stat -c %s a.h5.journal)" -gt 800 ] && break
      sleep 0.05
    done
    victim=""
    for pid in $(pgrep -x rungs-sweep); do
      tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1" && victim=$pid
    done
    [ -n "$victim" ] || fail "no rank 1 process"
    kill -STOP "$victim"
    wait "$job"; rc=$?
    [ "$rc" -eq 0 ] || fail "exit $rc: $(cat log.txt)"
    grep -q "^worker 1 has sent nothing for .* still waiting$" log.txt || fail "no warning: $(cat log.txt)"
    grep -q "^worker 1 lost: nothing for .* worker 1 gets no more work$" log.txt || fail "not lost: $(cat log.txt)"
    grep -q "sweep quiet finished: 12 trials" log.txt || fail "not finished: $(cat log.txt)"
    grep -q "1 worker was given up on as quiet; ending without waiting for it" log.txt || fail "$(cat log.txt)"
    # Gone, or a zombie waiting for its reaper: not running, not stopped.
    state=$(ps -o stat= -p "$victim" 2>/dev/null || true)
    case "$state" in ""|Z*) ;; *) kill -9 "$victim"; fail "the stopped rank was left behind ($state)" ;; esac
    "$RUNGS" summary a.h5 | grep -q "trials: 12 .* running 0" || fail "$("$RUNGS" summary a.h5)"
    ;;
  full_disk)
    # Checkpoints on a 2 MB tmpfs fill it within a few trials: the sweep ends
    # with one line, exit 3 and a resumable state; with room again it resumes
    # and finishes.
    mkdir small
    mount -t tmpfs -o size=2m tmpfs small 2>/dev/null || { echo "SKIP: cannot mount a tmpfs"; exit 77; }
    trap 'umount "$dir/small" 2>/dev/null' EXIT
    "$RUNGS" data synth --out data.h5 --train-rows 2000 --val-rows 500 --features 64 --classes 4 \
      >/dev/null || fail "data synth failed"
    NAME=full SPACE="space:
  lr: {type: float, low: 1.0e-3, high: 1.0e-1, log: true}
  hidden: {type: int, choices: [256]}" write_config
    sed -i 's/trials: 4/trials: 30/; s/max_resource: 3/max_resource: 9/' sweep.yaml
    RANKS=2 sweep --config sweep.yaml --archive a.h5 --set checkpoint.dir="$PWD/small" \
      >run1.log 2>err1.log
    rc=$?
    [ "$rc" -eq 3 ] || fail "exit $rc on a full disk, expected 3: $(tail -3 err1.log) $(tail -3 run1.log)"
    grep -q "rungs-sweep: error: .*No space left on device.*--resume a.h5" err1.log \
      || fail "no clear line: $(cat err1.log)"
    [ "$(grep -c '^rungs-sweep' err1.log)" -eq 1 ] || fail "not one line: $(cat err1.log)"
    grep -Eq "terminate called|c10::Error|Aborted" err1.log run1.log && fail "an abort: $(cat err1.log)"
    mount -o remount,size=256m small || fail "remount"
    RANKS=2 sweep --resume a.h5 >run2.log 2>&1 || fail "resume: $(tail -3 run2.log)"
    grep -q "finished: 30 trials" run2.log || fail "resumed sweep: $(tail -3 run2.log)"
    # The archive on a file system with 8 KB left: the same one line and
    # exit 3 (in-process driver); run again once there is room, it finishes.
    rm -f small/trial_* && mount -o remount,size=2m small || fail "remount to 2m"
    head -c $(( $(df -k --output=avail small | tail -1) * 1024 - 8192 )) /dev/zero >small/filler
    "$RUNGS_SWEEP" --workers 1 --config sweep.yaml --archive small/b.h5 --set checkpoint.dir=ck \
      >run3.log 2>err3.log
    rc=$?
    [ "$rc" -eq 3 ] || fail "exit $rc with a full archive disk, expected 3: $(cat err3.log)"
    [ "$(wc -l <err3.log)" -eq 1 ] || fail "not one line: $(cat err3.log)"
    grep -q "^rungs-sweep: error: small/b.h5.*No space left on device" err3.log \
      || fail "no clear line: $(cat err3.log)"
    rm small/filler
    "$RUNGS_SWEEP" --workers 1 --config sweep.yaml --archive small/b.h5 --set checkpoint.dir=ck \
      >run4.log 2>&1 \
      || fail "run again: $(tail -3 run4.log)"
    grep -q "finished: 30 trials" run4.log || fail "resumed sweep: $(tail -3 run4.log)"
    ;;
  launcher_signals)
    # SIGTERM and SIGINT to rungs-mpirun, and SIGTERM to the mpirun it runs,
    # stop the sweep gracefully with exit 75, as a signal to the ranks does;
    # bare mpirun would abort the job with exit 1.
    "$RUNGS" data synth --out data.h5 --train-rows 20000 --val-rows 1000 --features 32 --classes 4 \
      >/dev/null || fail "data synth failed"
    NAME=launched write_config
    sed -i 's/trials: 4/trials: 40/; s/max_resource: 3/max_resource: 9/' sweep.yaml
    LAUNCHER="$(dirname "$RUNGS_SWEEP")/rungs-mpirun" "$PYTHON" - <<'PY' || fail "launcher signals"
import os, signal, subprocess, sys, time
launcher, mpiexec, sweep = os.environ["LAUNCHER"], os.environ["MPIEXEC"], os.environ["RUNGS_SWEEP"]
def child_of(pid):
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                return int(entry)
    sys.exit("mpirun not found under rungs-mpirun")

for n, (sig, target) in enumerate(((signal.SIGTERM, "launcher"), (signal.SIGINT, "launcher"),
                                   (signal.SIGTERM, "mpirun"))):
    archive = f"a{n}.h5"
    with open(f"run{n}.log", "w") as log:
        # The launcher runs whichever mpirun the tests use.
        job = subprocess.Popen([launcher, "-n", "2", sweep, "--config", "sweep.yaml",
                                "--archive", archive], stdout=log, stderr=subprocess.STDOUT,
                               env=dict(os.environ, MPIRUN=mpiexec))
        deadline = time.time() + 120
        while time.time() < deadline:
            j = archive + ".journal"
            if os.path.exists(j) and os.path.getsize(j) > 3000:
                break
            time.sleep(0.05)
        if target == "launcher":
            job.send_signal(sig)
        else:
            os.kill(child_of(job.pid), sig)
        rc = job.wait(timeout=120)
    text = open(f"run{n}.log").read()
    if rc != 75 or "everything is saved" not in text:
        sys.exit(f"{signal.Signals(sig).name} to {target}: exit {rc}, expected 75:\n{text[-800:]}")
PY
    sweep --resume a0.h5 >resume.log 2>&1 || fail "resume after SIGTERM to the launcher: $(tail -3 resume.log)"
    "$RUNGS" summary a0.h5 | grep -q "trials: 40 " || fail "resumed sweep: $("$RUNGS" summary a0.h5)"
    ;;
  lock)
    make_data; NAME=locked write_config
    sed -i 's/trials: 4/trials: 400/' sweep.yaml
    "$RUNGS_SWEEP" --workers 1 --config sweep.yaml --archive a.h5 >run1.log 2>&1 &
    job=$!
    for _ in $(seq 1 400); do [ -s a.h5.lock ] && [ -s a.h5.journal ] && break; sleep 0.05; done
    expect_error "a.h5.*in use by another sweep.*pid $job" \
      "$RUNGS_SWEEP" --workers 1 --config sweep.yaml --archive a.h5
    # Every other writer respects the lock too.
    for x in b c; do
      "$RUNGS" simulate --config sweep.yaml --workers 2 --archive $x.h5 >/dev/null 2>&1 \
        || fail "simulate into a free path"
    done
    expect_error "a.h5.*in use by another sweep" \
      "$RUNGS" simulate --config sweep.yaml --workers 2 --archive a.h5 --overwrite
    expect_error "a.h5.*in use by another sweep" "$RUNGS" merge b.h5 c.h5 -o a.h5 --force
    [ -s a.h5.journal ] || fail "a writer removed the running sweep's journal"
    kill -9 "$job"; wait "$job" 2>/dev/null
    "$RUNGS" summary a.h5 >/dev/null || fail "summary while a stale lock is there"
    # The dead job's lock is stale: the next run takes it over and resumes.
    # limits.trials=1 is below what the dead run started: the replay keeps its
    # history, no trial starts anew, and the sweep ends at that limit however
    # fast or slow this machine is.
    timeout 300 "$RUNGS_SWEEP" --workers 1 --config sweep.yaml --archive a.h5 --set limits.trials=1 \
      >run2.log 2>&1 || fail "resume after a stale lock: $(tail -3 run2.log)"
    grep -q "taking over the lock" run2.log || fail "no takeover note: $(head -3 run2.log)"
    grep -q "stopped at limits.trials" run2.log || fail "no limit note: $(tail -3 run2.log)"
    [ ! -e a.h5.lock ] || fail "lock file left behind"
    ;;
  resume_after_time_limit)
    "$RUNGS" data synth --out data.h5 --train-rows 20000 --val-rows 1000 --features 32 --classes 4 \
      >/dev/null || fail "data synth failed"
    NAME=timed write_config
    sed -i 's/trials: 4/trials: 30/; s/max_resource: 3/max_resource: 9/' sweep.yaml
    "$RUNGS_SWEEP" --workers 1 --config sweep.yaml --archive a.h5 --set limits.time=1s \
      >run1.log 2>&1 || fail "first run: $(tail -3 run1.log)"
    grep -q "stopped at limits.time" run1.log || fail "no limit note: $(tail -3 run1.log)"
    "$PYTHON" - <<'PY' || fail "archive after the time limit"
import h5py
with h5py.File("a.h5") as f:
    s = lambda v: v.decode() if isinstance(v, bytes) else v
    assert s(f.attrs["state"]) == "at_limit", f.attrs["state"]
    assert s(f.attrs["limit"]) == "limits.time", f.attrs["limit"]
    status = [s(x) for x in f["trials/status"][:]]
    # Paused trials stay paused: nothing was stopped for want of time.
    assert "stopped" not in status and "paused" in status, status
    assert len(status) < 30, len(status)
PY
    "$RUNGS" summary a.h5 | grep -q "stopped at limits.time" || fail "summary: $("$RUNGS" summary a.h5)"
    "$RUNGS_SWEEP" --workers 1 --resume a.h5 --set limits.time=1h >run2.log 2>&1 \
      || fail "resume with a raised limit: $(tail -3 run2.log)"
    grep -q "already finished" run2.log && fail "a sweep stopped at its time limit was not continued"
    grep -q "finished: 30 trials" run2.log || fail "resumed sweep: $(tail -3 run2.log)"
    "$RUNGS" export a.h5 --table decisions | grep -c "sweep ended: not promoted" >n.txt
    [ "$(cat n.txt)" -gt 0 ] || fail "no decision row says why paused trials were stopped"
    ;;
  failures)
    make_data
    cat >sweep.yaml <<'YAML'
name: failures
data: {path: data.h5}
scheduler: {kind: fifo, max_resource: 2}
sampler: {kind: random, trials: 4}
retries: 1
training: {threads: 1, device: cpu, fail_trials: [1]}
space:
  lr: {type: float, low: 1.0e-3, high: 1.0e-1, log: true}
  optimizer: {type: categorical, choices: [sgd]}
YAML
    sweep --config sweep.yaml --archive a.h5 --set "space.lr={type: float, low: 1.0e+9, high: 1.0e+10}" \
      >log.txt 2>&1 || fail "sweep: $(cat log.txt)"
    # lr ~1e9 with sgd: every trial's loss diverges; trial 1 throws (twice: one retry).
    [ "$(grep -c 'trial 1 failed' log.txt)" -eq 2 ] || fail "trial 1 not retried once: $(cat log.txt)"
    "$RUNGS" export a.h5 >trials.csv || fail "export"
    grep -q "injected failure" trials.csv || fail "injected failure reason missing"
    grep -Eq "training loss is (NaN|Inf)" trials.csv || fail "NaN/Inf reason missing: $(cat trials.csv)"
    [ "$(grep -c ',failed,' trials.csv)" -eq 4 ] || fail "not all 4 failed: $(cat trials.csv)"
    # A per-trial time limit.
    write_config
    sweep --config sweep.yaml --archive t.h5 --set limits.trial_time=0.000001 >log2.txt 2>&1 \
      || fail "sweep: $(cat log2.txt)"
    "$RUNGS" export t.h5 | grep -q "trial time limit exceeded" || fail "trial_time reason missing"
    ;;
  *) fail "unknown case" ;;
esac
echo "ok ($case_name)"
