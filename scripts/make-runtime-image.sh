#!/usr/bin/env bash
# Builds a base image with the ASP.NET Core runtime for machines whose registries do not serve
# mcr.microsoft.com/dotnet/aspnet: Debian bookworm (minbase, from Debian's own mirror by debootstrap) plus the .NET and
# ASP.NET Core runtimes of this machine's dotnet. Pass it to the Dockerfile as RUNTIME_IMAGE.
# Usage: scripts/make-runtime-image.sh [image:tag]   (default namespace-dashboard-runtime:local)
set -euo pipefail
image=${1:-namespace-dashboard-runtime:local}
if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap not found (apt-get install debootstrap)" >&2; exit 1; }
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
# The newest 10.x runtimes this machine has: the app targets net10.0 and rolls forward within the major version.
core=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { print $2 }' | sort -V | tail -n 1)
aspnet=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" && $2 ~ /^10\./ { print $2 }' | sort -V | tail -n 1)
[ -n "$core" ] && [ -n "$aspnet" ] || { echo "no .NET 10 runtimes under $dotnet_root" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# libssl3: .NET's hashing and TLS go through OpenSSL; ca-certificates for an engine reached over TLS.
debootstrap --variant=minbase --include=libssl3,ca-certificates bookworm "$root" http://deb.debian.org/debian >/tmp/make-runtime-image.log 2>&1 \
  || { tail -n 20 /tmp/make-runtime-image.log >&2; exit 1; }
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
  "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/*

mkdir -p "$root/usr/share/dotnet/shared/Microsoft.NETCore.App" "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$root/usr/share/dotnet/"
cp -a "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$root/usr/share/dotnet/" 2>/dev/null || true
cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$core" "$root/usr/share/dotnet/shared/Microsoft.NETCore.App/"
cp -a "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet" "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
ln -sf /usr/share/dotnet/dotnet "$root/usr/bin/dotnet"

tar -C "$root" -c . | docker import \
  -c 'ENV DOTNET_ROOT=/usr/share/dotnet' -c 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1' -c 'LABEL dashboard.base=runtime' \
  - "$image" >/dev/null
echo "built $image (Debian bookworm, Microsoft.NETCore.App $core, Microsoft.AspNetCore.App $aspnet)"
