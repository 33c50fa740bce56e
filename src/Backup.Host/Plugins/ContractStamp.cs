using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Backup.Abstractions;

namespace Backup.Host.Plugins;

/// <summary>Reads the <see cref="BackupContractAttribute"/> a plugin assembly was stamped with, from its metadata.</summary>
/// <remarks>
/// Read from the file, not from a loaded assembly: a plugin built against an incompatible contract must be refused
/// before any of its code or references are loaded (resolving the attribute's type could already fail for it).
/// </remarks>
internal static class ContractStamp
{
    private static readonly string AttributeNamespace = typeof(BackupContractAttribute).Namespace!;
    private static readonly string AttributeName = nameof(BackupContractAttribute);

    /// <summary>The host's own contract version, from the Backup.Abstractions assembly it carries.</summary>
    public static string HostVersion { get; } =
        typeof(IBackupPlugin).Assembly.GetCustomAttribute<BackupContractAttribute>()?.Version
        ?? throw new InvalidOperationException("Backup.Abstractions carries no BackupContract attribute");

    /// <summary>The contract version stamped into <paramref name="assemblyPath"/> (null when unstamped) and the assembly's informational version.</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static (string? ContractVersion, string? InformationalVersion) Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return (
            ReadStringAttribute(reader, AttributeNamespace, AttributeName),
            ReadStringAttribute(reader, "System.Reflection", nameof(AssemblyInformationalVersionAttribute))?.Split('+')[0]);
    }

    private static string? ReadStringAttribute(MetadataReader reader, string @namespace, string name)
    {
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (IsType(reader, attribute.Constructor, @namespace, name))
            {
                // Custom attribute blob (ECMA-335 II.23.3): prolog 0x0001, then the constructor's one string argument.
                var value = reader.GetBlobReader(attribute.Value);
                return value.ReadUInt16() == 1 ? value.ReadSerializedString() : null;
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
