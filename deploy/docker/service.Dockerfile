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
COPY shared/ shared/
COPY services/ services/
# Every service is published in this one layer, before PROJECT is read: the layer is then the same for all the
# service images (dashboard.Dockerfile starts with the same lines), so the shared projects compile once and the
# other images come from the build cache. The page is built in the Dashboard's Node stage, not here.
RUN for p in services/*/*.csproj; do \
      n="$(basename "$p" .csproj)"; \
      dotnet publish "$p" -c Release -o "/out/$n" -p:UseAppHost=false -p:BuildFrontend=false -nologo -v:quiet || exit 1; \
    done

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
