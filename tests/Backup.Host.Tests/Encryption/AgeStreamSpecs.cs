using System.Text;
using Backup.Host.Encryption;
using Backup.Host.Tests.Support;

namespace Backup.Host.Tests.Encryption;

/// <summary>The age streams: round trips at chunk edges, several recipients, and one distinct failure per kind of damage.</summary>
public sealed class AgeStreamSpecs
{
    private const int Chunk = 64 * 1024;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(3 * Chunk)]
    [InlineData(3 * Chunk + 12345)]
    public async Task What_is_written_decrypts_to_the_same_bytes(int length)
    {
        var (identity, _) = AgeIdentity.Generate();
        var plain = TestData.Dump(length);

        var sealedBytes = await EncryptAsync(plain, [identity.Recipient], writeSize: 1000);

        (await DecryptAsync(sealedBytes, [identity])).Should().Equal(plain);
        sealedBytes.Length.Should().BeLessThan(length + 300 + (length / Chunk + 1) * 16, "the overhead is the header and 16 bytes per chunk");
    }

    [Fact]
    public async Task Sync_writes_and_reads_give_the_same_file()
    {
        var (identity, _) = AgeIdentity.Generate();
        var plain = TestData.Dump(2 * Chunk + 7);
        var output = new MemoryStream();
        using (var age = new AgeEncryptingStream(output, [identity.Recipient], leaveOpen: true))
        {
            age.Write(plain, 0, plain.Length);
            await age.CompleteAsync(CancellationToken.None);
        }

        using var reader = await AgeDecryptingStream.OpenAsync(new MemoryStream(output.ToArray()), [identity], CancellationToken.None);
        var copy = new MemoryStream();
        reader.CopyTo(copy);
        copy.ToArray().Should().Equal(plain);
    }

    [Fact]
    public async Task Every_recipient_can_decrypt_and_others_cannot()
    {
        var (oldKey, _) = AgeIdentity.Generate();
        var (newKey, _) = AgeIdentity.Generate();
        var (stranger, _) = AgeIdentity.Generate();
        var plain = TestData.Dump(100_000);

        var sealedBytes = await EncryptAsync(plain, [oldKey.Recipient, newKey.Recipient]);

        (await DecryptAsync(sealedBytes, [oldKey])).Should().Equal(plain);
        (await DecryptAsync(sealedBytes, [newKey])).Should().Equal(plain);
        (await DecryptAsync(sealedBytes, [stranger, newKey])).Should().Equal(plain);
        var wrong = await FailureAsync(sealedBytes, [stranger]);
        wrong.Failure.Should().Be(AgeFailure.NoMatchingIdentity);
        wrong.Message.Should().Contain(stranger.Recipient.ToString()).And.Contain("wrong key");
    }

    [Fact]
    public async Task Each_kind_of_damage_fails_with_its_own_line()
    {
        var (identity, _) = AgeIdentity.Generate();
        var plain = TestData.Dump(2 * Chunk);
        var good = await EncryptAsync(plain, [identity.Recipient]);
        var headerEnd = good.AsSpan().IndexOf("\n---"u8) + 1;
        var payloadStart = good.AsSpan(headerEnd).IndexOf((byte)'\n') + headerEnd + 1 + 16;

        var truncatedAtChunk = good[..(payloadStart + Chunk + 16)];
        var truncatedInChunk = good[..^100];
        var tamperedChunk = (byte[])good.Clone();
        tamperedChunk[payloadStart + 10] ^= 1;
        var trailing = good.Concat("junk"u8.ToArray()).ToArray();
        var tamperedHeader = Encoding.ASCII.GetBytes("age-encryption.org/v1\n-> grease x\n\n")
            .Concat(good[(AgeKeysVersionLength + 1)..]).ToArray();

        var failures = new[]
        {
            await FailureAsync(truncatedAtChunk, [identity]),
            await FailureAsync(truncatedInChunk, [identity]),
            await FailureAsync(tamperedChunk, [identity]),
            await FailureAsync(trailing, [identity]),
            await FailureAsync(tamperedHeader, [identity]),
            await FailureAsync(good[..(headerEnd - 5)], [identity]),
            await FailureAsync("PK\u0003\u0004 not age"u8.ToArray(), [identity]),
        };

        failures.Select(f => f.Failure).Should().Equal(
            AgeFailure.Truncated,
            AgeFailure.ChunkAuthentication,
            AgeFailure.ChunkAuthentication,
            AgeFailure.TrailingData,
            AgeFailure.HeaderMacMismatch,
            AgeFailure.MalformedHeader,
            AgeFailure.MalformedHeader);
        failures.Select(f => f.Message).Should().OnlyHaveUniqueItems().And.AllSatisfy(m => m.Should().NotContain("\n"));
        failures[0].Message.Should().Contain("truncated");
        failures[2].Message.Should().Contain("chunk 1").And.Contain("altered");
        failures[3].Message.Should().Contain("appended");
        failures[6].Message.Should().Contain("not an age-encrypted file");
    }

    [Fact]
    public async Task Any_altered_byte_or_cut_of_a_file_is_an_age_failure_never_another_exception()
    {
        // Deterministic (seeded): every position of a two-recipient header and a sample of the payload, each
        // byte flipped, replaced by a header character, or the file cut there.
        var (identity, _) = AgeIdentity.Generate();
        var (other, _) = AgeIdentity.Generate();
        var good = await EncryptAsync(TestData.Dump(Chunk + 100), [other.Recipient, identity.Recipient]);
        var random = new Random(21);
        var headerLength = good.AsSpan().IndexOf("\n---"u8) + 48;
        var positions = Enumerable.Range(0, headerLength).Concat(Enumerable.Range(0, 200).Select(_ => random.Next(headerLength, good.Length)));
        var outcomes = new Dictionary<AgeFailure, int>();
        foreach (var position in positions)
        {
            foreach (var variant in new Func<byte[]>[]
            {
                () => Altered(good, position, (byte)(good[position] ^ (1 << random.Next(8)))),
                () => Altered(good, position, "\n -=+/A0"u8[random.Next(8)]),
                () => good[..position],
            })
            {
                var bytes = variant();
                if (bytes.AsSpan().SequenceEqual(good))
                {
                    continue;
                }

                var failure = await FailureAsync(bytes, [identity]);
                outcomes[failure.Failure] = outcomes.GetValueOrDefault(failure.Failure) + 1;
            }
        }

        outcomes.Keys.Should().Contain([AgeFailure.MalformedHeader, AgeFailure.HeaderMacMismatch, AgeFailure.NoMatchingIdentity, AgeFailure.ChunkAuthentication]);
    }

    private static byte[] Altered(byte[] bytes, int position, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[position] = value;
        return copy;
    }

    [Fact]
    public async Task A_hostile_header_is_read_only_up_to_its_bound()
    {
        var (identity, _) = AgeIdentity.Generate();
        var endless = new CountingStream("age-encryption.org/v1\n"u8.ToArray().Concat(Enumerable.Repeat("-> X25519 AAAA\n\n"u8.ToArray(), 200_000).SelectMany(b => b)));

        var failure = await FailureAsync(endless, [identity]);

        failure.Failure.Should().Be(AgeFailure.MalformedHeader);
        failure.Message.Should().Contain("64 KiB");
        endless.BytesRead.Should().BeLessThan(AgeHeader.MaxBytes + 8192);
    }

    [Fact]
    public async Task A_run_that_fails_before_completing_leaves_a_file_every_reader_rejects()
    {
        var (identity, _) = AgeIdentity.Generate();
        var output = new MemoryStream();
        await using (var age = new AgeEncryptingStream(output, [identity.Recipient], leaveOpen: true))
        {
            await age.WriteAsync(TestData.Dump(3 * Chunk));
        }

        (await FailureAsync(output.ToArray(), [identity])).Failure.Should().Be(AgeFailure.Truncated);
    }

    [Fact]
    public void A_bad_recipient_is_refused_with_the_reason()
    {
        var (identity, secret) = AgeIdentity.Generate();
        var good = identity.Recipient.ToString();
        var badChecksum = good[..^1] + (good[^1] == 'q' ? 'p' : 'q');
        var shortKey = Bech32.Encode("age", new byte[31]);

        Problem(secret).Should().Contain("starts with 'age1'");
        Problem(badChecksum).Should().Contain("Bech32 checksum");
        Problem(good.ToUpperInvariant()).Should().Contain("starts with 'age1'");
        Problem(shortKey).Should().Contain("32 bytes");
        Problem(good).Should().BeEmpty();
    }

    private static string Problem(string text)
    {
        AgeRecipient.TryParse(text, out var problem);
        return problem;
    }

    [Fact]
    public void An_identity_never_shows_its_secret()
    {
        var (identity, secret) = AgeIdentity.Generate();

        identity.ToString().Should().NotContain(secret).And.Contain(identity.Recipient.ToString());
        AgeIdentity.Parse(secret).Recipient.Should().Be(identity.Recipient);
        AgeRecipient.Parse(identity.Recipient.ToString()).Should().Be(identity.Recipient);
    }

    private static readonly int AgeKeysVersionLength = "age-encryption.org/v1".Length;

    internal static async Task<byte[]> EncryptAsync(byte[] plain, IReadOnlyCollection<AgeRecipient> recipients, int writeSize = 70_000)
    {
        var output = new MemoryStream();
        await using (var age = new AgeEncryptingStream(output, recipients, leaveOpen: true))
        {
            for (var i = 0; i < plain.Length; i += writeSize)
            {
                await age.WriteAsync(plain.AsMemory(i, Math.Min(writeSize, plain.Length - i)));
            }

            await age.CompleteAsync(CancellationToken.None);
        }

        return output.ToArray();
    }

    internal static async Task<byte[]> DecryptAsync(byte[] sealedBytes, IReadOnlyList<AgeIdentity> identities)
    {
        await using var plain = await AgeDecryptingStream.OpenAsync(new MemoryStream(sealedBytes), identities, CancellationToken.None);
        var output = new MemoryStream();
        await plain.CopyToAsync(output);
        return output.ToArray();
    }

    private static Task<AgeException> FailureAsync(byte[] sealedBytes, IReadOnlyList<AgeIdentity> identities) =>
        FailureAsync(new MemoryStream(sealedBytes), identities);

    private static async Task<AgeException> FailureAsync(Stream source, IReadOnlyList<AgeIdentity> identities)
    {
        var act = async () =>
        {
            await using var plain = await AgeDecryptingStream.OpenAsync(source, identities, CancellationToken.None);
            await plain.CopyToAsync(Stream.Null);
        };
        return (await act.Should().ThrowAsync<AgeException>()).Which;
    }

    private sealed class CountingStream(IEnumerable<byte> bytes) : Stream
    {
        private readonly IEnumerator<byte> _bytes = bytes.GetEnumerator();

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = 0;
            while (n < count && _bytes.MoveNext())
            {
                buffer[offset + n++] = _bytes.Current;
            }

            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
