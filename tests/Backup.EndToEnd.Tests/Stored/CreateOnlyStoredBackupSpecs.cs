namespace Backup.EndToEnd.Tests.Stored;

/// <summary>
/// The stored-backup specs plus the one that needs a server enforcing create-only uploads itself (the store refuses a
/// second object at a taken key, with no window between a check and the write): inherit this only for such a store.
/// </summary>
/// <remarks>A store that cannot refuse a race inherits <see cref="StoredBackupSpecs"/>, so it carries no test it cannot run.</remarks>
public abstract class CreateOnlyStoredBackupSpecs : StoredBackupSpecs
{
    [Fact]
    public async Task Two_runs_racing_for_one_id_end_with_one_stored_backup_and_one_clean_failure()
    {
        var spec = WriteSpec(FakeSource("entries: 1\n    bytes: 2000000"), name: "{job}-fixed");

        var runs = await Task.WhenAll(Host(["run", "--spec", spec]), Host(["run", "--spec", spec]));

        runs.Select(r => r.ExitCode).Should().BeEquivalentTo([0, 5], string.Join("\n", runs.Select(r => r.StandardError)));
        ErrorLines(runs.Single(r => r.ExitCode == 5)).Should().ContainSingle().Which.Should().Contain("already exists");
        (await KeysAsync()).Should().BeEquivalentTo(Objects($"{Job}-fixed", complete: true));
        var verify = await Host(["verify", "--spec", spec, "--latest"]);
        verify.ExitCode.Should().Be(0, verify.StandardError);
    }
}
