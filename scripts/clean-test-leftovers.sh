#!/usr/bin/env bash
# Removes containers, networks and network namespaces that tests made (label dashboard.test, or name prefix dt-).
set -uo pipefail
if docker info >/dev/null 2>&1; then
  ids=$(docker ps -aq --filter label=dashboard.test)
  [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
  nets=$(docker network ls -q --filter label=dashboard.test)
  [ -n "$nets" ] && docker network rm $nets >/dev/null 2>&1
  # The deployment test's compose projects (dt-deploy-*): their networks, volumes and images.
  nets=$(docker network ls --format '{{.Name}}' | grep '^dt-deploy-' || true)
  [ -n "$nets" ] && docker network rm $nets >/dev/null 2>&1
  vols=$(docker volume ls -q | grep '^dt-deploy-' || true)
  [ -n "$vols" ] && docker volume rm $vols >/dev/null 2>&1
  imgs=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^namespace-dashboard:dt-' || true)
  [ -n "$imgs" ] && docker rmi -f $imgs >/dev/null 2>&1
fi
for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^dt-/ {print $1}'); do
  ip netns delete "$ns" 2>/dev/null
done
exit 0
