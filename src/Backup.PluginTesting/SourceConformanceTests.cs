using Backup.Abstractions;
using FluentAssertions;
using Xunit;

namespace Backup.PluginTesting;

/// <summary>
/// The source contract, run against the source's real server: inherit it in the plugin's test project, say how to make
/// settings, and every test here runs for that plugin — or is skipped, with the reason, when the plugin takes no secret.
/// </summary>
/// <remarks>
/// <para>Checks what the host relies on: at least one entry, each with a valid, unique name (<see cref="BackupEntryName"/>);
/// the declared entry shape, for a source that declares one (<see cref="IShapedBackupSource"/>);
/// cancellation ends a running backup with <see cref="OperationCanceledException"/>; and no secret in anything the source
/// logs (every line, at every level, with its structured values), reports (metadata, entry names) or throws.</para>
/// <para>The source is created through the plugin's entry type, exactly as the host does. Entries go to a
/// <see cref="RecordingBackupWriter"/>, which hashes them and holds no content, so a real dump of any size fits.</para>
/// </remarks>
public abstract class SourceConformanceTests : IDisposable
{
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("source-conformance-").FullName;

    /// <summary>The plugin under test (its public entry type).</summary>
    protected abstract IBackupSourcePlugin Plugin { get; }

    /// <summary>A secret the kit makes up for <see cref="CreateSettingsWithSecret"/>, unique to this test.</summary>
    protected string KnownSecret { get; } = $"kit-secret-{Guid.NewGuid():N}";

    /// <summary>Secret values the working settings lead to (the password the source will read), which must appear nowhere the source writes.</summary>
    protected virtual IReadOnlyList<string> Secrets => [];

    /// <summary>How long a cancelled backup may take to end before the kit calls cancellation ignored.</summary>
    protected virtual TimeSpan CancellationDeadline => TimeSpan.FromSeconds(60);

    /// <summary>Settings for a working source, as the spec's <c>source.settings</c> would give them. Called once per source created.</summary>
    protected abstract PluginSettings CreateSettings();

    /// <summary>
    /// The working settings with their secret (password, token) replaced by <paramref name="secret"/> — e.g. a password
    /// file holding it — which the server will refuse; null when the source takes no secret (the test is then skipped).
    /// </summary>
    protected virtual PluginSettings? CreateSettingsWithSecret(string secret) => null;

    /// <summary>Creates the source through the plugin's entry type and checks the host would accept the settings.</summary>
    protected IBackupSource CreateSource(PluginSettings settings, RecordingLoggerFactory logs)
    {
        var source = Plugin.CreateSource(new PluginContext(settings, logs));
        settings.Problems.Should().BeEmpty();
        settings.UnreadKeys.Should().BeEmpty("every setting given to the plugin must be one it knows");
        return source;
    }

    /// <summary>Writes <paramref name="secret"/> and a newline to a new file in the kit's work directory (removed after the test), as a mounted Secret holds it.</summary>
    /// <returns>The file's path, for the setting that names the secret's file.</returns>
    protected string WriteSecretFile(string secret)
    {
        var file = Path.Combine(_workDirectory, $"secret-{Guid.NewGuid():N}");
        File.WriteAllText(file, secret + "\n");
        return file;
    }

    /// <summary>Runs one backup of <paramref name="source"/> into <paramref name="writer"/> in a private work directory.</summary>
    protected Task<SourceResult> BackupAsync(IBackupSource source, RecordingBackupWriter writer, CancellationToken cancellationToken = default)
    {
        var run = Directory.CreateDirectory(Path.Combine(_workDirectory, Guid.NewGuid().ToString("N"))).FullName;
        var now = DateTimeOffset.UtcNow;
        return source.BackupAsync(new BackupContext("conformance", $"conformance-{now:yyyyMMdd'T'HHmmss'Z'}", now, run, writer), cancellationToken);
    }

