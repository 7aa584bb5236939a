# The Dashboard: the page (frontend/) built in a Node stage, the service in the SDK stage, both served by the ASP.NET
# runtime. Build from the repository root:
#   docker build -f deploy/docker/dashboard.Dockerfile -t nop/dashboard .
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS frontend
WORKDIR /frontend
# Packages first: they are downloaded again only when the lock file changes.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
# Project files alone first, restored in their own layer: the packages are downloaded again only when a project file or
# the central versions change, not on every change of a source file. (Every project is listed: a new one goes here too,
# which tests/Nop.Compose.Tests checks.)
COPY services/Directory.Build.props services/
COPY shared/Nop.Contracts/Nop.Contracts.csproj shared/Nop.Contracts/
COPY shared/Nop.Messaging/Nop.Messaging.csproj shared/Nop.Messaging/
COPY shared/Nop.Persistence/Nop.Persistence.csproj shared/Nop.Persistence/
COPY shared/Nop.ServiceDefaults/Nop.ServiceDefaults.csproj shared/Nop.ServiceDefaults/
COPY services/Nop.Alerting/Nop.Alerting.csproj services/Nop.Alerting/
COPY services/Nop.Archiver/Nop.Archiver.csproj services/Nop.Archiver/
COPY services/Nop.Dashboard/Nop.Dashboard.csproj services/Nop.Dashboard/
COPY services/Nop.History/Nop.History.csproj services/Nop.History/
COPY services/Nop.Ingest/Nop.Ingest.csproj services/Nop.Ingest/
COPY services/Nop.Notifier/Nop.Notifier.csproj services/Nop.Notifier/
COPY services/Nop.Processing/Nop.Processing.csproj services/Nop.Processing/
COPY services/Nop.Simulator/Nop.Simulator.csproj services/Nop.Simulator/
RUN dotnet new sln -n services -o . >/dev/null && dotnet sln services.slnx add services/*/*.csproj >/dev/null \
 && dotnet restore services.slnx -nologo -v:quiet
COPY shared/ shared/
COPY services/ services/
# The same layer as in service.Dockerfile (every service published at once), so the two share the build cache.
RUN dotnet publish services.slnx --no-restore -c Release -nologo -v:quiet \
      -p:UseAppHost=false -p:BuildFrontend=false -p:RunAnalyzers=false \
 && mkdir /out && for p in services/*/; do mv "$p"bin/Release/*/publish "/out/$(basename "$p")"; done

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /out/Nop.Dashboard ./
COPY --from=frontend /frontend/dist ./wwwroot
# The Data Protection key ring's volume (Dashboard__KeysDirectory): a new named volume takes this owner.
RUN mkdir -p /keys && chown "$APP_UID" /keys
# The non-root user of the .NET images ($APP_UID, 1654).
USER $APP_UID
ENV Dashboard__WebRoot=/app/wwwroot
ENTRYPOINT ["dotnet", "Nop.Dashboard.dll"]
