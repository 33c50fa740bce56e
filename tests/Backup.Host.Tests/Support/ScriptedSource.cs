using Backup.Abstractions;

namespace Backup.Host.Tests.Support;

/// <summary>A source that runs the given script against the host's writer.</summary>
internal sealed class ScriptedSource(Func<BackupContext, CancellationToken, Task> script) : IBackupSource
{
    public async Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken)
    {
        await script(context, cancellationToken);
        return new SourceResult(new Dictionary<string, string> { ["fake"] = "yes" }) { Inventory = Inventory, BasedOn = BasedOn };
    }

    /// <summary>The base the source claims (contract 1.3), or null for a full backup.</summary>
    public string? BasedOn { get; init; }

    /// <summary>The inventory the source reports (contract 1.3), or null.</summary>
    public ContentInventory? Inventory { get; init; }

    /// <summary>A source writing the given entries.</summary>
    public static ScriptedSource Writing(params (string Name, byte[] Content)[] entries) => Writing(null, entries);

    /// <summary>A source writing the given entries and reporting <paramref name="inventory"/>.</summary>
    public static ScriptedSource Writing(ContentInventory? inventory, params (string Name, byte[] Content)[] entries) =>
        new(async (context, ct) =>
        {
            foreach (var (name, content) in entries)
            {
                await context.Writer.WriteEntryAsync(name, (stream, c) => stream.WriteAsync(content, c).AsTask(), ct);
            }
        }) { Inventory = inventory };
}