    [Fact]
    public async Task A_backup_writes_at_least_one_entry_each_with_a_valid_unique_name()
    {
        var writer = new RecordingBackupWriter();

        var result = await BackupAsync(CreateSource(CreateSettings(), new RecordingLoggerFactory()), writer);

        writer.Entries.Should().NotBeEmpty("a backup with no entry restores nothing");
        writer.RequestedNames.Should().OnlyContain(n => BackupEntryName.IsValid(n));
        // A name may be asked for again after its entry was discarded (a source retrying a failed dump), never after it was written.
        writer.Entries.Select(e => e.Name).Should().OnlyHaveUniqueItems();
        result.Should().NotBeNull();
        result.Metadata.Keys.Should().OnlyContain(k => k.Length > 0);
    }

    [SkippableFact]
    public async Task A_source_that_declares_its_entry_shape_writes_entries_of_that_shape()
    {
        var source = CreateSource(CreateSettings(), new RecordingLoggerFactory());
        Skip.IfNot(source is IShapedBackupSource, $"{source.GetType().Name} does not implement {nameof(IShapedBackupSource)} (optional, contract 1.3)");
        var shape = ((IShapedBackupSource)source).EntryShape;
        var writer = new RecordingBackupWriter();

        await BackupAsync(source, writer);

        if (shape.IsSingleEntry)
        {
            writer.Entries.Select(e => e.Name).Should().Equal([shape.EntryName], "the host names a streaming object after the one entry the source declares, and validate lets streaming mode through for it");
        }
        else
        {
            writer.Entries.Should().NotBeEmpty("a source that declares several entries writes at least one");
        }
    }

    [SkippableFact]
    public async Task Nothing_a_working_backup_logs_or_reports_holds_a_secret()
    {
        Skip.If(Secrets.Count == 0, $"{GetType().Name} declares no {nameof(Secrets)}: override it with the password or token the working settings lead to");
        var logs = new RecordingLoggerFactory();
        var writer = new RecordingBackupWriter();

        var result = await BackupAsync(CreateSource(CreateSettings(), logs), writer);

        var written = logs.Lines
            .Concat(result.Metadata.SelectMany(m => new[] { m.Key, m.Value }))
            .Concat(writer.RequestedNames)
            .ToList();
        foreach (var secret in Secrets)
        {
            written.Should().NotContain(line => line.Contains(secret, StringComparison.Ordinal), "a secret must never reach a log line, the manifest or an entry name");
        }
    }

    [SkippableFact]
    public async Task A_refused_secret_fails_in_one_line_and_is_in_nothing_the_source_logs_or_throws()
    {
        var settings = CreateSettingsWithSecret(KnownSecret);
        Skip.If(settings is null, $"{GetType().Name} gives no {nameof(CreateSettingsWithSecret)}: the source takes no secret");
        var logs = new RecordingLoggerFactory();

        var act = () => BackupAsync(CreateSource(settings!, logs), new RecordingBackupWriter());

        var error = (await act.Should().ThrowAsync<BackupException>("a refused credential is a failure the user can act on, not a crash")).Which;
        error.Message.Should().NotContain("\n").And.NotContain(KnownSecret);
        error.ToString().Should().NotContain(KnownSecret, "--verbose prints the whole exception");
        logs.Lines.Should().NotContain(line => line.Contains(KnownSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelling_a_running_backup_ends_it_with_OperationCanceledException()
    {
        using var cancellation = new CancellationTokenSource();
        var writer = new RecordingBackupWriter { FirstBytesWritten = cancellation.Cancel };
        writer.CancelWritesWith(cancellation.Token);
        var source = CreateSource(CreateSettings(), new RecordingLoggerFactory());

        var act = () => BackupAsync(source, writer, cancellation.Token).WaitAsync(CancellationDeadline);

        await act.Should().ThrowAsync<OperationCanceledException>($"the host cancels on SIGTERM and on a stall; the source must stop within {CancellationDeadline.TotalSeconds:0} s and not report a failure of its own");
        cancellation.IsCancellationRequested.Should().BeTrue("the source must have written bytes before it was cancelled");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes the work directories; override to release the derived class's resources too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(_workDirectory))
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
    }
}
