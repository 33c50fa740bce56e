using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Testing;

namespace Backup.Host.Tests;

/// <summary>
/// The storage kit against a valid write-only storage (the contract's minimum, <see cref="IBackupStorage"/> alone): every
/// test that needs read, delete, create-only, pre-flight or locations is skipped with the reason, none fails.
/// </summary>
public sealed class WriteOnlyStorageConformanceSpecs : StorageConformanceTests, IDisposable
{
    private readonly TempDir _dir = new();

    public WriteOnlyStorageConformanceSpecs() => Directory.CreateDirectory(_dir.Combine("store"));

    protected override IBackupStoragePlugin Plugin { get; } = new WriteOnlyPlugin();

    protected override PluginSettings CreateSettings() => Settings(_dir.Combine("store"));

    protected override PluginSettings CreateMissingContainerSettings() => Settings(_dir.Combine("missing"));

    public void Dispose() => _dir.Dispose();

    private static PluginSettings Settings(string path) =>
        SettingsBuilder.From(new Dictionary<string, object> { ["path"] = path }, "storage.settings");

    /// <summary>Writes each object to a file (via a temporary one, so a failed upload leaves nothing); reads nothing back.</summary>
    private sealed class WriteOnlyPlugin : IBackupStoragePlugin
    {
        public string Name => "write-only";

        public IBackupStorage CreateStorage(PluginContext context) => new WriteOnlyStorage(context.Settings.GetRequiredString("path"));
    }

    private sealed class WriteOnlyStorage(string root) : IBackupStorage
    {
        public string Location => $"write-only:{root}";

        public async Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
        {
            // The "container" must exist, as a bucket must: a missing one fails naming the key.
            if (!Directory.Exists(root))
            {
                throw new BackupStorageException($"write-only: {root} does not exist (uploading {key})");
            }

            var target = Path.Combine(root, key);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temporary = target + ".partial";
            try
            {
                await using (var file = File.Create(temporary))
                {
                    await content.CopyToAsync(file, cancellationToken);
                }

                File.Move(temporary, target, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
    }
}
