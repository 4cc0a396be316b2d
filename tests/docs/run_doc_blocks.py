#!/usr/bin/env python3
"""Runs every shell block the docs mark runnable, as a user would paste it.

Usage: run_doc_blocks.py [SOURCE_DIR] [--file README.md] [--list]

A block is runnable when its fence reads ```sh runnable (GitHub still shows
it as sh). A block fenced ```yaml file=NAME (any language) is not run but
saved as NAME, so the blocks after it can use it. Blocks that install, build,
or need Slurm or a GPU stay plain ```sh and are not run.

The blocks of one Markdown file (README.md, docs/*.md) run in order, each in
its own `bash -euo pipefail`, in one scratch folder per file, so a later
block may use what an earlier one wrote (a sweep, then its summary). The
folder starts with:

  configs/            a copy of the source tree's configs/
  build/apps/rungs    a link to $RUNGS
  build/apps/rungs-sweep
                      a wrapper around $RUNGS_SWEEP (below)
  build/apps/rungs-mpirun
                      a link to the one built beside $RUNGS_SWEEP
  .docs-bin/mpirun    a link to $MPIEXEC (and mpiexec)

with build/apps and .docs-bin first on PATH, so `build/apps/rungs` and bare
`rungs`, `rungs-sweep` and `mpirun` all work.

Shrinking: the docs show real sizes (hundreds of trials, 27 epochs). The
rungs-sweep wrapper appends `--set sampler.trials=4 --set
scheduler.max_resource=3` to every call that starts a sweep (one with
--config); overrides apply in order, so these win and each sweep takes
seconds. Calls without --config (--help, --resume) pass through unchanged.
Nothing else is changed; a doc must not need a trick of its own.

Environment: RUNGS and RUNGS_SWEEP (the binaries, required), MPIEXEC (default:
mpirun on PATH), SOURCE_DIR (when not given as an argument), WORK (where the
scratch folders go; default a temporary folder), DOCS_BLOCK_TIMEOUT (seconds
per block, default 120). Open MPI's oversubscribe setting is removed from the
blocks' environment, so a doc that starts more ranks than the machine has
cores must say --oversubscribe itself. (The run-as-root permission, which
the README tells root users to give, is passed through.)

Exit status: 0 when every block passed, 1 when one failed (its file:line,
command and output are printed) or when no runnable block was found.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHRINK = ["--set", "sampler.trials=4", "--set", "scheduler.max_resource=3"]
RUNNABLE_LANGS = {"sh", "bash"}

WRAPPER = """#!/usr/bin/env bash
# Written by tests/docs/run_doc_blocks.py. The real rungs-sweep, with every
# new sweep (a call with --config) shrunk to seconds by appending
#   {shrink}
# after the doc's own arguments (later overrides win). Other calls (--help,
# --version, --resume) pass through unchanged.
real={real}
for arg in "$@"; do
  case $arg in
    -c|--config|--config=*) exec "$real" "$@" {shrink} ;;
  esac
done
exec "$real" "$@"
"""


class Block:
    """One fenced block: where it starts, its fence info and its text."""

    def __init__(self, path, line, lang, attrs, text):
        self.path, self.line, self.lang, self.attrs, self.text = path, line, lang, attrs, text

    def where(self):
        return f"{self.path}:{self.line}"

    def runnable(self):
        return "runnable" in self.attrs

    def save_as(self):
        for a in self.attrs:
            if a.startswith("file="):
                return a[len("file="):]
        return None


def read_blocks(doc, rel):
    """The fenced blocks of one Markdown file, in order."""
    blocks, errors = [], []
    lines = doc.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped.startswith("```"):
            i += 1
            continue
        info = stripped[3:].split()
        start, body = i + 1, []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        lang, attrs = (info[0], info[1:]) if info else ("", [])
        block = Block(rel, start, lang, attrs, "\n".join(body) + "\n")
        unknown = [a for a in attrs if a != "runnable" and not a.startswith("file=")]
        if unknown:
            errors.append(f"{block.where()}: unknown fence attribute {' '.join(unknown)} "
                          "(write ```sh runnable or ```LANG file=NAME)")
        elif block.runnable() and lang not in RUNNABLE_LANGS:
            errors.append(f"{block.where()}: only sh blocks can be runnable, this one is "
                          f"'{lang}'")
        blocks.append(block)
    return blocks, errors


def prepare(scratch, source, rungs, sweep, mpiexec):
    """A fresh scratch folder with configs/, build/apps and .docs-bin."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    shutil.copytree(source / "configs", scratch / "configs")
    apps = scratch / "build" / "apps"
    apps.mkdir(parents=True)
    (apps / "rungs").symlink_to(rungs)
    wrapper = apps / "rungs-sweep"
    wrapper.write_text(WRAPPER.format(real=sh_quote(str(sweep)), shrink=" ".join(SHRINK)))
    wrapper.chmod(0o755)
    # The launcher runs `mpirun` from PATH: the link below.
    (apps / "rungs-mpirun").symlink_to(Path(sweep).parent / "rungs-mpirun")
    helpers = scratch / ".docs-bin"
    helpers.mkdir()
    for name in ("mpirun", "mpiexec"):
        (helpers / name).symlink_to(mpiexec)


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def block_env(scratch):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("OMPI_MCA_rmaps", "PRTE_MCA_rmaps")):
            del env[name]
    paths = [str(scratch / "build" / "apps"), str(scratch / ".docs-bin")]
    env["PATH"] = os.pathsep.join(paths + [env.get("PATH", "/usr/bin:/bin")])
    return env


