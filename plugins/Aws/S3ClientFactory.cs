using System.Security.Cryptography.X509Certificates;
using Amazon;
using Amazon.S3;
using Backup.Abstractions;

namespace Backup.Plugins.Aws;

/// <summary>Makes the S3 client from the settings; credentials always come from the SDK's default chain.</summary>
internal static class S3ClientFactory
{
    /// <summary>A factory for the client; the client itself (and so any credential lookup) is made on first use.</summary>
    public static Func<IAmazonS3> Create(AwsSettings settings)
    {
        // Read now so a broken bundle is a settings error at `backup validate`, not a TLS error at upload time.
        var trusted = settings.CaBundle is { } path ? LoadBundle(path) : null;
        return () => new AmazonS3Client(Config(settings, trusted));
    }

    private static AmazonS3Config Config(AwsSettings settings, X509Certificate2Collection? trusted)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            RequestChecksumCalculation = settings.RequestChecksumCalculation,
            ResponseChecksumValidation = settings.ResponseChecksumValidation,
        };
        if (settings.ServiceUrl is { } url)
        {
            // ServiceURL replaces the region's endpoint; the region is still what requests are signed for.
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = settings.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region);
        }

        if (trusted is not null)
        {
            config.HttpClientFactory = new CaBundleHttpClientFactory(trusted);
        }

        return config;
    }

    private static X509Certificate2Collection LoadBundle(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new BackupSettingsException($"storage.settings.caBundle: cannot read PEM certificates from {path}: {ex.Message}");
        }

        return certificates.Count > 0
            ? certificates
            : throw new BackupSettingsException($"storage.settings.caBundle: {path} holds no PEM certificate");
    }
}
