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
COPY shared/ shared/
COPY services/ services/
# The same layer as in service.Dockerfile (every service published at once), so the two share the build cache.
RUN for p in services/*/*.csproj; do \
      n="$(basename "$p" .csproj)"; \
      dotnet publish "$p" -c Release -o "/out/$n" -p:UseAppHost=false -p:BuildFrontend=false -nologo -v:quiet || exit 1; \
    done

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