def run_block(block, scratch, env, timeout):
    """Runs one block; returns (ok, seconds, how it ended, output)."""
    script = scratch / ".docs-bin" / f"block-{block.line}.sh"
    script.write_text(block.text)
    started = time.monotonic()
    proc = subprocess.Popen(["bash", "-euo", "pipefail", str(script)], cwd=scratch, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        note = f"exit code {proc.returncode}"
    except subprocess.TimeoutExpired:
        end_session(proc)
        out, _ = proc.communicate()
        note = f"timed out after {timeout:g} s"
    seconds = time.monotonic() - started
    return proc.returncode == 0, seconds, note, out.decode("utf-8", "replace")


def session_members(sid):
    """The ids of the processes in session `sid` (mpirun puts ranks in groups of their own)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if int(fields[3]) == sid:
            members.append(int(entry.name))
    return members


def end_session(proc):
    """Stops a timed-out block: SIGTERM first, so mpirun can stop its ranks, then SIGKILL."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    for pid in session_members(proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def tail(text, lines=60):
    parts = text.splitlines()
    cut = parts[-lines:]
    prefix = [f"... ({len(parts) - lines} lines before)"] if len(parts) > lines else []
    return "\n".join(prefix + cut)


def indent(text):
    return "\n".join("    " + line for line in text.rstrip("\n").splitlines())


def find_plan(source, files):
    """[(doc, its runnable and file= blocks)] for each doc with a runnable block, and errors."""
    docs = [source / f for f in files] or (
        [source / "README.md"] + sorted((source / "docs").glob("*.md")))
    plan, errors = [], []
    for doc in docs:
        blocks, errs = read_blocks(doc, str(doc.relative_to(source)))
        errors += errs
        if any(b.runnable() for b in blocks):
            plan.append((doc, [b for b in blocks if b.runnable() or b.save_as()]))
    return plan, errors


class Tally:
    def __init__(self):
        self.passed, self.failed, self.skipped = 0, 0, 0


def run_doc(blocks, scratch, timeout, tally):
    """Runs one doc's blocks in order in `scratch`; after a failure the rest are skipped."""
    env = block_env(scratch)
    broken = None
    for b in blocks:
        if b.save_as():
            target = scratch / b.save_as()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(b.text)
        elif broken:
            print(f"SKIP {b.where()} (the block at {broken} failed; a file's blocks run in order)")
            tally.skipped += 1
        else:
            ok, seconds, note, output = run_block(b, scratch, env, timeout)
            if ok:
                print(f"ok   {b.where()} ({seconds:.1f} s)")
                tally.passed += 1
                continue
            tally.failed += 1
            broken = b.where()
            print(f"FAIL {b.where()}: {note} ({seconds:.1f} s), in {scratch}\n"
                  f"  block:\n{indent(b.text)}\n  output:\n{indent(tail(output)) or '    (none)'}")


def binaries():
    """(rungs, rungs-sweep, mpiexec) from the environment; exits when one is missing."""
    missing = [v for v in ("RUNGS", "RUNGS_SWEEP") if not os.environ.get(v)]
    if missing:
        sys.exit(f"error: set {' and '.join(missing)} to the built binaries")
    mpiexec = os.environ.get("MPIEXEC") or "mpirun"
    found = shutil.which(mpiexec)
    if not found:
        sys.exit(f"error: no {mpiexec} found; set MPIEXEC to Open MPI's mpiexec")
    return (Path(os.environ["RUNGS"]).resolve(), Path(os.environ["RUNGS_SWEEP"]).resolve(),
            Path(found).resolve())


def main():
    sys.stdout.reconfigure(line_buffering=True)  # progress as it happens, under CTest too
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", default=os.environ.get("SOURCE_DIR"),
                    help="the source tree (default: $SOURCE_DIR)")
    ap.add_argument("--file", action="append", default=[],
                    help="run only this Markdown file (relative to the source tree)")
    ap.add_argument("--list", action="store_true", help="list the runnable blocks, run nothing")
    args = ap.parse_args()
    if not args.source:
        ap.error("give the source tree as an argument or in SOURCE_DIR")
    source = Path(args.source).resolve()

    plan, errors = find_plan(source, args.file)
    for e in errors:
        print(f"error: {e}")
    runnable = [b for _, blocks in plan for b in blocks if b.runnable()]
    if args.list:
        for b in runnable:
            print(f"{b.where()}\n{indent(b.text)}")
        print(f"{len(runnable)} runnable blocks")
        return 1 if errors else 0
    if not runnable:
        print("error: no ```sh runnable block found in README.md or docs/*.md")
        return 1

    rungs, sweep, mpiexec = binaries()
    timeout = float(os.environ.get("DOCS_BLOCK_TIMEOUT", "120"))
    work = Path(os.environ.get("WORK") or tempfile.mkdtemp(prefix="rungs-docs-"))
    tally = Tally()
    started = time.monotonic()
    for doc, blocks in plan:
        scratch = work / str(doc.relative_to(source)).replace("/", "_").replace(".md", "")
        prepare(scratch, source, rungs, sweep, mpiexec)
        run_doc(blocks, scratch, timeout, tally)
    print(f"{len(runnable)} runnable blocks in {len(plan)} files: {tally.passed} passed, "
          f"{tally.failed} failed, {tally.skipped} skipped, {time.monotonic() - started:.1f} s "
          f"(scratch folders under {work})")
    return 1 if tally.failed or tally.skipped or errors else 0


if __name__ == "__main__":
    sys.exit(main())
