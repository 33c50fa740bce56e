using Amazon.Runtime;
using Backup.Abstractions;
using Backup.Plugins.Aws.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Plugins.Aws.Tests;

/// <summary>Settings are checked when the storage is created (as <c>backup validate</c> does), every problem at once, without network.</summary>
public sealed class SettingsSpecs
{
    [Fact]
    public void A_missing_region_is_reported_clearly_like_the_seed_did()
    {
        var values = S3Emulators.Fauxqs();
        values.Remove("region");

        var problems = Problems(values);

        problems.Should().ContainSingle().Which.Should().MatchRegex(@"^test\.yaml:\d+:1: storage\.settings\.region is required: the bucket's AWS region, e.g\. us-west-2");
    }

    [Fact]
    public void Every_wrong_setting_is_reported_at_once()
    {
        var problems = Problems(new Dictionary<string, object>
        {
            ["bucket"] = "s3://backups/prefix",
            ["region"] = "eu-west-1",
            ["storageClass"] = "COLD",
            ["serverSideEncryption"] = "rot13",
            ["kmsKeyId"] = "alias/backup",
            ["partSizeMiB"] = "2",
            ["maxConcurrentParts"] = "0",
            ["maxParts"] = "20000",
            ["requestChecksumCalculation"] = "SOMETIMES",
            ["caBundle"] = "/nonexistent/ca.pem",
        });

        problems.Should().HaveCount(9);
        problems.Should().Contain(p => p.Contains("storage.settings.bucket must be a bucket name"));
        problems.Should().Contain(p => p.Contains("storage.settings.storageClass must be one of STANDARD"));
        problems.Should().Contain(p => p.Contains("storage.settings.serverSideEncryption must be one of AES256, aws:kms"));
        problems.Should().Contain(p => p.Contains("storage.settings.kmsKeyId needs serverSideEncryption: aws:kms"));
        problems.Should().Contain(p => p.Contains("storage.settings.partSizeMiB must be between 5"));
        problems.Should().Contain(p => p.Contains("storage.settings.maxConcurrentParts must be between 1 and 16"));
        problems.Should().Contain(p => p.Contains("storage.settings.maxParts must be between 100 and 10000, not 20000"));
        problems.Should().Contain(p => p.Contains("storage.settings.requestChecksumCalculation must be one of WHEN_SUPPORTED, WHEN_REQUIRED"));
        problems.Should().Contain(p => p.Contains("storage.settings.caBundle names a file that does not exist"));
    }

    [Fact]
    public void The_S3_compatible_settings_are_read_as_given()
    {
        var settings = S3Emulators.S3rver().ToSettings();

        var read = AwsSettings.Read(settings);

        settings.Problems.Should().BeEmpty();
        read.RequestChecksumCalculation.Should().Be(RequestChecksumCalculation.WHEN_REQUIRED);
        read.ResponseChecksumValidation.Should().Be(ResponseChecksumValidation.WHEN_REQUIRED);
        read.UseChunkEncoding.Should().BeFalse();
        read.ForcePathStyle.Should().BeTrue();
        read.PartSize.Should().BeNull();
    }

    [Fact]
    public void A_storage_class_of_another_store_is_accepted_with_a_custom_endpoint()
    {
        var values = S3Emulators.S3rver();
        values["storageClass"] = "COLD";

        Problems(values).Should().BeEmpty();
    }

    [Fact]
    public void A_file_that_is_not_a_PEM_bundle_is_a_settings_error()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "not a certificate");
            var values = S3Emulators.Fauxqs();
            values["caBundle"] = file;

            var act = () => new AwsStoragePlugin().CreateStorage(new PluginContext(values.ToSettings(), NullLoggerFactory.Instance));

            act.Should().Throw<BackupSettingsException>().Which.Message.Should().Contain("caBundle").And.Contain("no PEM certificate");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IReadOnlyList<string> Problems(Dictionary<string, object> values)
    {
        var settings = values.ToSettings();
        AwsSettings.Read(settings);
        return settings.Problems;
    }
}
