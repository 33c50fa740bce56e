using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Backup.Abstractions;
using Backup.Plugins.Aws.Tests.Support;
using Backup.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Plugins.Aws.Tests;

/// <summary>An on-prem endpoint whose TLS certificate comes from a private CA is trusted only through <c>caBundle</c>.</summary>
public sealed class CaBundleSpecs : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private WebApplication? _app;
    private string _address = "";

    public async Task InitializeAsync()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Backup Test Private CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(_dir.Combine("ca.pem"), ca.ExportCertificatePem());

        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        var leaf = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(leafKey).Export(X509ContentType.Pkcs12), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.UseHttps(leaf)));
        _app = builder.Build();
        // Just enough S3 for a listing: an empty ListObjectsV2 result.
        _app.MapGet("/{bucket}", (string bucket) => Results.Content(
            $"""<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>{bucket}</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>""",
            "application/xml"));
        await _app.StartAsync();
        _address = _app.Urls.Single();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task Without_the_bundle_the_endpoint_is_refused_in_one_line()
    {
        var storage = Create(caBundle: null);

        var act = async () => await storage.ListAsync("db/", default).ToListAsync();

        (await act.Should().ThrowAsync<BackupStorageException>()).Which.Message.Should().StartWith($"aws storage: cannot reach {_address}").And.NotContain("\n");
    }

    [Fact]
    public async Task With_the_bundle_the_endpoint_is_trusted()
    {
        var storage = Create(_dir.Combine("ca.pem"));

        (await storage.ListAsync("db/", default).ToListAsync()).Should().BeEmpty();
    }

    private IReadableBackupStorage Create(string? caBundle)
    {
        var values = S3Emulators.S3rver();
        values["serviceUrl"] = _address;
        if (caBundle is not null)
        {
            values["caBundle"] = caBundle;
        }

        return (IReadableBackupStorage)new AwsStoragePlugin().CreateStorage(new PluginContext(values.ToSettings(), NullLoggerFactory.Instance));
    }
}
