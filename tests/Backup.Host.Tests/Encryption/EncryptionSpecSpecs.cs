using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Spec;
using Backup.Testing;

namespace Backup.Host.Tests.Encryption;

/// <summary>The spec's <c>encryption</c> section: recipients inline, from the environment or a file, an identity source, and one line per mistake.</summary>
public sealed class EncryptionSpecSpecs : IDisposable
{
    private const string Head = "name: nightly\nsource: {plugin: a}\nstorage: {plugin: b}\n";
    private readonly TempDir _dir = new();
    private readonly AgeIdentity _one = AgeIdentity.Generate().Identity;
    private readonly AgeIdentity _two = AgeIdentity.Generate().Identity;
    private readonly AgeIdentity _three = AgeIdentity.Generate().Identity;

    public void Dispose()
    {
        _dir.Dispose();
        _one.Dispose();
        _two.Dispose();
        _three.Dispose();
    }

    [Fact]
    public void Recipients_come_inline_from_the_environment_and_from_a_file_and_an_identity_source_is_kept()
    {
        var file = _dir.Combine("recipients.txt");
        File.WriteAllText(file, $"# backup keys\n{_three.Recipient}\n\n{_one.Recipient}\n");

        var spec = Parse($$"""
            encryption:
              recipients: ["{{_one.Recipient}}", "${NEW_KEY}"]
              recipientsFile: {{file}}
              identity: {file: /etc/backup-age/key.txt}
            """, ("NEW_KEY", _two.Recipient.ToString()));

        spec.Encryption!.Recipients.Should().Equal(_one.Recipient, _two.Recipient, _three.Recipient);
        spec.Encryption.Identity!.FilePath.Should().Be("/etc/backup-age/key.txt");
        spec.Encryption.Identity.Setting.Should().Be("encryption.identity");
    }

    [Fact]
    public void Every_mistake_is_one_line_with_its_place_and_a_pasted_secret_key_is_never_echoed()
    {
        var (_, secret) = AgeIdentity.Generate();

        var act = () => Parse($$"""
            encryption:
              recipients: ["{{secret}}", "age1notakey"]
              recipientsFile: {{_dir.Combine("missing.txt")}}
              identity: {file: /k, env: AGE_KEY}
              typo: 1
            """);

        var problems = act.Should().Throw<BackupSettingsException>().Which.Problems;
        problems.Should().HaveCount(5).And.AllSatisfy(p => p.Should().StartWith("job.yaml:").And.NotContain(secret).And.NotContain("\n"));
        problems.Should().Contain(p => p.Contains("starts with 'age1'"))
            .And.Contain(p => p.Contains("Bech32"))
            .And.Contain(p => p.Contains("cannot read"))
            .And.Contain(p => p.Contains("exactly one of: file"))
            .And.Contain(p => p.Contains("unknown key 'encryption.typo'"));
    }

    [Fact]
    public void An_encryption_section_without_recipients_is_refused()
    {
        var act = () => Parse("encryption:\n  identity: {env: AGE_KEY}\n");

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().ContainSingle().Which.Should().Contain("at least one recipient");
    }

    [Fact]
    public async Task An_identity_is_read_from_a_file_or_the_environment_and_a_bad_one_is_a_credentials_error_that_never_shows_it()
    {
        var (_, secret) = AgeIdentity.Generate();
        var file = _dir.Combine("key.txt");
        await File.WriteAllTextAsync(file, $"# created: now\n# public key: x\n{secret}\n");

        // Variables of this test's own: the process environment is shared by the tests running beside it.
        var good = $"BACKUP_TEST_AGE_KEY_{Guid.NewGuid():N}";
        var bad = $"BACKUP_TEST_AGE_KEY_{Guid.NewGuid():N}";
        var unsetVariable = $"BACKUP_TEST_AGE_KEY_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(good, secret);
        Environment.SetEnvironmentVariable(bad, secret[..^2] + "QQ");
        try
        {
            (await IdentitySource.ReadAsync(SecretReference.FromFile(IdentitySource.Setting, file), CancellationToken.None)).Should().ContainSingle();
            (await IdentitySource.ReadAsync(SecretReference.FromEnvironment(IdentitySource.Setting, good), CancellationToken.None)).Should().ContainSingle();
            var broken = () => IdentitySource.ReadAsync(SecretReference.FromEnvironment(IdentitySource.Setting, bad), CancellationToken.None);
            var unset = () => IdentitySource.ReadAsync(SecretReference.FromEnvironment(IdentitySource.Setting, unsetVariable), CancellationToken.None);
            var missing = () => IdentitySource.ReadAsync(SecretReference.FromFile(IdentitySource.Setting, _dir.Combine("nope")), CancellationToken.None);

            (await broken.Should().ThrowAsync<BackupCredentialsException>()).Which.Message.Should()
                .StartWith($"encryption.identity: ${bad} is not an age identity").And.NotContain(secret[..20]);
            (await unset.Should().ThrowAsync<BackupCredentialsException>()).Which.Message.Should().Be($"encryption.identity: ${unsetVariable} is not set or empty");
            (await missing.Should().ThrowAsync<BackupCredentialsException>()).Which.Message.Should().StartWith($"encryption.identity: cannot read file '{_dir.Combine("nope")}'");
        }
        finally
        {
            Environment.SetEnvironmentVariable(good, null);
            Environment.SetEnvironmentVariable(bad, null);
        }
    }

    private static JobSpec Parse(string encryption, params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Name, e => e.Value);
        return new SpecLoader(name => variables.GetValueOrDefault(name)).Parse(Head + encryption, "job.yaml");
    }
}
