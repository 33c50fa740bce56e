using System.Reflection;
using Backup.Abstractions;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Plugins;

/// <summary>Finds plugins in <c>&lt;dir&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c> and loads each into its own load context.</summary>
/// <remarks>
/// Only the contract (Backup.Abstractions) and the logging abstractions are shared with the host; every other
/// dependency (cloud SDKs, KubernetesClient) stays private to its plugin. A plugin that fails to load is
/// reported with its reason and never stops the others from being listed. Plugins are not unloadable: the
/// process is one-shot.
/// A plugin folder may carry its own copy of a shared assembly (built without <c>ExcludeAssets="runtime"</c>): the
/// shared assemblies and everything they reference are resolved from the host first, so that copy is never opened,
/// except when the plugin asks for a higher assembly version than the host has, the one case
/// <see cref="CheckSharedAssemblies"/> refuses. Tolerated by design; docs/writing-a-plugin.md calls the attribute optional.
/// </remarks>
internal sealed class PluginCatalog
{
    /// <summary>The environment variable that overrides the default plugins directory.</summary>
    public const string DirectoryVariable = "BACKUP_PLUGINS_DIR";

    private static readonly Type[] SharedTypes = [typeof(IBackupPlugin), typeof(ILogger)];
    private static readonly Assembly[] SharedAssemblies = [typeof(IBackupPlugin).Assembly, typeof(ILogger).Assembly];

    private PluginCatalog(string directory, IReadOnlyList<PluginDescriptor> plugins, IReadOnlyList<IgnoredEntry> ignored)
    {
        Directory = directory;
        Plugins = plugins;
        Ignored = ignored;
    }

    /// <summary>The directory that was searched.</summary>
    public string Directory { get; }

    /// <summary>Every plugin found, loaded or not, sorted by name.</summary>
    public IReadOnlyList<PluginDescriptor> Plugins { get; }

    /// <summary>The folders and files of the directory that hold no plugin, with the reason; sorted by path.</summary>
    public IReadOnlyList<IgnoredEntry> Ignored { get; }

