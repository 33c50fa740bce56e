using Backup.Host.Encryption;
using Backup.Host.Tests.Support;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;

namespace Backup.Host.Tests.Encryption;

/// <summary>Interop with the real <c>age</c> CLI (Debian package <c>age</c>): files go both ways, keys from age-keygen parse.</summary>
public sealed class AgeCliInteropSpecs
{
    [Fact]
    public async Task A_file_this_tool_writes_decrypts_with_age_and_a_key_from_age_keygen()
    {
        using var dir = new TempDir();
        var keyFile = dir.Combine("key.txt");
        await CliWrap.Cli.Wrap("age-keygen").WithArguments(["-o", keyFile]).ExecuteBufferedAsync();
        using var identity = AgeIdentity.ParseFile(await File.ReadAllTextAsync(keyFile)).Single();
        var publicKey = (await CliWrap.Cli.Wrap("age-keygen").WithArguments(["-y", keyFile]).ExecuteBufferedAsync()).StandardOutput.Trim();
        identity.Recipient.ToString().Should().Be(publicKey);
        var (other, _) = AgeIdentity.Generate();
        var plain = TestData.Dump(3 * 64 * 1024 + 777);
        var encrypted = dir.Combine("dump.sql.age");
        await File.WriteAllBytesAsync(encrypted, await AgeStreamSpecs.EncryptAsync(plain, [other.Recipient, AgeRecipient.Parse(publicKey)]));

        await CliWrap.Cli.Wrap("age").WithArguments(["-d", "-i", keyFile, "-o", dir.Combine("out.sql"), encrypted]).ExecuteBufferedAsync();

        (await File.ReadAllBytesAsync(dir.Combine("out.sql"))).Should().Equal(plain);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64 * 1024)]
    [InlineData(200_001)]
    public async Task A_file_age_writes_decrypts_here(int length)
    {
        using var dir = new TempDir();
        var (identity, _) = AgeIdentity.Generate();
        var plain = TestData.Dump(length);
        await File.WriteAllBytesAsync(dir.Combine("in.sql"), plain);

        await CliWrap.Cli.Wrap("age").WithArguments(["-r", identity.Recipient.ToString(), "-o", dir.Combine("in.sql.age"), dir.Combine("in.sql")]).ExecuteBufferedAsync();

        (await AgeStreamSpecs.DecryptAsync(await File.ReadAllBytesAsync(dir.Combine("in.sql.age")), [identity])).Should().Equal(plain);
    }

    [Fact]
    public async Task Age_refuses_a_file_this_tool_left_without_its_final_chunk()
    {
        using var dir = new TempDir();
        var (identity, secret) = AgeIdentity.Generate();
        await File.WriteAllTextAsync(dir.Combine("key.txt"), secret + "\n");
        await using (var file = File.Create(dir.Combine("partial.age")))
        await using (var age = new AgeEncryptingStream(file, [identity.Recipient]))
        {
            await age.WriteAsync(TestData.Dump(2 * 64 * 1024 + 5));
        }

        var result = await CliWrap.Cli.Wrap("age").WithArguments(["-d", "-i", dir.Combine("key.txt"), "-o", dir.Combine("out"), dir.Combine("partial.age")])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("unexpected EOF");
    }
}
