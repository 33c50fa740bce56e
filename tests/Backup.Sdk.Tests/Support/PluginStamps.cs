using System.Reflection;
using System.Runtime.InteropServices;
using Backup.Abstractions;

namespace Backup.Sdk.Tests.Support;

/// <summary>Reads a published plugin's build-time stamps from its metadata, without loading it (as the host does before it loads anything).</summary>
internal static class PluginStamps
{
    /// <summary>The <see cref="BackupPluginAttribute"/> name and kind and the <see cref="BackupContractAttribute"/> version of <paramref name="assemblyPath"/>; null where absent.</summary>
    public static (string? Name, string? Kind, string? Contract) Read(string assemblyPath)
    {
        var references = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(Path.GetDirectoryName(assemblyPath)!, "*.dll"))
            .Append(typeof(IBackupPlugin).Assembly.Location);
        using var context = new MetadataLoadContext(new PathAssemblyResolver(references.DistinctBy(Path.GetFileName)));
        var attributes = context.LoadFromAssemblyPath(assemblyPath).GetCustomAttributesData();
        var plugin = attributes.SingleOrDefault(a => a.AttributeType.FullName == typeof(BackupPluginAttribute).FullName);
        var contract = attributes.SingleOrDefault(a => a.AttributeType.FullName == typeof(BackupContractAttribute).FullName);
        return ((string?)plugin?.ConstructorArguments[0].Value, (string?)plugin?.ConstructorArguments[1].Value, (string?)contract?.ConstructorArguments[0].Value);
    }
}
