# One image per storage: the `backup` host, the mariadb-ha source with the MariaDB client tools it runs,
# and ONLY the storage plugin named by STORAGE.
#
#   docker build --build-arg STORAGE=aws -t startree-backup:aws .      # aws | azure | gcp | local
#
# Framework-dependent, not self-contained or trimmed: the plugins are found and loaded by reflection at
# run time, so the trimmer cannot see which host/framework members they call (it would remove them and
# the plugin fails with MissingMethodException), and a plugin added later (a derived image FROM this one)
# needs the full framework anyway. The shared runtime layer is the same for all four images, so a node
# pulls it once; what differs per image is a few MB of app.
#
# Built and run for real by the tests (scripts/test-images.sh, tests/Backup.Deploy.Tests/ImageSpecs.cs):
# every storage, on local stand-ins for the two bases, read-only, as uid 10001.

ARG STORAGE=local
# .NET 10 ships no Debian images: the default 10.0 tags are Ubuntu 24.04 (noble), named explicitly here.
# Not the chiseled variant: groupadd below needs a shell. Arguments so that a mirror or a local stand-in
# can be named without editing this file.
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG DOTNET_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime:10.0-noble

FROM ${DOTNET_SDK_IMAGE} AS build
WORKDIR /src
# Only what the publish needs (see .dockerignore), so test or doc edits do not invalidate this layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY build/publish.sh build/publish-image-layout.sh build/
COPY src/ src/
COPY plugins/ plugins/
# The host and EVERY plugin, without STORAGE: the four images share this layer (built once, then cached).
RUN --mount=type=cache,target=/root/.nuget/packages \
    build/publish.sh /out/app

FROM build AS layout
ARG STORAGE
# The same script the tests use to build and check this exact folder (build/publish-image-layout.sh).
RUN build/publish-image-layout.sh --from /out/app "$STORAGE" /out/image

# The source runs two C programs; their package (mariadb-client) brings perl and its modules, 82 MB for
# 10 MB of programs. So they are installed here, on the runtime base (same libc and libraries), and the
# runtime stage copies only them and the shared libraries they load that the base lacks.
FROM ${DOTNET_RUNTIME_IMAGE} AS mariadb-tools
COPY build/copy-with-libraries.sh /usr/local/bin/
# mariadb-dump (the dump), mariadb (restores), and the client's authentication plugins (loaded with dlopen
# when a server account uses ed25519 or caching_sha2_password).
RUN find / -xdev \( -type f -o -type l \) -print | sort >/tmp/base-files \
 && apt-get update \
 && apt-get install -y --no-install-recommends mariadb-client \
 && copy-with-libraries.sh /out /tmp/base-files /usr/bin/mariadb-dump /usr/bin/mariadb \
      "$(dpkg -L libmariadb3 | grep '/plugin$')"

FROM ${DOTNET_RUNTIME_IMAGE} AS runtime
ARG STORAGE
COPY --from=mariadb-tools /out/ /
# A fixed, unprivileged uid/gid the Kubernetes securityContext names (runAsUser: 10001). Not "backup":
# Debian's and Ubuntu's base-passwd already have that group (gid 34), and groupadd fails on it.
RUN groupadd --gid 10001 startree-backup \
 && useradd --uid 10001 --gid 10001 --no-create-home --no-log-init --home-dir /nonexistent \
      --shell /usr/sbin/nologin startree-backup

# Owned by root and not writable by the backup user: the root filesystem can be mounted read-only.
COPY --from=layout /out/image /app

# Scratch space for the dump and archive: the CronJob mounts an emptyDir at /tmp (readOnlyRootFilesystem).
ENV BACKUP_TEMP_DIR=/tmp/backup
# One JSON object per log line, for the cluster's log collector.
ENV BACKUP_LOG_FORMAT=json
# The GC sizes its first-generation budget from the CPU's L3 cache: on a node with a 260 MB L3 it let ~90 MB
# of garbage pile up before the first collection (host peak RSS 176 MB streaming a 1 GB dump, 218 MB into
# S3). 16 MiB keeps the peak at ~115 MB (+ the storage's upload parts) at no measured cost in wall time.
# The runtime reads this knob from the environment only (System.GC.Gen0Size in runtimeconfig.json is ignored).
ENV DOTNET_GCgen0size=0x1000000
# Tools that write under $HOME (the MariaDB client's history, SDK caches) write to the mounted /tmp.
ENV HOME=/tmp
# Plugins are found in /app/plugins (the host's default: "plugins" beside the executable); a derived
# image adds its own plugin folder there.

LABEL org.opencontainers.image.title="startree-backup" \
      org.opencontainers.image.description="MariaDB HA backup to ${STORAGE} storage" \
      io.startree.backup.storage="${STORAGE}"

USER 10001:10001
WORKDIR /app
ENTRYPOINT ["/app/backup"]
CMD ["run", "--spec", "/etc/backup/job.yaml"]
