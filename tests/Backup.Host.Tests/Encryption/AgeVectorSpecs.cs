using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Backup.Host.Encryption;
using Backup.Testing;

namespace Backup.Host.Tests.Encryption;

/// <summary>The age specification's test vectors (C2SP CCTV, checked in under cctv-age/): every one gives the expected outcome.</summary>
public sealed class AgeVectorSpecs
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "tests", "Backup.Host.Tests", "Encryption", "cctv-age");

    /// <summary>Every vector file's name.</summary>
    public static TheoryData<string> Vectors() => new(Names());

    private static IEnumerable<string> Names() =>
        Directory.GetFiles(Folder).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Fact]
    public void The_checked_in_vectors_cover_every_outcome()
    {
        var expectations = Names().Select(name => Vector.Load(Path.Combine(Folder, name)).Expect).ToHashSet();

        expectations.Should().BeEquivalentTo(["success", "no match", "HMAC failure", "header failure", "payload failure"]);
        Names().Count().Should().BeGreaterThan(60);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task A_vector_decrypts_or_fails_as_the_specification_says(string name)
    {
        var vector = Vector.Load(Path.Combine(Folder, name));
        var identities = vector.Identities.Select(AgeIdentity.Parse).ToList();
        if (identities.Count == 0)
        {
            identities.Add(AgeIdentity.Generate().Identity);
        }

        var released = new MemoryStream();
        AgeFailure? failure = null;
        try
        {
            await using var plain = await AgeDecryptingStream.OpenAsync(new MemoryStream(vector.File), identities, CancellationToken.None);
            var buffer = new byte[10_000];
            int read;
            while ((read = await plain.ReadAsync(buffer)) > 0)
            {
                released.Write(buffer, 0, read);
            }
        }
        catch (AgeException ex)
        {
            failure = ex.Failure;
        }

        var expected = vector.Expect switch
        {
            "success" => (AgeFailure?)null,
            "no match" => AgeFailure.NoMatchingIdentity,
            "HMAC failure" => AgeFailure.HeaderMacMismatch,
            "header failure" => AgeFailure.MalformedHeader,
            _ => (AgeFailure?)(failure is AgeFailure.Truncated or AgeFailure.ChunkAuthentication or AgeFailure.TrailingData ? failure : AgeFailure.ChunkAuthentication),
        };
        failure.Should().Be(expected);
        if (vector.Payload is { } payload)
        {
            // The spec: whatever was released before a payload failure must match too (nothing unauthenticated is released).
            Convert.ToHexStringLower(SHA256.HashData(released.ToArray())).Should().Be(payload);
        }
    }

    private sealed record Vector(string Expect, string? Payload, IReadOnlyList<string> Identities, byte[] File)
    {
        public static Vector Load(string path)
        {
            var bytes = System.IO.File.ReadAllBytes(path);
            var split = bytes.AsSpan().IndexOf("\n\n"u8);
            var fields = Encoding.ASCII.GetString(bytes, 0, split).Split('\n').Select(l => l.Split(": ", 2)).ToList();
            var file = bytes[(split + 2)..];
            string? Field(string key) => fields.FirstOrDefault(f => f[0] == key)?[1];
            if (Field("compressed") == "zlib")
            {
                using var zlib = new ZLibStream(new MemoryStream(file), CompressionMode.Decompress);
                var output = new MemoryStream();
                zlib.CopyTo(output);
                file = output.ToArray();
            }

            return new Vector(Field("expect")!, Field("payload"), fields.Where(f => f[0] == "identity").Select(f => f[1]).ToList(), file);
        }
    }
}
