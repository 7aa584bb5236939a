# The mail catcher of docker compose (service `mail`): smtp4dev, the development mail server `./nop up` runs as a .NET
# local tool (dotnet-tools.json), installed here with the SDK and run on the ASP.NET runtime image. Build from the
# repository root:
#   docker build -f deploy/docker/smtp4dev.Dockerfile -t nop/smtp4dev .
# SDK_IMAGE and RUNTIME_IMAGE as in service.Dockerfile (deploy/docker/local-images.sh builds stand-ins).
# SMTP4DEV_VERSION is dotnet-tools.json's (tests/Nop.Compose.Tests checks they agree).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS tool
ARG SMTP4DEV_VERSION=3.15.0
# The command is a link to the package's own executable, which NuGet unpacks without its execute bit.
RUN dotnet tool install Rnwood.Smtp4dev --version "$SMTP4DEV_VERSION" --tool-path /opt/smtp4dev \
 && chmod 755 "$(readlink -f /opt/smtp4dev/smtp4dev)"

FROM ${RUNTIME_IMAGE}
# The shim finds its files under the same path, and the runtime under DOTNET_ROOT.
COPY --from=tool /opt/smtp4dev /opt/smtp4dev
# /data holds its SQLite database of received messages: owned by the app user, so a named volume there is writable.
RUN mkdir -p /data && chown "$APP_UID" /data
# The non-root user of the .NET images ($APP_UID, 1654). Workstation GC: a development tool needs no server GC heaps.
USER $APP_UID
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_gcServer=0
EXPOSE 2525 5095
# No IMAP or POP3, no user settings file; the messages in /data. CMD: the ports, open to the other containers (compose
# publishes them on the host's loopback only).
ENTRYPOINT ["/opt/smtp4dev/smtp4dev", "--nousersettings", "--baseappdatapath=/data", "--db=/data/smtp4dev.db", \
            "--hostname=localhost", "--imapport=", "--pop3port="]
CMD ["--allowremoteconnections+", "--smtpport=2525", "--urls=http://*:5095"]
