using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;

namespace Backup.TestPlugins.FakeSource;

/// <summary>The fake source's secret: a token read from <see cref="File"/>, accepted when its SHA-256 is the expected one.</summary>
internal sealed record FakeToken(string File, string AcceptedSha256)
{
    /// <summary>A token file larger than this is refused unread, as a real source bounds what it reads.</summary>
    private const int MaxBytes = 4096;

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

        return new FakeToken(file, accepted);
    }

    /// <summary>Reads the token and presents it; throws <see cref="BackupCredentialsException"/> naming the file (never the token) when refused or unreadable.</summary>
    public async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            await using var stream = System.IO.File.OpenRead(File);
            if (stream.Length > MaxBytes)
            {
                throw new BackupCredentialsException($"fake: the token file {File} is larger than {MaxBytes} bytes");
            }

            content = new byte[stream.Length];
            await stream.ReadExactlyAsync(content, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new BackupCredentialsException($"fake: cannot read the token file {File}: {ex.GetType().Name}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new BackupCredentialsException($"fake: may not read the token file {File}", ex);
        }

        var presented = Encoding.UTF8.GetString(content).TrimEnd('\r', '\n');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
        if (!string.Equals(hash, AcceptedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupCredentialsException($"fake: the pretend server refused the token from {File}");
        }
    }
}
