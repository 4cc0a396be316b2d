#!/usr/bin/env bash
# End-to-end cases for command trials (model.kind: command): rungs-sweep
# runs real programs, as a user would. Usage: command_trials.sh CASE.
. "$(dirname "$0")/common.sh" "$1"

# A program in sh that speaks the protocol: loss falls with the step and
# depends on x; FAIL_TRIAL fails one trial, BAD_TRIAL writes a bad line.
write_toy() {
  cat >toy.sh <<'SH'
#!/bin/sh
env | sort >"$RUNGS_CHECKPOINT_DIR/env.$RUNGS_RUNG"
[ "$RUNGS_TRIAL_ID" = "${FAIL_TRIAL:-none}" ] && { echo "boom: trial $RUNGS_TRIAL_ID cannot train" >&2; exit 3; }
[ "$RUNGS_TRIAL_ID" = "${BAD_TRIAL:-none}" ] && { echo "epoch 1 loss 0.5" >&3; exit 0; }
[ -n "${IGNORE_TERM:-}" ] && trap '' TERM
[ -n "${STEP_PAUSE:-}" ] && pause=$STEP_PAUSE || pause=0
x=$2
s=$((RUNGS_FROM_RESOURCE + 1))
while [ "$s" -le "$RUNGS_TO_RESOURCE" ]; do
  echo "step $s" >&1
  [ "$pause" != 0 ] && sleep "$pause"
  echo "{\"step\": $s, \"loss\": $(( (x * 7) % 10 + 10 / s ))}" >&3
  read -r verdict <&3
  s=$((s + 1))
done
echo "{\"checkpoint\": $RUNGS_TO_RESOURCE}" >&3
SH
  chmod +x toy.sh
}

write_config() {
  cat >sweep.yaml <<YAML
name: ${NAME:-cmd}
seed: 1
model:
  kind: command
  argv: [./toy.sh, --x, "{x}"]
  metrics: [loss]
  grace: 0.5s
scheduler: {kind: asha, eta: 3, min_resource: 1, max_resource: 9}
sampler: {kind: random, trials: ${TRIALS:-9}}
training: {threads: 1}
output: {progress_interval: 1s}
space:
  x: {type: int, low: 0, high: 9}
YAML
}

has_torch() { "$PYTHON" -c "import torch, h5py" 2>/dev/null; }

