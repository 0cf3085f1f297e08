# First version of the image (the deployment issue completes it: health check, published-output build, hardening).
# Base images are build arguments so that machines without a registry can pass locally built ones.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Server/Dashboard.Server.csproj -c Release -o /app

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Dashboard__ProcRoot=/host/proc \
    Dashboard__DatabasePath=/data/dashboard.db
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["dotnet", "Dashboard.Server.dll"]
