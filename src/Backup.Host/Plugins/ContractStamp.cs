using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Backup.Abstractions;

namespace Backup.Host.Plugins;

/// <summary>Reads what a plugin assembly was stamped with at build time (<see cref="BackupContractAttribute"/>, <see cref="BackupPluginAttribute"/>), from its metadata.</summary>
/// <remarks>
/// Read from the file, not from a loaded assembly: a plugin built against an incompatible contract must be refused
/// before any of its code or references are loaded (resolving the attribute's type could already fail for it), and
/// the host opens only the plugins a job names, which it finds by their stamped name and kind.
/// </remarks>
internal static class ContractStamp
{
    private static readonly string AttributeNamespace = typeof(BackupContractAttribute).Namespace!;

    /// <summary>The host's own contract version, from the Backup.Abstractions assembly it carries.</summary>
    public static string HostVersion { get; } =
        typeof(IBackupPlugin).Assembly.GetCustomAttribute<BackupContractAttribute>()?.Version
        ?? throw new InvalidOperationException("Backup.Abstractions carries no BackupContract attribute");

    /// <summary>The stamps of <paramref name="assemblyPath"/>; a missing one is null.</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static PluginStamp Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var plugin = ReadStrings(reader, AttributeNamespace, nameof(BackupPluginAttribute), 2);
        return new PluginStamp(
            ReadStrings(reader, AttributeNamespace, nameof(BackupContractAttribute), 1)?[0],
            ReadStrings(reader, "System.Reflection", nameof(AssemblyInformationalVersionAttribute), 1)?[0]?.Split('+')[0],
            plugin?[0],
            plugin?[1]);
    }

    /// <summary>The first <paramref name="count"/> string arguments of the named assembly attribute's constructor, or null when there is no such attribute.</summary>
    private static string?[]? ReadStrings(MetadataReader reader, string @namespace, string name, int count)
    {
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (IsType(reader, attribute.Constructor, @namespace, name))
            {
                // Custom attribute blob (ECMA-335 II.23.3): prolog 0x0001, then the constructor's string arguments in order.
                var value = reader.GetBlobReader(attribute.Value);
                if (value.ReadUInt16() != 1)
                {
                    return null;
                }

                var strings = new string?[count];
                for (var i = 0; i < count; i++)
                {
                    strings[i] = value.ReadSerializedString();
                }

                return strings;
            }
        }

        return null;
    }

    /// <summary>Whether the attribute constructor belongs to the named type: referenced (a plugin) or defined here (Backup.Abstractions itself).</summary>
    private static bool IsType(MetadataReader reader, EntityHandle constructor, string @namespace, string name)
    {
        switch (constructor.Kind)
        {
            case HandleKind.MemberReference when reader.GetMemberReference((MemberReferenceHandle)constructor).Parent is { Kind: HandleKind.TypeReference } parent:
                var reference = reader.GetTypeReference((TypeReferenceHandle)parent);
                return reader.StringComparer.Equals(reference.Name, name) && reader.StringComparer.Equals(reference.Namespace, @namespace);
            case HandleKind.MethodDefinition:
                var definition = reader.GetTypeDefinition(reader.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType());
                return reader.StringComparer.Equals(definition.Name, name) && reader.StringComparer.Equals(definition.Namespace, @namespace);
            default:
                return false;
        }
    }
}