    /// <summary>The plugins directory: the explicit one, else <c>BACKUP_PLUGINS_DIR</c>, else <c>plugins</c> beside the host.</summary>
    public static string ResolveDirectory(string? explicitDirectory)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        var chosen = explicitDirectory
            ?? (string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment)
            ?? Path.Combine(AppContext.BaseDirectory, "plugins");
        return Path.GetFullPath(chosen);
    }

    /// <summary>Discovers and loads every plugin under <paramref name="directory"/>.</summary>
    public static PluginCatalog Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new PluginLoadException($"plugins directory {directory} does not exist (set --plugins-dir or {DirectoryVariable})");
        }

        var folders = System.IO.Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal).ToList();
        var plugins = folders
            .Select(folder => Path.Combine(folder, Path.GetFileName(folder) + ".dll"))
            .Where(File.Exists)
            .Select(LoadOne)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        var ignored = folders
            .Where(folder => !File.Exists(Path.Combine(folder, Path.GetFileName(folder) + ".dll")))
            .Select(folder => new IgnoredEntry(folder, WhyNoPlugin(folder)))
            .Concat(System.IO.Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal).Select(file => new IgnoredEntry(
                file, $"a file directly in the plugins directory; a plugin is a folder <Name>/ holding <Name>.dll (move it to {Path.GetFileNameWithoutExtension(file)}/)")))
            .ToList();
        return new PluginCatalog(directory, plugins, ignored);
    }

    /// <summary>Why <paramref name="folder"/> holds no <c>&lt;folder name&gt;.dll</c>, saying what to do.</summary>
    private static string WhyNoPlugin(string folder)
    {
        var name = Path.GetFileName(folder);
        var dlls = System.IO.Directory.EnumerateFiles(folder, "*.dll").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (!System.IO.Directory.EnumerateFileSystemEntries(folder).Any())
        {
            return "empty folder";
        }

        // A published plugin's folder holds its own assembly with its .deps.json: that one names the plugin.
        var candidates = System.IO.Directory.EnumerateFiles(folder, "*.deps.json")
            .Select(deps => Path.GetFileName(deps)[..^".deps.json".Length] + ".dll")
            .Where(dll => dlls.Contains(dll))
            .ToList();
        return candidates.Count == 1
            ? $"no {name}.dll: the folder must be named after the plugin's assembly; rename it to {Path.GetFileNameWithoutExtension(candidates[0])}/"
            : dlls.Count == 0
                ? $"no {name}.dll and no other assembly: not a published plugin (dotnet publish -o <plugins>/{name})"
                : $"no {name}.dll (holds {string.Join(", ", dlls.Take(3))}{(dlls.Count > 3 ? ", ..." : "")}): the folder must be named after the plugin's assembly";
    }

    /// <summary>The loaded plugin of <paramref name="kind"/> named <paramref name="name"/>, or null when none is installed.</summary>
    /// <exception cref="PluginLoadException">A plugin of that name exists but failed to load, or none loaded by that name and some failed to load.</exception>
    public PluginDescriptor? Find(PluginKind kind, string name)
    {
        var match = Plugins.FirstOrDefault(p => p.Name == name && (p.Kind == kind || p.Error is not null));
        if (match?.Error is { } error)
        {
            throw new PluginLoadException($"plugin '{name}' ({match.AssemblyPath}) failed to load: {error}");
        }

        // A plugin that failed to load is known only by its folder name, so the one asked for may well be among them:
        // name them rather than say "not installed" about a plugin that is there but refused.
        var broken = Plugins.Where(p => p.Error is not null).ToList();
        if (match is null && broken.Count > 0)
        {
            throw new PluginLoadException(
                $"{kind.ToString().ToLowerInvariant()} plugin '{name}' is not among the plugins loaded from {Directory}; "
                + $"{broken.Count} failed to load: {string.Join("; ", broken.Select(p => $"{p.Name}: {p.Error}"))}");
        }

        return match;
    }

    /// <summary>The names of the loaded plugins of <paramref name="kind"/>, for "is not installed" messages.</summary>
    public string InstalledNames(PluginKind kind)
    {
        var names = Plugins.Where(p => p.Kind == kind).Select(p => p.Name).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static PluginDescriptor LoadOne(string assemblyPath)
    {
        var folderName = Path.GetFileNameWithoutExtension(assemblyPath);
        var contractVersion = "?";
        var version = "?";
        try
        {
            // The contract check comes first and reads only metadata: an incompatible plugin's code is never loaded.
            var stamp = ContractStamp.Read(assemblyPath);
            version = stamp.InformationalVersion ?? version;
            if (stamp.ContractVersion is { } stamped)
            {
                contractVersion = stamped;
                if (ContractCompatibility.Check(stamped, ContractStamp.HostVersion) is { } refusal)
                {
                    return new PluginDescriptor(folderName, null, version, contractVersion, assemblyPath, null, refusal);
                }
            }

            var loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, isUnloadable: false, sharedTypes: SharedTypes);
            var assembly = loader.LoadDefaultAssembly();
            version = stamp.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "?";

            // Unstamped (built without the package's targets): all that is known is the major version it references.
            contractVersion = stamp.ContractVersion ?? ReferencedVersion(assembly, typeof(IBackupPlugin).Assembly) ?? "?";

            if (CheckSharedAssemblies(assembly) is { } mismatch)
            {
                return new PluginDescriptor(folderName, null, version, contractVersion, assemblyPath, null, mismatch);
            }

            var entryTypes = assembly.GetExportedTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBackupPlugin).IsAssignableFrom(t))
                .ToList();
            if (entryTypes.Count != 1)
            {
                var why = entryTypes.Count == 0
                    ? "no public class implements IBackupSourcePlugin or IBackupStoragePlugin"
                    : $"several entry types ({string.Join(", ", entryTypes.Select(t => t.Name))}); a plugin assembly has exactly one";
                return new PluginDescriptor(folderName, null, version, contractVersion, assemblyPath, null, why);
            }

            var entry = (IBackupPlugin)Activator.CreateInstance(entryTypes[0])!;
            var note = stamp.ContractVersion is null
                ? "no contract stamp (built without the Backup.Abstractions package's build targets): the contract version shown is the assembly it references, and was not checked"
                : null;
            PluginKind? kind = entry switch
            {
                IBackupSourcePlugin => PluginKind.Source,
                IBackupStoragePlugin => PluginKind.Storage,
                _ => null,
            };
            var error = kind is null ? $"{entryTypes[0].Name} implements neither IBackupSourcePlugin nor IBackupStoragePlugin" : null;
            return new PluginDescriptor(entry.Name, kind, version, contractVersion, assemblyPath, kind is null ? null : entry, error)
            {
                Capabilities = kind is null ? [] : PluginCapabilities.Of(assembly),
                Note = note,
            };
        }
        catch (BadImageFormatException ex)
        {
            return new PluginDescriptor(folderName, null, version, contractVersion, assemblyPath, null, $"not a .NET assembly ({ex.Message.ReplaceLineEndings(" ")})");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var reason = ex is ReflectionTypeLoadException rtle && rtle.LoaderExceptions.FirstOrDefault() is { } first ? first : ex;
            return new PluginDescriptor(folderName, null, version, contractVersion, assemblyPath, null, $"{reason.GetType().Name}: {reason.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>
    /// A contract type is silently NOT shared when the plugin was built against a newer version of a shared assembly
    /// than the host carries (DotNetCorePlugins #242/#295/#302); casts then fail deep inside. Detect it up front.
    /// </summary>
    private static string? CheckSharedAssemblies(Assembly plugin)
    {
        foreach (var shared in SharedAssemblies)
        {
            var referenced = plugin.GetReferencedAssemblies().FirstOrDefault(r => r.Name == shared.GetName().Name);
            var hostVersion = shared.GetName().Version;
            if (referenced?.Version is { } pluginVersion && hostVersion is not null && pluginVersion > hostVersion)
            {
                return $"built against {shared.GetName().Name} {pluginVersion}, newer than the host's {hostVersion}; rebuild the plugin against the host's version or upgrade the host";
            }
        }

        return null;
    }

    private static string? ReferencedVersion(Assembly plugin, Assembly shared) =>
        plugin.GetReferencedAssemblies().FirstOrDefault(r => r.Name == shared.GetName().Name)?.Version?.ToString(3);
}
