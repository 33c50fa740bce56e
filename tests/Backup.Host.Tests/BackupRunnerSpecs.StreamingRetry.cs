using System.IO.Compression;
using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Spec;
using Backup.Host.Tests.Support;
using Backup.Testing;

namespace Backup.Host.Tests;

/// <summary>Streaming mode when the source's entry fails part-way and the source writes again (mariadb-ha after a transient error or a fail-over).</summary>
public sealed partial class BackupRunnerSpecs
{
    [Theory]
    [InlineData("dump.sql")]
    [InlineData("all-databases.sql")]
    public async Task A_streamed_entry_written_again_after_it_failed_restarts_the_upload_and_stores_only_the_new_attempt(string secondName)
    {
        var storage = new AttemptCountingStorage();
        var second = TestData.Dump(3 * MiB / 2, seed: 2);
        var source = new ScriptedSource(async (context, ct) =>
        {
            var failed = () => context.Writer.WriteEntryAsync(
                "dump.sql",
                async (stream, c) =>
                {
                    // More than the pipe holds: some of it is in the storage's upload when the entry fails.
                    await stream.WriteAsync(TestData.Dump(8 * MiB), c);
                    throw new IOException("Unknown database 'gone' (1049)");
                },
                ct);
            await failed.Should().ThrowAsync<IOException>();
            await context.Writer.WriteEntryAsync(secondName, (stream, c) => stream.WriteAsync(second, c).AsTask(), ct);
        });
        var logs = new CapturingLoggerFactory();

        var outcome = await RunAsync(source, storage, Pipeline(PipelineMode.Streaming), logs: logs);

        storage.Started.Should().Equal("p/job-20261125T040000Z.sql.gz", "p/job-20261125T040000Z.sql.gz", "p/job-20261125T040000Z.manifest.json", "p/job-20261125T040000Z.sql.gz.sha1");
        storage.Inner.Objects.Keys.Should().BeEquivalentTo(outcome.ArchiveKey, "p/job-20261125T040000Z.manifest.json", "p/job-20261125T040000Z.sql.gz.sha1");
        using var plain = new MemoryStream();
        await new GZipStream(new MemoryStream(storage.Inner.Objects[outcome.ArchiveKey]), CompressionMode.Decompress).CopyToAsync(plain);
        plain.ToArray().Should().Equal(second);
        var manifest = (await BackupManifest.ReadAsync(new MemoryStream(storage.Inner.Objects["p/job-20261125T040000Z.manifest.json"]), CancellationToken.None))!;
        manifest.Entries.Should().Equal(new EntryInfo(secondName, second.Length, Sha1(second)));
        manifest.Archive.Should().Be(outcome.Archive);
        logs.Messages.Should().Contain($"Entry dump.sql failed after it went into the upload; abandoning that upload (nothing of it is stored) and starting again with entry {secondName}");
    }

    [Fact]
    public async Task A_streamed_entry_that_failed_and_was_not_written_again_fails_the_run_and_stores_nothing()
    {
        var storage = new MemoryStorage();
        var source = new ScriptedSource(async (context, ct) =>
        {
            try
            {
                await context.Writer.WriteEntryAsync(
                    "dump.sql",
                    async (stream, c) =>
                    {
                        await stream.WriteAsync(TestData.Dump(3 * MiB), c);
                        throw new IOException("node db-0 went away");
                    },
                    ct);
            }
            catch (IOException)
            {
                // A source that carries on without the entry: what went into the upload cannot be taken back.
            }
        });

        var act = () => RunAsync(source, storage, Pipeline(PipelineMode.Streaming));

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should()
            .Be("entry 'dump.sql' of source 'fake' failed and the source did not write it again; nothing was stored");
        storage.Objects.Should().BeEmpty();
    }

    /// <summary>A memory storage that records every upload it starts, also those that never finish.</summary>
    private sealed class AttemptCountingStorage : ICreateOnlyBackupStorage, IDeletableBackupStorage
    {
        private readonly List<string> _started = [];

        public MemoryStorage Inner { get; } = new();

        public IReadOnlyList<string> Started => _started;

        public string Location => Inner.Location;

        public Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) =>
            CreateAsync(key, content, options, cancellationToken);

        public Task<DateTimeOffset?> CreateAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
        {
            lock (_started)
            {
                _started.Add(key);
            }

            return Inner.CreateAsync(key, content, options, cancellationToken);
        }

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => Inner.DeleteAsync(key, cancellationToken);
    }
}
