"""Kill drill: start a real sweep under mpiexec, kill -9 the whole job at a
chosen moment, check what it left, resume it to the end, and check that the
finished sweep kept everything reported before the kill, used no trial id
twice and respected the trial budget.

usage: kill_drill.py MOMENT   (early | mid | rewrite)
Environment: RUNGS, RUNGS_SWEEP, MPIEXEC (paths), run in a scratch folder
holding data.h5.
"""
import csv
import io
import os
import signal
import subprocess
import sys
import time

import h5py

RUNGS, SWEEP, MPIEXEC = os.environ["RUNGS"], os.environ["RUNGS_SWEEP"], os.environ["MPIEXEC"]
BUDGET = 24
CONFIG = f"""name: drill
seed: 11
data: {{path: data.h5}}
scheduler: {{kind: asha, mode: promotion, eta: 3, min_resource: 1, max_resource: 27}}
sampler: {{kind: random, trials: {BUDGET}}}
training: {{threads: 1, device: cpu}}
output: {{progress_interval: 1s, archive_interval: 0.2s}}
space:
  lr: {{type: float, low: 1.0e-3, high: 1.0e-1, log: true}}
  hidden: {{type: int, choices: [64, 256]}}
"""
COMMAND = [MPIEXEC, "-n", "3", SWEEP, "--config", "sweep.yaml", "--archive", "a.h5"]


def fail(msg):
    print(f"FAIL (kill_drill): {msg}", file=sys.stderr)
    sys.exit(1)


def curve_pairs():
    """(trial, step) pairs of the sweep as `rungs export` sees it (archive + journal)."""
    out = subprocess.run([RUNGS, "export", "a.h5", "--table", "curves"], capture_output=True,
                         text=True)
    if out.returncode != 0:
        fail(f"rungs export failed: {out.stderr}")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    return [(int(r["trial_id"]), int(r["step"])) for r in rows]


def kill_when(moment):
    job = subprocess.Popen(COMMAND, stdout=open("run1.log", "w"), stderr=subprocess.STDOUT,
                           start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        if job.poll() is not None:
            fail(f"the sweep ended before the kill ({moment}); see run1.log")
        if moment == "early" and os.path.exists("a.h5.journal") and os.path.getsize("a.h5.journal") > 200:
            break
        if moment == "mid" and os.path.exists("a.h5.journal") and os.path.getsize("a.h5.journal") > 6000:
            break
        # A rewrite of an archive that exists (not the very first write).
        if (moment == "rewrite" and os.path.exists("a.h5.journal")
                and any(n.startswith("a.h5.tmp-") for n in os.listdir("."))):
            break
        time.sleep(0.0005 if moment == "rewrite" else 0.01)
    else:
        fail(f"moment '{moment}' never came")
    kill_session(job.pid)
    job.wait()


def session_members(sid):
    """The processes of session `sid` (mpiexec puts ranks in process groups of their own)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if int(fields[3]) == sid and fields[0] != "Z":  # a zombie is dead already
            members.append(int(entry))
    return members


def kill_session(sid):
    """kill -9 to mpiexec and every rank at once, as a node failure would; returns when all are gone.

    Killing mpiexec's process group alone leaves the ranks running for a moment
    (they have groups of their own), and a rank that goes on writing would make
    what the drill reads afterwards race with it."""
    deadline = time.time() + 30
    while time.time() < deadline:
        members = session_members(sid)
        if not members:
            return
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)
    fail("processes of the killed sweep did not die")


def check_merge_reads_the_journal(summary):
    """rungs merge loads a killed sweep as summary does: archive plus journal."""
    trials = int(summary.split("trials: ")[1].split()[0])
    os.makedirs("copy", exist_ok=True)
    for suffix in ("", ".journal"):
        with open("a.h5" + suffix, "rb") as src, open("copy/a.h5" + suffix, "wb") as dst:
            dst.write(src.read())
    out = subprocess.run([RUNGS, "merge", "a.h5", "copy/a.h5", "-o", "merged.h5"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"rungs merge after the kill: {out.stderr}")
    if f": {2 * trials} trials" not in out.stdout:
        fail(f"merge of two copies of a {trials}-trial sweep: {out.stdout}")


def main():
    moment = sys.argv[1]
    with open("sweep.yaml", "w") as f:
        f.write(CONFIG)
    kill_when(moment)
    # What the kill left: h5py and h5dump open the archive; rungs reads it.
    with h5py.File("a.h5", "r") as f:
        _ = f["trials/trial_id"][:]
    if subprocess.run(["h5dump", "-H", "a.h5"], capture_output=True).returncode != 0:
        fail("h5dump cannot read the archive after the kill")
    summary = subprocess.run([RUNGS, "summary", "a.h5"], capture_output=True, text=True)
    if summary.returncode != 0:
        fail(f"rungs summary after the kill: {summary.stderr}")
    before = set(curve_pairs())
    check_merge_reads_the_journal(summary.stdout)
    # Resume: the same command again.
    rerun = subprocess.run(COMMAND, capture_output=True, text=True, timeout=300)
    open("run2.log", "w").write(rerun.stdout + rerun.stderr)
    if rerun.returncode != 0:
        fail(f"the resumed sweep failed ({rerun.returncode}); see run2.log")
    if "resuming" not in rerun.stdout:
        fail("the second run did not resume")
    after = curve_pairs()
    if len(after) != len(set(after)):
        fail("a (trial, step) is recorded twice after the resume")
    missing = before - set(after)
    if missing:
        fail(f"{len(missing)} results reported before the kill are missing, e.g. {sorted(missing)[:3]}")
    with h5py.File("a.h5", "r") as f:
        ids = list(f["trials/trial_id"][:])
        status = [s.decode() if isinstance(s, bytes) else s for s in f["trials/status"][:]]
        state = f.attrs["state"]
        state = state.decode() if isinstance(state, bytes) else state
    if state != "finished":
        fail(f"state is {state}")
    if ids != list(range(BUDGET)):
        fail(f"trial ids are {ids}, expected 0..{BUDGET - 1} once each")
    if any(s in ("running", "paused", "suspended") for s in status):
        fail(f"unfinished trials after the resume: {status}")
    print(f"ok (kill_drill {moment}): {len(before)} results before the kill, {len(after)} after")


main()
