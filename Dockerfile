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
WORKDIR /app
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    Dashboard__ProcRoot=/proc \
    Dashboard__DatabasePath=/data/dashboard.db
EXPOSE 8080
VOLUME /data
# The server asks itself: the runtime image has no curl or wget.
HEALTHCHECK --interval=15s --timeout=10s --start-period=20s --retries=3 \
    CMD ["dotnet", "/app/Dashboard.Server.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "/app/Dashboard.Server.dll"]

FROM runtime AS published
COPY artifacts/publish/ /app/

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Server/Dashboard.Server.csproj -c Release -o /out

FROM runtime AS source
COPY --from=build /out/ /app/
