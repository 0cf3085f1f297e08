# The dashboard's image. Base images are build arguments, the official ones by default; where no registry serves
# them, scripts/make-runtime-image.sh builds a runtime base from Debian and this machine's .NET (see README, Deploy).
#
#   docker build -t namespace-dashboard .                               # build from source in the SDK image
#   dotnet publish src/Server -c Release -o artifacts/publish           # or publish on the host, then
#   docker build --target published --build-arg RUNTIME_IMAGE=... -t namespace-dashboard .
#
# The published target comes first: the classic builder (Docker 20.10 without BuildKit) runs every stage before
# the target, and that one must not need the SDK image.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${RUNTIME_IMAGE} AS runtime
# The server runs as UID/GID 1654, the official images' `app` user, which the Debian base lacks; /data is its own, and a
# new named volume mounted there takes that ownership.
RUN (getent group 1654 >/dev/null || groupadd --gid 1654 app) \
    && (getent passwd 1654 >/dev/null || useradd --uid 1654 --gid 1654 --home-dir /home/app --no-create-home --shell /usr/sbin/nologin app) \
    && mkdir -p /data && chown 1654:1654 /data
COPY scripts/container-entrypoint.sh /usr/local/bin/dashboard-entrypoint
WORKDIR /app
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    Dashboard__ProcRoot=/proc \
    Dashboard__DatabasePath=/data/dashboard.db
EXPOSE 8080
VOLUME /data
# The server asks itself (the runtime image has no curl or wget), as the same user as the server.
HEALTHCHECK --interval=15s --timeout=10s --start-period=20s --retries=3 \
    CMD ["dashboard-entrypoint", "healthcheck"]
# Starts as root and runs the server as UID 1654 with the capabilities the collectors use (see the script).
ENTRYPOINT ["dashboard-entrypoint"]

FROM runtime AS published
COPY artifacts/publish/ /app/

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Server/Dashboard.Server.csproj -c Release -o /out

FROM runtime AS source
COPY --from=build /out/ /app/
