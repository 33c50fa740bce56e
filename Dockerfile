# syntax=docker/dockerfile:1
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
# .NET 10 ships no Debian images: the default 10.0 tags are Ubuntu 24.04 (noble), named explicitly here.
# Not the chiseled variant: it has no apt, and the source needs mariadb-dump.

ARG STORAGE=local

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG STORAGE
WORKDIR /src
# Only what the publish needs (see .dockerignore), so test or doc edits do not invalidate this layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY build/ build/
COPY src/ src/
COPY plugins/ plugins/
# The same script the tests use to build and check this exact folder (build/publish-image-layout.sh).
RUN --mount=type=cache,target=/root/.nuget/packages \
    build/publish-image-layout.sh "$STORAGE" /out

FROM mcr.microsoft.com/dotnet/runtime:10.0-noble AS runtime
ARG STORAGE
# mariadb-dump (the dump) and mariadb (restores) only; no recommends, no apt lists left behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends mariadb-client \
 && rm -rf /var/lib/apt/lists/*
# A fixed, unprivileged uid/gid the Kubernetes securityContext names (runAsUser: 10001).
RUN groupadd --gid 10001 backup \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin backup

# Owned by root and not writable by the backup user: the root filesystem can be mounted read-only.
COPY --from=build /out /app

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
