# A real one-node Slurm for the tests, sourced by tests/slurm/slurm_ci.sh:
# Debian's slurmctld and slurmd with munge, configured for this machine in
# a scratch folder (proctrack/linuxproc and task/none: no cgroups needed),
# on ports of their own. start_cluster brings it up; stop_cluster stops
# exactly the daemons it started, by pid.

cluster_dir=""
started_munged=""

start_cluster() {
  cluster_dir=$(mktemp -d /tmp/rungs-slurm.XXXXXX)
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ { print int($2 / 1024) - 256 }' /proc/meminfo)
  mkdir -p "$cluster_dir/state" "$cluster_dir/spool"
  cat >"$cluster_dir/slurm.conf" <<CONF
ClusterName=rungsci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$cluster_dir/state
SlurmdSpoolDir=$cluster_dir/spool
SlurmctldPidFile=$cluster_dir/slurmctld.pid
SlurmdPidFile=$cluster_dir/slurmd.pid
SlurmctldLogFile=$cluster_dir/slurmctld.log
SlurmdLogFile=$cluster_dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MinJobAge=3600
KillWait=10
InactiveLimit=0
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$cluster_dir/slurm.conf"

  # munged runs as the munge user, with its key from the package.
  if ! pgrep -x munged >/dev/null; then
    mkdir -p /run/munge && chown munge:munge /run/munge
    runuser -u munge -- /usr/sbin/munged || { echo "slurm: munged did not start" >&2; return 1; }
    started_munged=$(cat /run/munge/munged.pid 2>/dev/null || pgrep -x munged)
  fi
  /usr/sbin/slurmctld -c -f "$SLURM_CONF" || { echo "slurm: slurmctld did not start" >&2; return 1; }
  /usr/sbin/slurmd -f "$SLURM_CONF" || { echo "slurm: slurmd did not start" >&2; return 1; }
  local state=""
  for _ in $(seq 1 300); do
    state=$(sinfo -h -o %T 2>/dev/null | head -1)
    [ "$state" = "idle" ] && return 0
    sleep 0.2
  done
  echo "slurm: the node is '$state', not idle, after 60 s" >&2
  tail -20 "$cluster_dir/slurmctld.log" "$cluster_dir/slurmd.log" >&2
  return 1
}

stop_cluster() {
  [ -n "$cluster_dir" ] || return 0
  scancel --quiet --user=root 2>/dev/null || true
  local pidfile pid
  for pidfile in "$cluster_dir/slurmd.pid" "$cluster_dir/slurmctld.pid"; do
    pid=$(cat "$pidfile" 2>/dev/null) || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -n "$started_munged" ] && kill "$started_munged" 2>/dev/null || true
  rm -rf "$cluster_dir"
  cluster_dir=""
}

# job_state JOBID: PENDING, RUNNING, COMPLETED, FAILED, ... (scontrol keeps
# finished jobs for MinJobAge; there is no accounting to ask).
job_state() {
  scontrol show job "$1" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2
}

# wait_job JOBID SECONDS: waits until the job has ended; prints its state.
wait_job() {
  local state=""
  for _ in $(seq 1 $(( $2 * 5 ))); do
    state=$(job_state "$1")
    case "$state" in
      COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)
        echo "$state"; return 0 ;;
    esac
    sleep 0.2
  done
  echo "STILL_$state"
}
