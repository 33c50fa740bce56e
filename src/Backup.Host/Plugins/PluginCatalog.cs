using System.Reflection;
using Backup.Abstractions;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Plugins;

/// <summary>Finds plugins in <c>&lt;dir&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c> by their metadata, and loads each one asked for into its own load context.</summary>
/// <remarks>
/// Opening the catalog reads only the assemblies' metadata (<see cref="ContractStamp"/>): a plugin's name and kind are
/// stamped into it at build time, so a job loads just the two plugins it names and a broken or slow third plugin in the
/// same directory never runs. A plugin built without the stamp (before contract 1.3, or without the package's targets) is
/// known only after loading it, so those are loaded, all of them, only when no stamped plugin has the name asked for.
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

    private readonly IReadOnlyList<Candidate> _candidates;
    private readonly Dictionary<string, PluginDescriptor> _loaded = new(StringComparer.Ordinal);

    private PluginCatalog(string directory, IReadOnlyList<Candidate> candidates, IReadOnlyList<IgnoredEntry> ignored)
    {
        Directory = directory;
        _candidates = candidates;
        Ignored = ignored;
    }

    /// <summary>The directory that was searched.</summary>
    public string Directory { get; }

    /// <summary>The folders and files of the directory that hold no plugin, with the reason; sorted by path.</summary>
    public IReadOnlyList<IgnoredEntry> Ignored { get; }

    /// <summary>The main assemblies of the plugins whose code was loaded so far, in the order they were.</summary>
    public IReadOnlyCollection<string> LoadedAssemblies => _loaded.Keys;

    /// <summary>The plugins directory: the explicit one, else <c>BACKUP_PLUGINS_DIR</c>, else <c>plugins</c> beside the host.</summary>
    public static string ResolveDirectory(string? explicitDirectory)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        var chosen = explicitDirectory
            ?? (string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment)
            ?? Path.Combine(AppContext.BaseDirectory, "plugins");
        return Path.GetFullPath(chosen);
    }

    /// <summary>Finds the plugins under <paramref name="directory"/> and reads their metadata; loads none of them.</summary>
    public static PluginCatalog Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new PluginLoadException($"plugins directory {directory} does not exist (set --plugins-dir or {DirectoryVariable})");
        }

        var folders = System.IO.Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal).ToList();
        var candidates = folders
            .Select(folder => Path.Combine(folder, Path.GetFileName(folder) + ".dll"))
            .Where(File.Exists)
            .Select(Candidate.Read)
            .ToList();
        var ignored = folders
            .Where(folder => !File.Exists(Path.Combine(folder, Path.GetFileName(folder) + ".dll")))
            .Select(folder => new IgnoredEntry(folder, WhyNoPlugin(folder)))
            .Concat(System.IO.Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal).Select(file => new IgnoredEntry(
                file, $"a file directly in the plugins directory; a plugin is a folder <Name>/ holding <Name>.dll (move it to {Path.GetFileNameWithoutExtension(file)}/)")))
            .ToList();
        return new PluginCatalog(directory, candidates, ignored);
    }

    /// <summary>Loads every plugin found (what <c>backup plugins</c> checks), sorted by name.</summary>
    public IReadOnlyList<PluginDescriptor> LoadAll() =>
        _candidates.Select(Load).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

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

    /// <summary>The loaded plugin of <paramref name="kind"/> named <paramref name="name"/>, or null when none is installed; loads only that one when it is stamped.</summary>
    /// <exception cref="PluginLoadException">A plugin of that name exists but failed to load, or none loaded by that name and some failed to load.</exception>
    public PluginDescriptor? Find(PluginKind kind, string name)
    {
        // A stamped plugin of another kind with the same name is not this one; an unknown stamped kind is reported on loading.
        var stamped = _candidates.FirstOrDefault(c => c.Stamp?.Name == name && (c.Stamp.ParsedKind ?? kind) == kind);
        var match = stamped is not null
            ? Load(stamped)
            : _candidates.Where(c => c.Stamp?.Name is null).Select(Load).FirstOrDefault(p => p.Name == name && (p.Kind == kind || p.Error is not null));
        if (match?.Error is { } error)
        {
            throw new PluginLoadException($"plugin '{name}' ({match.AssemblyPath}) failed to load: {error}");
        }

        // An unstamped plugin that failed to load is known only by its folder name, so the one asked for may well be among
        // them: name them rather than say "not installed" about a plugin that is there but refused.
        var broken = _loaded.Values.Where(p => p.Error is not null).ToList();
        if (match is null && broken.Count > 0)
        {
            throw new PluginLoadException(
                $"{kind.ToString().ToLowerInvariant()} plugin '{name}' is not among the plugins loaded from {Directory}; "
                + $"{broken.Count} failed to load: {string.Join("; ", broken.Select(p => $"{p.Name}: {p.Error}"))}");
        }

        return match;
    }

    /// <summary>The names of the installed plugins of <paramref name="kind"/> (stamped, or unstamped and loaded), for "is not installed" messages.</summary>
    public string InstalledNames(PluginKind kind)
    {
        var names = _candidates.Where(c => c.Stamp?.ParsedKind == kind).Select(c => c.Stamp!.Name!)
            .Concat(_loaded.Values.Where(p => p.Kind == kind).Select(p => p.Name))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private PluginDescriptor Load(Candidate candidate)
    {
        if (!_loaded.TryGetValue(candidate.AssemblyPath, out var descriptor))
        {
            _loaded[candidate.AssemblyPath] = descriptor = LoadOne(candidate);
        }

        return descriptor;
    }

    private static PluginDescriptor LoadOne(Candidate candidate)
    {
        var assemblyPath = candidate.AssemblyPath;
        var stamp = candidate.Stamp;
        var name = stamp?.Name ?? Path.GetFileNameWithoutExtension(assemblyPath);
        var contractVersion = stamp?.ContractVersion ?? "?";
        var version = stamp?.InformationalVersion ?? "?";
        try
        {
            if (candidate.StampError is { } unreadable)
            {
                throw unreadable;
            }

            // The contract check comes first and reads only metadata: an incompatible plugin's code is never loaded.
            if (stamp?.ContractVersion is { } stamped && ContractCompatibility.Check(stamped, ContractStamp.HostVersion) is { } refusal)
            {
                return new PluginDescriptor(name, null, version, contractVersion, assemblyPath, null, refusal);
            }

            var loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, isUnloadable: false, sharedTypes: SharedTypes);
            var assembly = loader.LoadDefaultAssembly();
            version = stamp?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "?";

            // Unstamped (built without the package's targets): all that is known is the major version it references.
            contractVersion = stamp?.ContractVersion ?? ReferencedVersion(assembly, typeof(IBackupPlugin).Assembly) ?? "?";

            if (CheckSharedAssemblies(assembly) is { } mismatch)
            {
                return new PluginDescriptor(name, null, version, contractVersion, assemblyPath, null, mismatch);
            }

            var entryTypes = assembly.GetExportedTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBackupPlugin).IsAssignableFrom(t))
                .ToList();
            if (entryTypes.Count != 1)
            {
                var why = entryTypes.Count == 0
                    ? "no public class implements IBackupSourcePlugin or IBackupStoragePlugin"
                    : $"several entry types ({string.Join(", ", entryTypes.Select(t => t.Name))}); a plugin assembly has exactly one";
                return new PluginDescriptor(name, null, version, contractVersion, assemblyPath, null, why);
            }

            var entry = (IBackupPlugin)Activator.CreateInstance(entryTypes[0])!;
            var note = stamp?.ContractVersion is null
                ? "no contract stamp (built without the Backup.Abstractions package's build targets): the contract version shown is the assembly it references, and was not checked"
                : stamp.Name is null
                    ? "no name and kind stamp (set BackupPluginName and BackupPluginKind in the project, contract 1.3): the host loads it to learn its name"
                    : null;
            PluginKind? kind = entry switch
            {
                IBackupSourcePlugin => PluginKind.Source,
                IBackupStoragePlugin => PluginKind.Storage,
                _ => null,
            };
            var error = kind is null
                ? $"{entryTypes[0].Name} implements neither IBackupSourcePlugin nor IBackupStoragePlugin"
                : StampMismatch(stamp, entry.Name, kind.Value);
            return new PluginDescriptor(error is null ? entry.Name : name, error is null ? kind : null, version, contractVersion, assemblyPath, error is null ? entry : null, error)
            {
                Capabilities = error is null ? PluginCapabilities.Of(assembly) : [],
                Note = note,
            };
        }
        catch (BadImageFormatException ex)
        {
            return new PluginDescriptor(name, null, version, contractVersion, assemblyPath, null, $"not a .NET assembly ({ex.Message.ReplaceLineEndings(" ")})");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var reason = ex is ReflectionTypeLoadException rtle && rtle.LoaderExceptions.FirstOrDefault() is { } first ? first : ex;
            return new PluginDescriptor(name, null, version, contractVersion, assemblyPath, null, $"{reason.GetType().Name}: {reason.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Why the stamp disagrees with the entry type (a hand-edited or stale stamp), or null when it agrees or there is none.</summary>
    private static string? StampMismatch(PluginStamp? stamp, string entryName, PluginKind entryKind)
    {
        if (stamp?.Name is null)
        {
            return null;
        }

        var kind = entryKind.ToString().ToLowerInvariant();
        return stamp.ParsedKind is null
            ? $"stamped kind '{stamp.Kind}' is neither {BackupPluginAttribute.SourceKind} nor {BackupPluginAttribute.StorageKind} (BackupPluginKind in the project)"
            : stamp.Name != entryName || stamp.ParsedKind != entryKind
                ? $"stamped as '{stamp.Name}' ({stamp.Kind}) but its entry type is '{entryName}' ({kind}): BackupPluginName and BackupPluginKind in the project must match IBackupPlugin.Name and the interface"
                : null;
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

    /// <summary>A plugin's main assembly and what its metadata says, read without loading it.</summary>
    /// <param name="AssemblyPath">The main assembly.</param>
    /// <param name="Stamp">Its stamps, or null when the metadata could not be read.</param>
    /// <param name="StampError">Why the metadata could not be read (reported when the plugin is loaded), or null.</param>
    private sealed record Candidate(string AssemblyPath, PluginStamp? Stamp, Exception? StampError)
    {
        public static Candidate Read(string assemblyPath)
        {
            try
            {
                return new Candidate(assemblyPath, ContractStamp.Read(assemblyPath), null);
            }
            catch (Exception ex) when (ex is BadImageFormatException or IOException or UnauthorizedAccessException)
            {
                return new Candidate(assemblyPath, null, ex);
            }
        }
    }
}
