using Backup.Abstractions;
using FluentAssertions;
using Xunit;

namespace Backup.PluginTesting;

/// <summary>Pre-flight (<see cref="IPreflightBackupStorage"/>, contract 1.3): the cheap check <c>backup run</c> makes before the source starts.</summary>
public abstract partial class StorageConformanceTests
{
    /// <summary>How long a pre-flight check against an unreachable endpoint may take before the kit calls it unbounded (the host gives it at most 60 s).</summary>
    protected virtual TimeSpan PreflightDeadline => TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task The_pre_flight_check_of_a_working_storage_passes()
    {
        var preflight = Require<IPreflightBackupStorage>(CreateStorage(), "to check before a run");

        var act = () => preflight.CheckAsync(default);

        await act.Should().NotThrowAsync();
    }

    [SkippableFact]
    public async Task The_pre_flight_check_of_a_missing_bucket_or_container_fails_in_one_line()
    {
        var preflight = Require<IPreflightBackupStorage>(CreateStorage(CreateMissingContainerSettings()), "to check before a run");
        using var deadline = new CancellationTokenSource(PreflightDeadline);

        var act = () => preflight.CheckAsync(deadline.Token);

        var error = (await act.Should().ThrowAsync<BackupStorageException>("the host must learn before the dump that the target is missing")).Which;
        ShouldBeOneLineWithoutSecrets(error.Message);
    }

    [SkippableFact]
    public async Task A_cancelled_pre_flight_check_ends_with_OperationCanceledException()
    {
        var preflight = Require<IPreflightBackupStorage>(CreateStorage(), "to check before a run");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = () => preflight.CheckAsync(cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>("the host's deadline and Ctrl-C cancel the check");
    }
}
