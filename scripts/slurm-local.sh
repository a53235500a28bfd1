#!/usr/bin/env bash
# A one-node Slurm on this machine (slurmctld + slurmd on localhost, munge authentication), to try
# experiments/slurm/campaign.sbatch on a workstation (docs/cluster.md). Debian packages:
# slurm-wlm munge. Needs root (munged and slurmd run as root here).
#   scripts/slurm-local.sh start     configure in $SLURM_LOCAL_DIR (default /tmp/nas4ml-slurm) and start
#   scripts/slurm-local.sh status    sinfo
#   scripts/slurm-local.sh stop      stop the daemons this script started
# Clients need the configuration: export SLURM_CONF=$SLURM_LOCAL_DIR/slurm.conf (printed by start).
set -euo pipefail
dir=${SLURM_LOCAL_DIR:-/tmp/nas4ml-slurm}
conf=$dir/slurm.conf
cmd=${1:-}

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: slurm-local: $1 not found, expected Debian packages slurm-wlm and munge (apt-get install slurm-wlm munge)" >&2; exit 2; }; }

write_conf() {
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  cat > "$conf" <<CONF
# Written by scripts/slurm-local.sh: one node, this host, for trying campaign.sbatch.
ClusterName=nas4ml-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
}

case "$cmd" in
  start)
    need munged; need slurmctld; need slurmd
    [ "$(id -u)" -eq 0 ] || { echo "error: slurm-local: start needs root, got uid $(id -u)" >&2; exit 2; }
    write_conf
    if ! pgrep -x munged >/dev/null; then
      [ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; chmod 400 /etc/munge/munge.key; }
      mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
      runuser -u munge -- munged 2>/dev/null || munged --force
    fi
    slurmctld -f "$conf"
    slurmd -f "$conf"
    for _ in $(seq 1 30); do
      if SLURM_CONF=$conf sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mixed'; then
        echo "slurm-local: up; export SLURM_CONF=$conf"
        exit 0
      fi
      sleep 1
    done
    echo "error: slurm-local: the node did not become idle within 30 s; see $dir/log/slurmd.log and $dir/log/slurmctld.log" >&2
    SLURM_CONF=$conf sinfo -N -l >&2 || true
    tail -n 5 "$dir/log/slurmd.log" >&2 || true
    exit 1
    ;;
  status)
    SLURM_CONF=$conf sinfo -N -l
    ;;
  stop)
    pids=()
    for p in slurmd slurmctld; do
      if [ -s "$dir/$p.pid" ]; then pids+=("$(cat "$dir/$p.pid")"); fi
    done
    [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 30); do  # wait until they are gone, so a following start finds the ports free
      alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.5
    done
    echo "slurm-local: stopped (munged left running)"
    ;;
  *)
    echo "error: slurm-local: expected start, status or stop, got '${cmd}'" >&2
    exit 2
    ;;
esac
