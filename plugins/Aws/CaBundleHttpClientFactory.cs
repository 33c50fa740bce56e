using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;

namespace Backup.Plugins.Aws;

/// <summary>HTTP clients that also trust the CAs of a PEM bundle, for on-prem S3 endpoints signed by a private CA.</summary>
/// <remarks>
/// A certificate the system already trusts is accepted as usual; otherwise its chain must end in one of the bundle's
/// certificates, and the host name must still match. Nothing else about TLS validation is relaxed.
/// </remarks>
internal sealed class CaBundleHttpClientFactory(X509Certificate2Collection trusted) : HttpClientFactory
{
    /// <inheritdoc />
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = Validate };
        if (clientConfig.MaxConnectionsPerServer is { } connections)
        {
            handler.MaxConnectionsPerServer = connections;
        }

        // As the SDK's own factory does: the configured timeout when set, else HttpClient's default.
        var client = new HttpClient(handler);
        if (clientConfig.Timeout is { } timeout)
        {
            client.Timeout = timeout;
        }

        return client;
    }

    private bool Validate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? systemChain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (systemChain is not null)
        {
            // Intermediates the server sent, so a bundle holding only the root is enough.
            foreach (var element in systemChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }
}
