using Backup.Abstractions;
using Backup.Host.Cli;
using Backup.Host.Pipeline;
using Backup.Host.Spec;

namespace Backup.Host.Tests;

public sealed class CapabilitiesSpecs
{
    private static readonly JobSpec Spec = new SpecLoader(_ => null).Parse(
        "name: nightly\nsource: {plugin: fake}\nstorage: {plugin: bucket, settings: {path: /b}}\n", "job.yaml");

    [Fact]
    public void A_storage_that_cannot_read_is_one_line_naming_the_plugin_and_the_command()
    {
        var job = new BackupJob(Spec, new NoSource(), new WriteOnlyStorage());

        var act = () => Capabilities.RequireStorage<IReadableBackupStorage>(job, "backup list");

        act.Should().Throw<BackupSettingsException>().Which.Message.Should()
            .Be("job.yaml:3:19: storage plugin 'bucket' (write-only:) cannot list or read objects, which 'backup list' needs");
    }

    [Fact]
    public void A_storage_that_cannot_delete_is_refused_for_retention()
    {
        var job = new BackupJob(Spec, new NoSource(), new WriteOnlyStorage());

        var act = () => Capabilities.RequireStorage<IDeletableBackupStorage>(job, "retention");

        act.Should().Throw<BackupSettingsException>().Which.Message.Should().Contain("cannot delete objects, which 'retention' needs");
    }

    [Fact]
    public void A_source_that_cannot_restore_is_one_line()
    {
        var job = new BackupJob(Spec, new NoSource(), new WriteOnlyStorage());

        var act = () => Capabilities.RequireRestorableSource(job);

        act.Should().Throw<BackupSettingsException>().Which.Message.Should().Contain("source plugin 'fake' cannot restore backups");
    }

    private sealed class WriteOnlyStorage : IBackupStorage
    {
        public string Location => "write-only:";

        public Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoSource : IBackupSource
    {
        public Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken) => Task.FromResult(SourceResult.Empty);
    }
}
