using System.Security.Cryptography;
using Backup.Abstractions;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Backup.PluginTesting;

/// <summary>
/// The storage contract, run against the plugin's real server: inherit it in the plugin's test project, say how to
/// make settings, and every test here runs for that plugin — or is skipped, with the reason, when it needs a capability
/// the plugin's storage does not implement.
/// </summary>
/// <remarks>
/// <para>Split by capability, one file each: writing (every storage), reading (<see cref="IReadableBackupStorage"/>),
/// deleting (<see cref="IDeletableBackupStorage"/>), create-only uploads (<see cref="ICreateOnlyBackupStorage"/>),
/// pre-flight (<see cref="IPreflightBackupStorage"/>) and object locations (<see cref="ILocatingBackupStorage"/>). What a
/// storage implements is read from the object the plugin creates, as the host does, so a capability is never claimed
/// untested nor demanded unclaimed. Write tests also read back what they wrote when the storage can read.</para>
/// <para>Each test works under its own random prefix, so tests may share one bucket and run in any order. The storage is
/// created through the plugin's entry type, exactly as the host does, so settings validation is exercised too.</para>
/// </remarks>
public abstract partial class StorageConformanceTests
{
    /// <summary>A prefix unique to this test instance; every key a test writes starts with it.</summary>
    protected string Prefix { get; } = $"conformance-{Guid.NewGuid():N}";

    /// <summary>The plugin under test (its public entry type).</summary>
    protected abstract IBackupStoragePlugin Plugin { get; }

    /// <summary>The size of the object in the large-upload test; big enough to need several parts/blocks/chunks.</summary>
    protected virtual long LargeObjectSize => 64L * 1024 * 1024;

    /// <summary>How much the process's peak working set may grow while uploading the large object.</summary>
    protected virtual long LargeObjectMemoryBudget => 200L * 1024 * 1024;

    /// <summary>Whether the server enforces create-only uploads itself (S3's <c>If-None-Match: *</c>, ...), so that of two racing uploads exactly one wins.</summary>
    /// <remarks>Override with false for a server known to ignore the condition (then the plugin can only check before and after, which a race slips through): the race test then asserts only that what is stored is an upload that reported success.</remarks>
    protected virtual bool ServerEnforcesCreateOnly => true;

    /// <summary>Secret values in the settings (keys, passwords, tokens) that must never appear in an error message or a location.</summary>
    protected virtual IReadOnlyList<string> Secrets => [];

    /// <summary>Settings for a working storage, as the spec's <c>storage.settings</c> would give them. Called once per storage created.</summary>
    protected abstract PluginSettings CreateSettings();

    /// <summary>Settings that name a bucket/container/directory that does not exist (or, for a directory, cannot be created).</summary>
    protected abstract PluginSettings CreateMissingContainerSettings();

    /// <summary>Creates the storage through the plugin's entry type and checks the host would accept the settings.</summary>
    protected IBackupStorage CreateStorage(PluginSettings? settings = null)
    {
        settings ??= CreateSettings();
        var storage = Plugin.CreateStorage(new PluginContext(settings, NullLoggerFactory.Instance));
        settings.Problems.Should().BeEmpty();
        settings.UnreadKeys.Should().BeEmpty("every setting given to the plugin must be one it knows");
        return storage;
    }

    /// <summary>The storage as <typeparamref name="T"/>, or the test is skipped saying which capability it needs and why.</summary>
    /// <param name="storage">The storage under test.</param>
    /// <param name="why">What the capability is needed for in this test, e.g. <c>to list what is left</c>.</param>
    protected static T Require<T>(IBackupStorage storage, string why)
        where T : class, IBackupStorage
    {
        Skip.IfNot(storage is T, $"{storage.GetType().Name} does not implement {typeof(T).Name}, needed {why}");
        return (T)storage;
    }

    /// <summary>Reads an object and returns its SHA-1 (hex) without holding it in memory.</summary>
    protected static async Task<string> ReadSha1Async(IReadableBackupStorage storage, string key)
    {
        await using var stream = await storage.OpenReadAsync(key, default);
        return Convert.ToHexStringLower(await SHA1.HashDataAsync(stream));
    }

    /// <summary>Reads a small object into memory.</summary>
    protected static async Task<byte[]> ReadAllAsync(IReadableBackupStorage storage, string key)
    {
        await using var stream = await storage.OpenReadAsync(key, default);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>Checks that <paramref name="message"/> is one line and holds none of the <see cref="Secrets"/>.</summary>
    protected void ShouldBeOneLineWithoutSecrets(string message)
    {
        message.Should().NotContain("\n");
        foreach (var secret in Secrets)
        {
            message.Should().NotContain(secret);
        }
    }
}
