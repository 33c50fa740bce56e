using Backup.Host.Pipeline;
using Backup.Testing;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Tests;

/// <summary>The run's temp directory: locked while the run lives, and the directories of dead runs removed, never a live one's.</summary>
/// <remarks>
/// A lock is an flock on the directory's <c>.lock</c>, per open file, so a second open in this process conflicts just
/// as one in another process does; the SIGKILL cases with the published host are in the end-to-end specs.
/// </remarks>
public sealed class TempWorkspaceSpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CapturingLoggerFactory _log = new();

    private ILogger Logger => _log.CreateLogger("test");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_dead_runs_directory_is_removed_when_the_next_run_creates_its_own_and_the_removal_is_logged_with_its_size()
    {
        var dead = DeadRun("job", "0123456789", bytes: 1000);

        using var workspace = TempWorkspace.Create(_dir.Path, "job", Logger);

        Directory.Exists(dead).Should().BeFalse();
        Directory.Exists(workspace.Root).Should().BeTrue();
        _log.Messages.Should().ContainSingle(m => m.StartsWith("Removed the temp directory")).Which.Should().Be($"Removed the temp directory {dead} of a dead run (1,000 bytes)");
    }

    [Fact]
    public void A_live_runs_directory_is_never_touched()
    {
        using var live = TempWorkspace.Create(_dir.Path, "job", Logger);
        File.WriteAllBytes(Path.Combine(live.Subdirectory("entries"), "dump.sql"), new byte[1000]);

        using var next = TempWorkspace.Create(_dir.Path, "job", Logger);
        TempWorkspace.RemoveDead(_dir.Path, "job", Logger);

        File.Exists(Path.Combine(live.Root, "entries", "dump.sql")).Should().BeTrue();
        _log.Messages.Should().NotContain(m => m.StartsWith("Removed"));
    }

    [Fact]
    public void Only_the_jobs_own_directories_are_candidates()
    {
        var otherJob = DeadRun("job-2", "0123456789", bytes: 10);
        var notOurs = DeadRun("job", "not-a-random-suffix", bytes: 10);

        TempWorkspace.RemoveDead(_dir.Path, "job", Logger);

        Directory.Exists(otherJob).Should().BeTrue("another job's runs are that job's to clean up");
        Directory.Exists(notOurs).Should().BeTrue("a name this host does not make is not this host's");
    }

    [Fact]
    public void A_directory_without_a_lock_counts_as_dead_only_when_it_is_older_than_a_run_needs_to_take_its_lock()
    {
        var old = DeadRun("job", "aaaaaaaaaa", bytes: 5, locked: false);
        Directory.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-1));
        var starting = DeadRun("job", "bbbbbbbbbb", bytes: 0, locked: false);

        TempWorkspace.RemoveDead(_dir.Path, "job", Logger);

        Directory.Exists(old).Should().BeFalse("a directory made before runs took locks, or by a run killed before it took its lock");
        Directory.Exists(starting).Should().BeTrue("a run may be between creating its directory and locking it");
    }

    [Fact]
    public void A_parent_that_cannot_be_created_is_one_line_naming_it()
    {
        var file = _dir.Combine("a-file");
        File.WriteAllText(file, "x");

        var act = () => TempWorkspace.Create(Path.Combine(file, "tmp"), "job", Logger);

        act.Should().Throw<TempDirectoryException>().Which.Message.Should()
            .StartWith($"cannot create a temp directory under {Path.Combine(file, "tmp")}: ").And.EndWith("(set tempDirectory or BACKUP_TEMP_DIR to a writable directory)");
    }

    /// <summary>A run directory as a SIGKILLed run leaves it: a lock file nobody holds, and a partial dump.</summary>
    private string DeadRun(string job, string random, int bytes, bool locked = true)
    {
        var root = Directory.CreateDirectory(_dir.Combine($"backup-{job}-{random}")).FullName;
        if (locked)
        {
            File.WriteAllBytes(Path.Combine(root, ".lock"), []);
        }

        File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(root, "entries")).FullName, "dump.sql"), new byte[bytes]);
        return root;
    }
}
