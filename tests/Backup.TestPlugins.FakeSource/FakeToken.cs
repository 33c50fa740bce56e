using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;

namespace Backup.TestPlugins.FakeSource;

/// <summary>The fake source's secret: a token read from <see cref="File"/>, accepted when its SHA-256 is the expected one.</summary>
internal sealed record FakeToken(SecretReference File, string AcceptedSha256)
{
    /// <summary>The token settings, or null when none are given; a token file without the accepted hash is a settings problem.</summary>
    public static FakeToken? From(PluginSettings settings)
    {
        var file = settings.GetString("tokenFile");
        var accepted = settings.GetString("acceptedTokenSha256");
        if (file is null)
        {
            if (accepted is not null)
            {
                settings.AddProblem("acceptedTokenSha256", "is only used with tokenFile");
            }

            return null;
        }

        if (accepted is null)
        {
            settings.AddProblem("acceptedTokenSha256", "is required with tokenFile (the SHA-256 of the token the pretend server accepts)");
            return null;
        }

        return new FakeToken(SecretReference.FromFile($"{settings.Path}.tokenFile", file), accepted);
    }

    /// <summary>Reads the token and presents it; throws <see cref="BackupCredentialsException"/> naming the file (never the token) when refused or unreadable.</summary>
    public async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        // Read as a real source reads its secret: bounded, and the messages name the file, never the token.
        var presented = await File.ReadAsync(cancellationToken);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
        if (!string.Equals(hash, AcceptedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupCredentialsException($"fake: the pretend server refused the token from {File.Describe()}");
        }
    }
}
