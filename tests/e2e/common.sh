# What every end-to-end script shares (sourced by e2e.sh and
# command_trials.sh): the paths CTest passes, a fresh scratch folder for the
# case, and the checks. Usage: . common.sh CASE
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
