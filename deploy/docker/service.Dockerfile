# NOP's .NET services (Ingest, Processing, Alerting, History, Simulator): PROJECT names the folder under services/.
# Build from the repository root:
#   docker build -f deploy/docker/service.Dockerfile --build-arg PROJECT=Nop.Ingest -t nop/ingest .
# SDK_IMAGE and RUNTIME_IMAGE default to Microsoft's images; deploy/docker/local-images.sh builds stand-ins for
# machines without a registry. The Dashboard has its own Dockerfile (it also builds the frontend).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

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
# Every service is published in this one layer, before PROJECT is read: the layer is then the same for all the
# service images (dashboard.Dockerfile starts with the same lines), so the shared projects compile once and the
# other images come from the build cache. One MSBuild run over the solution builds the projects in parallel, and
# without the analyzers: they add no code, `./nop test` already fails on any of their findings, and they took about
# half of this layer's CPU. The page is built in the Dashboard's Node stage, not here.
RUN dotnet publish services.slnx --no-restore -c Release -nologo -v:quiet \
      -p:UseAppHost=false -p:BuildFrontend=false -p:RunAnalyzers=false \
 && mkdir /out && for p in services/*/; do mv "$p"bin/Release/*/publish "/out/$(basename "$p")"; done

FROM ${RUNTIME_IMAGE}
ARG PROJECT
WORKDIR /app
# /data holds a service's SQLite database when it uses one (docker compose uses SQL Server): owned by the app user,
# so a named volume mounted there is writable too.
RUN test -n "$PROJECT" || { echo "--build-arg PROJECT=Nop.<Service> is required" >&2; exit 1; } \
 && mkdir -p /data && chown "$APP_UID" /data
COPY --from=build /out/${PROJECT} ./
# The non-root user of the .NET images ($APP_UID, 1654).
USER $APP_UID
ENV NOP_ASSEMBLY=${PROJECT}.dll
ENTRYPOINT ["sh", "-c", "exec dotnet \"$NOP_ASSEMBLY\" \"$@\"", "--"]
