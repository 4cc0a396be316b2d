"""Report a command trial's steps to rungs. Standard library only: copy this
file next to your training script, or put python/ on PYTHONPATH.

    import rungs_trial

    trial = rungs_trial.from_env()
    model = Net(width=trial.params["width"])
    if trial.resume_path:                      # a promoted trial goes on
        model.load_state_dict(torch.load(trial.resume_path))
    for epoch in trial.epochs():               # from_resource + 1 .. to_resource
        train_one_epoch(model)
        trial.report(epoch, val_loss=loss, val_accuracy=acc)
        if trial.should_checkpoint(epoch):
            torch.save(model.state_dict(), trial.checkpoint_path(epoch))
            trial.checkpointed(epoch)

The protocol under it (docs/command-trials.md): rungs-sweep starts the
program with RUNGS_* variables set; each report is one JSON line on the file
descriptor RUNGS_REPORT_FD, answered by a verdict line that report() waits
for, so a trial the scheduler stops ends at exactly that step. A graceful
stop of the sweep sends SIGUSR1: should_checkpoint() turns true and epochs()
ends after the checkpoint, so the trial continues from it later.

Run outside rungs-sweep (no RUNGS_REPORT_FD), from_env(defaults={...},
epochs=N) trains with those values and prints each report on stderr.
"""

import json
import os
import signal
import sys

__all__ = ["Trial", "from_env"]


class Trial:
    """One job of one trial: what to train, and the channel to rungs."""

    def __init__(self, env, params, report_fd):
        self.id = int(env.get("RUNGS_TRIAL_ID", "0"))
        self.rung = int(env.get("RUNGS_RUNG", "0"))
        self.from_resource = int(env.get("RUNGS_FROM_RESOURCE", "0"))
        self.to_resource = int(env["RUNGS_TO_RESOURCE"])
        self.max_resource = int(env.get("RUNGS_MAX_RESOURCE", env["RUNGS_TO_RESOURCE"]))
        self.seed = int(env.get("RUNGS_SEED", "0"))
        self.params = params
        self.checkpoint_dir = env.get("RUNGS_CHECKPOINT_DIR", "")
        self.metrics = [m for m in env.get("RUNGS_METRICS", "").split(",") if m]
        self.resume = env.get("RUNGS_RESUME", "1") == "1"
        self.threads = int(env.get("RUNGS_THREADS", "1"))
        self.device = env.get("RUNGS_DEVICE", "cpu")
        self.data_path = env.get("RUNGS_DATA_PATH", "")
        self.stopped = False  # the scheduler stopped the trial
        self._fd = report_fd
        self._replies = b""
        self._suspend = False  # SIGUSR1, or a "suspend" verdict: save and go
        self._last_checkpoint = -1
        if report_fd is not None:
            signal.signal(signal.SIGUSR1, self._on_usr1)

    def _on_usr1(self, signum, frame):
        self._suspend = True

    @property
    def resume_path(self):
        """The checkpoint to continue from, or None when training starts at
        step 0. Raises if a promoted trial's checkpoint is missing."""
        if self.from_resource == 0:
            return None
        path = self.checkpoint_path(self.from_resource)
        if not os.path.exists(path):
            raise RuntimeError(
                f"rungs_trial: no checkpoint at step {self.from_resource} ({path}): "
                "save one and call checkpointed(step) at each job's last step")
        return path

    def checkpoint_path(self, step):
        """Where the state at `step` goes, in the trial's own folder."""
        return os.path.join(self.checkpoint_dir, f"step_{step}.ckpt")

    def epochs(self):
        """The steps this job trains, ending early when the trial is stopped
        or the sweep stops gracefully (after the checkpoint)."""
        for step in range(self.from_resource + 1, self.to_resource + 1):
            if self.stopped:
                return
            if self._suspend and (not self.resume or self._last_checkpoint >= self.from_resource):
                return
            yield step
            if self.stopped or (self._suspend and (not self.resume or self._last_checkpoint == step)):
                return

    def report(self, step, **metrics):
        """Reports one step's metrics and waits for the verdict. Returns True
        to train on, False when the trial was stopped or must suspend."""
        line = {"step": int(step)}
        for name, value in metrics.items():
            line[name] = float(value)
        self._send(line)
        if self._fd is None:
            return True
        verdict = self._read_verdict()
        if verdict == "stop":
            self.stopped = True
        elif verdict == "suspend":
            self._suspend = True
        return verdict == "continue"

    def should_checkpoint(self, step):
        """Whether to save the state at `step` now: at a job's last step when
        a promotion may follow, or when the sweep is stopping gracefully."""
        if self.stopped or not self.resume:
            return False
        if self._suspend:
            return True
        return step == self.to_resource and step < self.max_resource

    def checkpointed(self, step):
        """Tells rungs the state at `step` is saved at checkpoint_path(step);
        drops checkpoints older than this job's start, which nothing needs."""
        self._last_checkpoint = int(step)
        self._send({"checkpoint": int(step)})
        if not self.checkpoint_dir:
            return
        for name in os.listdir(self.checkpoint_dir):
            if name.startswith("step_") and name.endswith(".ckpt"):
                try:
                    older = int(name[5:-5])
                except ValueError:
                    continue
                if older < self.from_resource:
                    os.remove(os.path.join(self.checkpoint_dir, name))

    def _send(self, obj):
        data = (json.dumps(obj) + "\n").encode()
        if self._fd is None:
            sys.stderr.write(data.decode())
            return
        try:
            while data:
                data = data[os.write(self._fd, data):]
        except BrokenPipeError:
            sys.stderr.write("rungs_trial: rungs-sweep is gone; ending\n")
            sys.exit(1)

    def _read_verdict(self):
        while b"\n" not in self._replies:
            chunk = os.read(self._fd, 4096)
            if not chunk:
                sys.stderr.write("rungs_trial: rungs-sweep is gone; ending\n")
                sys.exit(1)
            self._replies += chunk
        line, self._replies = self._replies.split(b"\n", 1)
        return json.loads(line)["verdict"]


def from_env(defaults=None, epochs=None):
    """The trial rungs-sweep started this program for. Outside rungs-sweep,
    `defaults` (the parameters) and `epochs` make a stand-alone run."""
    env = os.environ
    if "RUNGS_REPORT_FD" in env:
        params = json.loads(env.get("RUNGS_PARAMS", "{}"))
        return Trial(env, params, int(env["RUNGS_REPORT_FD"]))
    if defaults is None or epochs is None:
        raise RuntimeError("rungs_trial: not started by rungs-sweep (no RUNGS_REPORT_FD); "
                           "to run stand-alone, call from_env(defaults={...}, epochs=N)")
    standalone = {"RUNGS_TO_RESOURCE": str(epochs), "RUNGS_RESUME": "0"}
    return Trial(standalone, dict(defaults), None)
