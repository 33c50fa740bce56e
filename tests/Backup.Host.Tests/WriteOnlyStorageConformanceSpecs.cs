using System.Reflection;
using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Testing;
using Xunit.Sdk;

namespace Backup.Host.Tests;

/// <summary>
/// The storage kit against a valid write-only storage (the contract's minimum, <see cref="IBackupStorage"/> alone): each
/// write test passes, and every test that needs read, delete, create-only, pre-flight or locations is skipped naming the
/// interface it needs — none fails, none demands what the storage does not claim.
/// </summary>
/// <remarks>
/// The kit's tests are invoked here, one case each, on a subclass kept out of discovery (private), so what proves the
/// kit skips is a passing test of this repository and the suite itself skips nothing.
/// </remarks>
public sealed class WriteOnlyStorageConformanceSpecs
{
    /// <summary>The kit's tests a write-only storage must pass (the rest must be skipped).</summary>
    private static readonly string[] WriteTests =
    [
        nameof(StorageConformanceTests.An_uploaded_object_is_stored_and_reads_back_byte_for_byte_when_readable),
        nameof(StorageConformanceTests.A_stream_of_unknown_length_is_stored_completely),
        nameof(StorageConformanceTests.An_empty_object_can_be_stored),
        nameof(StorageConformanceTests.A_large_object_of_unknown_length_is_stored_completely_with_bounded_memory),
        nameof(StorageConformanceTests.A_missing_bucket_or_container_fails_with_one_line_naming_the_key),
        nameof(StorageConformanceTests.A_content_stream_that_fails_fails_the_upload),
    ];

    /// <summary>The capabilities the write-only storage lacks; a skip must name one of them.</summary>
    private static readonly string[] Missing =
    [
        nameof(IReadableBackupStorage), nameof(IDeletableBackupStorage), nameof(ICreateOnlyBackupStorage),
        nameof(IPreflightBackupStorage), nameof(ILocatingBackupStorage),
    ];

    /// <summary>Every test case of the kit: its method and the index of its data row (0 for a fact).</summary>
    public static TheoryData<string, int> KitCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (method, rows) in Kit.Cases())
        {
            for (var row = 0; row < rows.Count; row++)
            {
                data.Add(method.Name, row);
            }
        }

        return data;
    }

    [Fact]
    public void The_kit_has_six_write_tests_and_thirteen_cases_needing_a_capability()
    {
        var cases = Kit.Cases().SelectMany(c => c.Rows.Select(_ => c.Method.Name)).ToList();

        cases.Where(WriteTests.Contains).Should().BeEquivalentTo(WriteTests, "each write test is one case");
        cases.Where(n => !WriteTests.Contains(n)).Should().HaveCount(13, "read 5, delete 1, create-only 3 (a theory of 2 and the race), pre-flight 3, location 1");
    }

    [Theory]
    [MemberData(nameof(KitCases))]
    public async Task Each_kit_case_passes_when_it_only_writes_and_is_skipped_naming_the_missing_interface_otherwise(string method, int row)
    {
        var act = () => Kit.RunAsync(method, row);

        if (WriteTests.Contains(method))
        {
            await act.Should().NotThrowAsync("a write test must pass on a storage that can only write");
        }
        else
        {
            var skip = (await act.Should().ThrowAsync<Xunit.SkipException>("a test needing an unclaimed capability is skipped, not failed")).Which;
            skip.Message.Should().StartWith($"{nameof(WriteOnlyStorage)} does not implement ");
            Missing.Should().Contain(m => skip.Message.Contains($"implement {m}, needed ", StringComparison.Ordinal), skip.Message);
        }
    }

    /// <summary>The kit for the write-only storage; private, so xunit does not run it as tests of its own.</summary>
    private sealed class Kit : StorageConformanceTests, IDisposable
    {
        private readonly TempDir _dir = new();

        private Kit() => Directory.CreateDirectory(_dir.Combine("store"));

        protected override IBackupStoragePlugin Plugin { get; } = new WriteOnlyPlugin();

        /// <summary>The kit's test methods with their data rows (one empty row for a fact), as xunit would run them.</summary>
        public static IEnumerable<(MethodInfo Method, IReadOnlyList<object[]> Rows)> Cases() =>
            typeof(StorageConformanceTests).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
                .OrderBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => (m, m.GetCustomAttribute<TheoryAttribute>() is null
                    ? (IReadOnlyList<object[]>)[[]]
                    : m.GetCustomAttributes<DataAttribute>().SelectMany(d => d.GetData(m)).ToList()));

        /// <summary>Runs one case on a fresh instance, as xunit does, and removes its directory after.</summary>
        public static async Task RunAsync(string method, int row)
        {
            var (test, rows) = Cases().Single(c => c.Method.Name == method);
            using var kit = new Kit();
            try
            {
                await (Task)test.Invoke(kit, rows[row])!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }

        protected override PluginSettings CreateSettings() => Settings(_dir.Combine("store"));

        protected override PluginSettings CreateMissingContainerSettings() => Settings(_dir.Combine("missing"));

        public void Dispose() => _dir.Dispose();

        private static PluginSettings Settings(string path) =>
            SettingsBuilder.From(new Dictionary<string, object> { ["path"] = path }, "storage.settings");
    }

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
