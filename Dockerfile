# One image per (source, storage): the `backup` host, ONLY the source plugin named by SOURCE with the programs it
# runs, and ONLY the storage plugin named by STORAGE.
#
#   docker build --build-arg STORAGE=aws -t startree-backup:aws .       # mariadb-ha (logical), aws | azure | gcp | local
#   docker build --build-arg SOURCE=mariadb-backup --build-arg STORAGE=aws -t startree-backup-mariadb-backup:aws .
#
# Framework-dependent, not self-contained or trimmed: the plugins are found and loaded by reflection at
# run time, so the trimmer cannot see which host/framework members they call (it would remove them and
# the plugin fails with MissingMethodException), and a plugin added later (a derived image FROM this one)
# needs the full framework anyway. The shared runtime layer is the same for every image, so a node
# pulls it once; what differs per image is the app and the source's programs.
#
# Built and run for real by the tests (scripts/test-images.sh, tests/Backup.Deploy.Tests/Image*Specs.cs, PhysicalImageSpecs.cs):
# every storage with mariadb-ha and the physical source with local, on local stand-ins for the two bases, read-only.

ARG SOURCE=mariadb-ha
ARG STORAGE=local
# .NET 10 ships no Debian images: the default 10.0 tags are Ubuntu 24.04 (noble), named explicitly here.
# Not the chiseled variant: groupadd below needs a shell. Arguments so that a mirror or a local stand-in
# can be named without editing this file.
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG DOTNET_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime:10.0-noble

FROM ${DOTNET_SDK_IMAGE} AS build
# The layout script reads the host's plugin listing (JSON) to find a plugin by name and kind.
RUN apt-get update && apt-get install -y --no-install-recommends jq && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the publish needs (see .dockerignore), so test or doc edits do not invalidate this layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY build/publish.sh build/publish-image-layout.sh build/
COPY src/ src/
COPY plugins/ plugins/
# The host and EVERY plugin, without SOURCE or STORAGE: all images share this layer (built once, then cached).
RUN --mount=type=cache,target=/root/.nuget/packages \
    build/publish.sh /out/app

FROM build AS layout
ARG SOURCE
ARG STORAGE
# The same script the tests use to build and check this exact folder (build/publish-image-layout.sh).
RUN build/publish-image-layout.sh --from /out/app "$SOURCE" "$STORAGE" /out/image

# The programs the source runs (mariadb-ha: mariadb-dump and mariadb; mariadb-backup: mariadb-backup and mbstream),
# installed here on the runtime base (same libc and libraries); the runtime stage copies only them and the shared
# libraries they load that the base lacks, not their packages' dependencies (mariadb-client brings 82 MB of perl).
FROM ${DOTNET_RUNTIME_IMAGE} AS source-tools
ARG SOURCE
COPY build/source-tools.sh build/copy-with-libraries.sh /usr/local/bin/
RUN source-tools.sh "$SOURCE" /out

FROM ${DOTNET_RUNTIME_IMAGE} AS runtime
ARG SOURCE
ARG STORAGE
COPY --from=source-tools /out/ /
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
      org.opencontainers.image.description="MariaDB backup (${SOURCE}) to ${STORAGE} storage" \
      io.startree.backup.source="${SOURCE}" \
      io.startree.backup.storage="${STORAGE}"

USER 10001:10001
WORKDIR /app
ENTRYPOINT ["/app/backup"]
CMD ["run", "--spec", "/etc/backup/job.yaml"]
