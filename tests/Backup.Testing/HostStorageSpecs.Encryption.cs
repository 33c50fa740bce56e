using FluentAssertions;
using Xunit;

namespace Backup.Testing;

/// <summary>An encrypted backup through this storage: <c>.age</c> objects that <c>age -d</c> opens, verified with and without the key.</summary>
public abstract partial class HostStorageSpecs
{
    [Fact]
    public async Task An_encrypted_backup_is_stored_as_age_that_age_decrypts_and_verify_checks_its_contents_only_with_the_key()
    {
        var key = await AgeKeyPair.CreateAsync(_dir);
        var spec = WriteSpec(Working, FakeSource("entries: 2\n    bytes: 300000"));
        await File.AppendAllTextAsync(spec, "\n" + key.EncryptionSection);
        var plugins = await FakeAndStoragePluginsAsync();

        var result = await RunAsync(spec, Working, plugins);

        result.ExitCode.Should().Be(0, result.StandardError);
        var keys = (await ListAsync()).Select(o => o.Key).ToList();
        keys.Should().HaveCount(3).And.Contain(k => k.EndsWith(".tar.gz.age.sha1")).And.Contain(k => k.EndsWith(".manifest.json"));
        var archive = keys.Single(k => k.EndsWith(".tar.gz.age"));
        var sha1 = await key.AssertOpensAsync(await ReadAllAsync(archive), Path.GetFileName(archive), System.Text.Encoding.ASCII.GetString(await ReadAllAsync(archive + ".sha1")));
        (await ReadPropertiesAsync(archive + ".sha1")).Item2.Should().Be(sha1, "the .sha1 object's metadata carries the hash of the stored, encrypted bytes");

        await key.AssertVerifyChecksContentsOnlyWithTheKeyAsync(spec, sha1, () => PublishedHost.RunAsync(["verify", "--spec", spec, "--latest", "--plugins-dir", plugins], Working.Environment));
    }

    private async Task<byte[]> ReadAllAsync(string key)
    {
        await using var stream = await Reader().OpenReadAsync(key, default);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
