#!/usr/bin/env bash
# Builds the small test image from Debian's static busybox when it is missing: no registry is needed.
# Usage: scripts/make-test-image.sh [image:tag]   (default dashboard-test/busybox:1)
set -euo pipefail
image=${1:-dashboard-test/busybox:1}
if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || { echo "busybox not found (apt-get install busybox-static)" >&2; exit 1; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/bin" "$d/proc" "$d/sys" "$d/dev" "$d/etc" "$d/tmp"
cp "$busybox" "$d/bin/busybox"
for a in sh sleep ps ls cat hostname ip httpd nc wget true; do ln -s busybox "$d/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$d/etc/passwd"
echo 'root:x:0:' > "$d/etc/group"
tar -C "$d" -c . | docker import -c 'CMD ["sh"]' -c 'LABEL dashboard.test=image' - "$image" >/dev/null
echo "built $image"
