#!/bin/sh
# The image's entrypoint (and its health check, with the argument `healthcheck`). Docker gives a non-root container
# user no effective capabilities, and no-new-privileges refuses file capabilities at exec: so the container starts as
# root holding only what docker-compose.yml adds, and this script runs the server as UID/GID 1654 (the official .NET
# images' `app` user) with the collectors' capabilities as ambient ones, which survive the exec. The server then holds
# exactly those, with no way back to root. The health check keeps none.
# Started as any other user (`docker run --user`), it runs the server as that user, unchanged.
set -eu

app="dotnet /app/Dashboard.Server.dll"
if [ "$(id -u)" != 0 ]; then
  exec $app "$@"
fi

uid=1654
# Why each one: docker-compose.yml, cap_add.
wanted="dac_read_search:2 net_admin:12 sys_ptrace:19 sys_admin:21"
if [ "${1:-}" = healthcheck ]; then
  wanted=""
fi

# What this root process holds: a capability the container was not given is left out rather than failing the start
# (the server then reports what it cannot read), e.g. under a plain `docker run` without cap_add.
held=0x$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
has() { [ $(( (held >> $1) & 1 )) = 1 ]; }
has 6 && has 7 || { echo "dashboard-entrypoint: root without CAP_SETGID and CAP_SETUID cannot become UID $uid" >&2; exit 1; }

caps=""
for entry in $wanted; do
  if has "${entry#*:}"; then
    caps="$caps,+${entry%:*}"
  else
    echo "dashboard-entrypoint: the container lacks CAP_$(echo "${entry%:*}" | tr a-z A-Z); the server will see less" >&2
  fi
done

# The engine's socket is root:docker 0660 on most hosts: connecting needs write permission, which the socket's group
# gives without CAP_DAC_OVERRIDE (that would open every file of the host for writing through /proc/<pid>/root).
groups=$uid
socket=/var/run/docker.sock
if [ -S "$socket" ]; then
  groups="$groups,$(stat -c %g "$socket")"
fi

# The bounding set needs CAP_SETPCAP to shrink; without it the container's own set stays (still nothing gained at exec).
bounding=""
if has 8; then
  bounding="--bounding-set=-all$caps"
fi

exec setpriv --reuid=$uid --regid=$uid --groups=$groups --no-new-privs \
  --inh-caps=-all$caps --ambient-caps=-all$caps $bounding -- $app "$@"
