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
  mkdir -p "$cluster_dir/state" "$cluster_dir/spool" "$cluster_dir/tmp"
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
# Its own TmpFS (Slurm's PMIx plugin makes spmix_appdir_<uid>_<job>.<step>
# there) and job ids of its own: a cluster started afresh numbers jobs from
# 1 again, and a folder left by an earlier cluster's job 3 made the next job
# 3's steps fail to launch.
TmpFS=$cluster_dir/tmp
FirstJobId=$(( (RANDOM % 9000 + 1000) * 100 ))
KillWait=10
InactiveLimit=0
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$cluster_dir/slurm.conf"

  # munged runs as the munge user, with its key from the package.
  if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
    mkdir -p /run/munge && chown munge:munge /run/munge
    runuser -u munge -- /usr/sbin/munged || { echo "slurm: munged did not start" >&2; return 1; }
    started_munged=$(cat /run/munge/munged.pid 2>/dev/null || pgrep -x munged)
    for _ in $(seq 1 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
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
# Slurm holds a requeued job for a while (Reason=BeginTime, about two
# minutes); the tests release it once the previous run's steps are gone,
# to save CI time.
wait_job() {
  local state=""
  for _ in $(seq 1 $(( $2 * 5 ))); do
    state=$(job_state "$1")
    # (once the previous run's steps are gone: a step of the same id still
    # terminating makes the new one fail to launch)
    if [ "$state" = PENDING ] && scontrol show job "$1" -o 2>/dev/null | grep -q "Reason=BeginTime" &&
       ! pgrep -f "slurmstepd: \[$1\." >/dev/null; then
      scontrol update JobId="$1" StartTime=now >/dev/null 2>&1 || true
    fi
    case "$state" in
      COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)
        # A job requeueing itself passes through an ended state for a moment
        # (its batch script is killed, then it is requeued): ended is ended
        # only when it stays so.
        sleep 2
        if [ "$(job_state "$1")" = "$state" ]; then echo "$state"; return 0; fi ;;
    esac
    sleep 0.2
  done
  echo "STILL_$state"
}
