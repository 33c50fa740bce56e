using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using FluentAssertions;

namespace Backup.Testing;

/// <summary>
/// A real age key pair made by <c>age-keygen</c>, and the checks every encrypted-backup spec shares: the stored object opens with the
/// real <c>age -d</c> into the plain <c>.tar.gz</c>, and <c>verify</c> checks the contents only when the spec names the identity.
/// </summary>
public sealed class AgeKeyPair
{
    private readonly TempDir _dir;

    private AgeKeyPair(TempDir dir, string identityFile, string recipient)
    {
        _dir = dir;
        IdentityFile = identityFile;
        Recipient = recipient;
    }

    /// <summary>The identity (private key) file.</summary>
    public string IdentityFile { get; }

    /// <summary>The public key (<c>age1...</c>).</summary>
    public string Recipient { get; }

    /// <summary>Deconstructs into (<see cref="IdentityFile"/>, <see cref="Recipient"/>).</summary>
    public void Deconstruct(out string identityFile, out string recipient) => (identityFile, recipient) = (IdentityFile, Recipient);

    /// <summary>A spec's last section: encryption to <see cref="Recipient"/> (<see cref="AddIdentityAsync"/> appends to it).</summary>
    public string EncryptionSection => $"encryption:\n  recipients: [{Recipient}]\n";

    /// <summary>Generates a key pair into <paramref name="dir"/>.</summary>
    public static async Task<AgeKeyPair> CreateAsync(TempDir dir)
    {
        var identityFile = dir.Combine($"age-{Guid.NewGuid():N}.txt");
        await Cli.Wrap("age-keygen").WithArguments(["-o", identityFile]).ExecuteBufferedAsync();
        var recipient = (await Cli.Wrap("age-keygen").WithArguments(["-y", identityFile]).ExecuteBufferedAsync()).StandardOutput.Trim();
        return new AgeKeyPair(dir, identityFile, recipient);
    }

    /// <summary>
    /// Checks the stored <c>.age</c> bytes against the content of their <c>.sha1</c> object (<paramref name="sha1Line"/>), opens them
    /// with the real <c>age -d</c> and reads the <c>.tar.gz</c> as a user would; returns the SHA-1 of the stored bytes.
    /// </summary>
    public async Task<string> AssertOpensAsync(byte[] stored, string storedName, string sha1Line)
    {
        var sha1 = Convert.ToHexStringLower(SHA1.HashData(stored));
        sha1Line.Should().Be($"{sha1}  {storedName}\n", "the .sha1 is of the stored, encrypted bytes");
        var local = _dir.Combine($"stored-{Guid.NewGuid():N}.tar.gz.age");
        var opened = _dir.Combine($"opened-{Guid.NewGuid():N}.tar.gz");
        await File.WriteAllBytesAsync(local, stored);
        await Cli.Wrap("age").WithArguments(["-d", "-i", IdentityFile, "-o", opened, local]).ExecuteBufferedAsync();
        // The default chunked layout writes the manifest last: reading the whole archive proves age gave back all of it.
        (await ArchiveContent.ReadAsync(opened)).Should().ContainKey("manifest.json", "age -d gives back the plain .tar.gz");
        return sha1;
    }

    /// <summary>
    /// Runs <paramref name="verify"/> (a <c>verify --latest</c> of <paramref name="spec"/>) without the identity, which checks only the
    /// stored bytes, then again after <see cref="AddIdentityAsync"/>, which checks the contents too; both exit 0.
    /// </summary>
    public async Task AssertVerifyChecksContentsOnlyWithTheKeyAsync(string spec, string sha1, Func<Task<BufferedCommandResult>> verify)
    {
        var withoutKey = await verify();
        withoutKey.ExitCode.Should().Be(0, withoutKey.StandardError);
        withoutKey.StandardOutput.Should().Contain($"stored bytes ok: sha1 {sha1}").And.Contain("contents NOT checked");

        await AddIdentityAsync(spec);
        var withKey = await verify();
        withKey.ExitCode.Should().Be(0, withKey.StandardError);
        withKey.StandardOutput.Should().Contain($" ok: sha1 {sha1}").And.Contain("entries: ").And.NotContain("NOT checked");
    }

    /// <summary>Names <see cref="IdentityFile"/> in the spec whose last section is <see cref="EncryptionSection"/>.</summary>
    public Task AddIdentityAsync(string spec) => File.AppendAllTextAsync(spec, $"  identity: {{file: {IdentityFile}}}\n");
}