case "$case_name" in
  command_sweep)
    # Two ranks run a sh program as the trials: promotions continue at
    # RUNGS_FROM_RESOURCE, the archive names the logs, the environment is set.
    write_toy; write_config
    RANKS=2 sweep --config sweep.yaml --archive a.h5 >log.txt 2>&1 || fail "sweep: $(cat log.txt)"
    "$RUNGS" summary a.h5 >summary.txt || fail "summary"
    grep -q "trials: 9 " summary.txt || fail "summary: $(cat summary.txt)"
    grep -q "trials: command, resume: true (a promoted trial continues from its checkpoint); program output in a.h5.logs/trial_{id}.out|.err" summary.txt \
      || fail "no runner line: $(cat summary.txt)"
    grep -q "completed" summary.txt || fail "nothing completed: $(cat summary.txt)"
    [ -s a.h5.logs/trial_0.out ] || fail "no stdout log"
    grep -q "^step 1$" a.h5.logs/trial_0.out || fail "stdout log: $(cat a.h5.logs/trial_0.out)"
    # A promoted trial's program started at its previous rung's end.
    promoted=$(grep -l "RUNGS_RUNG=1" a.h5.checkpoints/trial_*/env.1 | head -1)
    [ -n "$promoted" ] || fail "no trial was promoted"
    grep -q "^RUNGS_FROM_RESOURCE=1$" "$promoted" || fail "promoted from: $(grep FROM "$promoted")"
    grep -q "^CUDA_VISIBLE_DEVICES=$" "$promoted" || fail "GPUs not hidden from a cpu rank"
    grep -q '^RUNGS_PARAMS={"x":[0-9]}$' "$promoted" || fail "params: $(grep PARAMS "$promoted")"
    grep -q "^OMPI_" "$promoted" && fail "the MPI job's variables reached the program"
    "$RUNGS" export a.h5 --table curves >curves.csv || fail "export"
    [ "$(head -1 curves.csv)" = "trial_id,step,metric,loss,seconds" ] || fail "curves: $(head -1 curves.csv)"
    "$PYTHON" -c "import h5py; f = h5py.File('a.h5'); assert f.attrs['trial_logs'] in (b'a.h5.logs/trial_{id}.out|.err', 'a.h5.logs/trial_{id}.out|.err')" \
      || fail "trial_logs attribute"
    ;;
  command_failures)
    # A failing program fails its trial, with its stderr in the archive; a
    # malformed line too; the sweep goes on and ends normally.
    write_toy; TRIALS=12 write_config
    FAIL_TRIAL=1 BAD_TRIAL=2 sweep --config sweep.yaml --archive a.h5 >log.txt 2>&1 \
      || fail "sweep: $(cat log.txt)"
    "$RUNGS" export a.h5 >trials.csv || fail "export"
    grep "^1," trials.csv | grep -q "failed" || fail "trial 1 not failed: $(cat trials.csv)"
    grep "^1," trials.csv | grep -q "the program exited with status 3; last lines of a.h5.logs/trial_1.err:" \
      || fail "trial 1 reason: $(grep "^1," trials.csv)"
    grep -A2 "^1," trials.csv | grep -q "^  boom: trial 1 cannot train" || fail "no stderr tail: $(cat trials.csv)"
    grep "^2," trials.csv | grep -q "report line 'epoch 1 loss 0.5' is not JSON" \
      || fail "trial 2 reason: $(grep "^2," trials.csv)"
    [ "$(grep -c ',failed,' trials.csv)" -eq 2 ] || fail "not exactly 2 failed: $(cat trials.csv)"
    "$RUNGS" summary a.h5 | grep -q "completed [1-9]" || fail "nothing completed"
    ;;
  command_stopping)
    # ASHA in stopping mode stops trials at rung ends: each stopped trial's
    # curve ends exactly at a rung, and a program that ignores SIGTERM is
    # killed after model.grace, which its log records.
    write_toy; write_config
    IGNORE_TERM=1 sweep --config sweep.yaml --archive a.h5 --set scheduler.mode=stopping >log.txt 2>&1 \
      || fail "sweep: $(cat log.txt)"
    "$RUNGS" export a.h5 >trials.csv || fail "export"
    stopped=$(awk -F, 'NR > 1 && $2 == "stopped"' trials.csv | wc -l)
    [ "$stopped" -ge 1 ] || fail "nothing stopped: $(cat trials.csv)"
    awk -F, 'NR > 1 && $2 == "stopped" && $4 != 1 && $4 != 3 { bad = 1 } END { exit bad }' trials.csv \
      || fail "a stopped trial ended between rungs: $(cat trials.csv)"
    grep -l "killed with SIGKILL after the 0.5 s grace" a.h5.logs/*.err >/dev/null \
      || fail "no record of the kill: $(cat a.h5.logs/*.err)"
    ;;
  command_bad_input)
    write_toy; write_config
    # A program that does not exist: one line at start-up, nothing left behind.
    sed -i 's|\./toy.sh|./missing.sh|' sweep.yaml
    expect_error "sweep.yaml: model.argv\[0\] './missing.sh' does not exist \(fix the path" \
      sweep --config sweep.yaml --archive a.h5
    [ ! -e a.h5 ] && [ ! -e a.h5.logs ] && [ ! -e a.h5.lock ] || fail "a refused start left files"
    # Not executable.
    write_config; chmod -x toy.sh
    expect_error "'./toy.sh' is not an executable file" sweep --config sweep.yaml --archive a.h5
    chmod +x toy.sh
    # An unknown placeholder, with its line and the nearest name.
    write_config; sed -i 's|"{x}"|"{xx}"|' sweep.yaml
    expect_error "sweep.yaml:5: model.argv: unknown placeholder \{xx\} \(did you mean \{x\}\?" \
      sweep --config sweep.yaml --archive a.h5
    # An objective that is not among the declared metrics.
    write_config; printf 'objective: {metric: val_loss}\n' >>sweep.yaml
    expect_error "objective.metric: 'val_loss' is not a valid value" sweep --config sweep.yaml --archive a.h5
    [ ! -e a.h5 ] || fail "a refused start left an archive"
    ;;
  command_pytorch)
    # examples/pytorch: a real PyTorch script (Debian's python3-torch) through
    # promotions, stops, and a graceful stop + resume.
    has_torch || { echo "SKIP: $PYTHON has no torch or h5py (apt install python3-torch python3-h5py)"; exit 77; }
    "$RUNGS" data synth --out data.h5 --train-rows 300 --val-rows 100 --features 6 --classes 3 \
      >/dev/null || fail "data synth"
    example="$SOURCE_DIR/examples/pytorch"
    common=(--set data.path=data.h5 --set sampler.trials=4 --set scheduler.max_resource=3
            --set "model.argv=[$PYTHON, $example/train.py, --data, '{data_path}', --batch-size, '32']")
    RANKS=2 sweep --config "$example/sweep.yaml" --archive a.h5 "${common[@]}" >log.txt 2>&1 \
      || fail "sweep: $(cat log.txt)"
    "$RUNGS" summary a.h5 >summary.txt || fail "summary"
    grep -q "completed [1-9]" summary.txt || fail "nothing completed: $(cat summary.txt)"
    grep -q "resuming at step 1" a.h5.logs/*.out || fail "no promoted trial resumed from its checkpoint"
    # Stopping mode: stopped trials end at a rung.
    sweep --config "$example/sweep.yaml" --archive s.h5 "${common[@]}" --set scheduler.mode=stopping \
      >log2.txt 2>&1 || fail "stopping sweep: $(cat log2.txt)"
    "$RUNGS" summary s.h5 | grep -q "stopped [1-9]" || fail "nothing stopped: $("$RUNGS" summary s.h5)"
    # A graceful stop in the middle, then a resume that finishes the sweep.
    setsid "$RUNGS_SWEEP" --workers 2 --config "$example/sweep.yaml" --archive g.h5 "${common[@]}" \
      --set sampler.trials=6 >run1.log 2>&1 &
    job=$!
    for _ in $(seq 1 1200); do
      [ "$(ls g.h5.logs/*.err 2>/dev/null | wc -l)" -ge 3 ] && break
      sleep 0.1
    done
    kill -TERM "$job"
    wait "$job"; rc=$?
    [ "$rc" -eq 75 ] || fail "exit $rc after SIGTERM, expected 75: $(tail -5 run1.log)"
    pgrep -f "$example/train.py" >/dev/null && fail "a trial's program outlived the graceful stop"
    "$RUNGS_SWEEP" --workers 2 --resume g.h5 >run2.log 2>&1 || fail "resume: $(tail -5 run2.log)"
    "$RUNGS" summary g.h5 >g.txt || fail "summary"
    grep -q "trials: 6 " g.txt || fail "resumed: $(cat g.txt)"
    grep -q "running 0" g.txt || fail "resumed sweep not finished: $(cat g.txt)"
    ;;
  command_kill_drill)
    # SIGKILL in the middle: the programs orphaned by the kill end at their
    # next report, and a resume finishes the sweep with every trial.
    write_toy; TRIALS=12 write_config
    sed -i "s|\./toy.sh|$dir/toy.sh|" sweep.yaml  # a path no other case's programs have
    STEP_PAUSE=0.2 setsid "$RUNGS_SWEEP" --workers 2 --config sweep.yaml --archive a.h5 >run1.log 2>&1 &
    job=$!
    for _ in $(seq 1 600); do
      [ -s a.h5.journal ] && [ "$(stat -c %s a.h5.journal)" -gt 1500 ] && break
      sleep 0.05
    done
    kill -KILL "$job"
    wait "$job"
    for _ in $(seq 1 100); do pgrep -f "$dir/toy.sh" >/dev/null || break; sleep 0.1; done
    pgrep -f "$dir/toy.sh" >/dev/null && fail "orphaned programs are still running"
    STEP_PAUSE=0 "$RUNGS_SWEEP" --workers 2 --resume a.h5 >run2.log 2>&1 || fail "resume: $(cat run2.log)"
    "$RUNGS" summary a.h5 >summary.txt || fail "summary"
    grep -q "trials: 12  completed [1-9]" summary.txt || fail "resumed: $(cat summary.txt)"
    grep -q "running 0" summary.txt || fail "not finished: $(cat summary.txt)"
    ;;
  builtin_without_torch)
    # A rungs-sweep built without LibTorch (RUNGS_WITH_TORCH=OFF) refuses a
    # built-in model in one line, before anything is written.
    "$RUNGS" data synth --out data.h5 --train-rows 60 --val-rows 20 >/dev/null || fail "data synth"
    printf 'name: m\ndata: {path: data.h5}\nsampler: {trials: 2}\nspace:\n  lr: {type: float, low: 0.01, high: 0.1}\n' >sweep.yaml
    expect_error "sweep.yaml: model.kind: mlp needs LibTorch, and this rungs-sweep was built without it \(use model.kind: command" \
      sweep --config sweep.yaml --archive a.h5
    [ ! -e a.h5 ] || fail "a refused start left an archive"
    ;;
  *) fail "unknown case" ;;
esac
echo "ok ($case_name)"
