using Backup.Abstractions;
using Backup.Sdk.Tests.Support;
using Backup.Testing;

namespace Backup.Sdk.Tests;

/// <summary>
/// The contract's public surface, compared with a checked-in file so that every change to it is deliberate and shows up
/// in review (Serilog's approval test). After an intended change, regenerate the file and commit it with the change:
/// <code>BACKUP_APPROVE=1 dotnet test tests/Backup.Sdk.Tests --filter FullyQualifiedName~PublicApiSpecs</code>
/// Then bump <c>BackupContractVersion</c> (src/Backup.Abstractions/ContractVersion.props): the minor for additions, the
/// major for anything changed or removed.
/// </summary>
public sealed class PublicApiSpecs
{
    private static readonly string ApprovedFile = Path.Combine(RepositoryPaths.Root, "tests", "Backup.Sdk.Tests", "Backup.Abstractions.approved.txt");

    [Fact]
    public void The_public_api_of_Backup_Abstractions_is_the_approved_one()
    {
        var actual = PublicApi.Render(typeof(IBackupPlugin).Assembly);
        if (Environment.GetEnvironmentVariable("BACKUP_APPROVE") == "1")
        {
            File.WriteAllText(ApprovedFile, actual);
        }

        var approved = File.Exists(ApprovedFile) ? File.ReadAllText(ApprovedFile) : "";

        actual.Should().Be(approved, $"the contract changed: review the difference, then regenerate {ApprovedFile} with BACKUP_APPROVE=1 (see {nameof(PublicApiSpecs)})");
    }
}
