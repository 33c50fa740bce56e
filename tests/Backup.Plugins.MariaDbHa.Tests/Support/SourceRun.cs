using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests.Support;

/// <summary>Creates a mariadb-ha source from literal settings and runs it against a memory writer in a private work directory.</summary>
internal sealed class SourceRun : IDisposable
{
    public const string EntryName = "all-databases-dump.sql";

    private readonly TempDir _workDir = new();

    public CapturingLoggerFactory Logs { get; } = new();

    public MemoryBackupWriter Writer { get; } = new();

    public string WorkDirectory => _workDir.Path;

    /// <summary>Settings for the test server (host, port) plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, object> ServerSettings(IReadOnlyDictionary<string, object> password, params (string Key, object Value)[] extra)
    {
        var settings = new Dictionary<string, object>
        {
            ["host"] = TestServers.MariaDbHost,
            ["port"] = TestServers.MariaDbPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["password"] = password,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Dictionary<string, object> EnvPassword(string variable) => new() { ["env"] = variable };

    public static Dictionary<string, object> FilePassword(string path) => new() { ["file"] = path };

    public IBackupSource Create(IReadOnlyDictionary<string, object> settings) =>
        new MariaDbHaPlugin().CreateSource(new PluginContext(SettingsBuilder.From(settings), Logs));

    /// <summary>Settings for the Galera test cluster: every node in <c>hosts</c>, root's password from the environment, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, object> ClusterSettings(GaleraCluster cluster, params (string Key, object Value)[] extra)
    {
        var settings = new Dictionary<string, object>
        {
            ["hosts"] = cluster.Hosts,
            ["password"] = EnvPassword(TestServers.MariaDbPasswordVariable),
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public async Task<SourceResult> RunAsync(IReadOnlyDictionary<string, object> settings, CancellationToken cancellationToken = default)
    {
        // Every run targets the real server: say so plainly when it is missing rather than fail inside the plugin.
        await TestServers.EnsureMariaDbAsync();
        return await Create(settings).BackupAsync(
            new BackupContext("test-job", "test-job-1", DateTimeOffset.UtcNow, WorkDirectory, Writer),
            cancellationToken);
    }

    /// <summary>The dump's text, as the writer received it.</summary>
    public string DumpText => Text(EntryName);

    /// <summary>An entry's text.</summary>
    public string Text(string entryName) => System.Text.Encoding.UTF8.GetString(Writer.Entries[entryName]);

    public void Dispose() => _workDir.Dispose();
}
