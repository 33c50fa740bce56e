using Backup.Abstractions;
using Backup.Host.Pipeline;
using Backup.Host.Plugins;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary>Builds a runnable job from a spec: finds both plugins, creates them from their settings, and reports every problem at once.</summary>
internal static class JobFactory
{
    /// <summary>Creates the job; throws <see cref="BackupSettingsException"/> listing every problem, or <see cref="PluginLoadException"/>.</summary>
    public static BackupJob Create(JobSpec spec, PluginCatalog catalog, ILoggerFactory loggerFactory)
    {
        var problems = new List<string>();
        var source = Create<IBackupSourcePlugin, IBackupSource>(spec.Source, PluginKind.Source, catalog, problems, (p, c) => p.CreateSource(c), loggerFactory);
        var storage = Create<IBackupStoragePlugin, IBackupStorage>(spec.Storage, PluginKind.Storage, catalog, problems, (p, c) => p.CreateStorage(c), loggerFactory);
        if (spec.Incremental is not null && source is not null && source is not IIncrementalBackupSource)
        {
            problems.Add($"{spec.Source.PluginLocation}: incremental: source plugin '{spec.Source.Plugin}' cannot make incremental backups (it does not implement {nameof(IIncrementalBackupSource)})");
        }

        if (spec.Incremental is not null && storage is not null && storage is not IReadableBackupStorage)
        {
            problems.Add($"{spec.Storage.PluginLocation}: incremental: storage plugin '{spec.Storage.Plugin}' cannot list or read objects, which a run needs to find the backup to build on");
        }

        var shape = source is null ? null : EntryShape(spec, source, problems);
        if (problems.Count > 0)
        {
            throw new BackupSettingsException(problems);
        }

        return new BackupJob(spec, source!, storage!) { EntryShape = shape };
    }

    /// <summary>The entries the source declares, checked against the pipeline: streaming stores exactly one entry, and finding out after the whole dump wastes it.</summary>
    private static BackupEntryShape? EntryShape(JobSpec spec, IBackupSource source, List<string> problems)
    {
        BackupEntryShape shape;
        try
        {
            if (source is not IShapedBackupSource shaped)
            {
                return null;
            }

            shape = shaped.EntryShape;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            problems.Add($"{spec.Source.Settings.Location}: source plugin '{spec.Source.Plugin}' cannot tell its entry shape: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
            return null;
        }

        var pipeline = spec.EffectivePipeline;
        if (pipeline.Mode == PipelineMode.Streaming && !shape.IsSingleEntry)
        {
            problems.Add($"{spec.PipelineModeLocation ?? spec.FilePath}: pipeline.mode streaming stores exactly one entry, but source '{spec.Source.Plugin}' writes several with these settings; use pipeline.mode archive");
        }

        return shape;
    }

    private static TResult? Create<TPlugin, TResult>(
        PluginSpec section,
        PluginKind kind,
        PluginCatalog catalog,
        List<string> problems,
        Func<TPlugin, PluginContext, TResult> create,
        ILoggerFactory loggerFactory)
        where TResult : class
    {
        if (section.Plugin.Length == 0)
        {
            return null;
        }

        if (catalog.Find(kind, section.Plugin)?.Entry is not TPlugin plugin)
        {
            problems.Add($"{section.PluginLocation}: {section.Section}.plugin '{section.Plugin}' is not installed in {catalog.Directory}; installed {kind.ToString().ToLowerInvariant()} plugins: {catalog.InstalledNames(kind)}");
            return null;
        }

        var before = problems.Count;
        TResult? result = null;
        try
        {
            result = create(plugin, new PluginContext(section.Settings, loggerFactory));
            problems.AddRange(section.Settings.Problems.Distinct());
        }
        catch (BackupSettingsException ex)
        {
            problems.AddRange(ex.Problems);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            problems.Add($"{section.Settings.Location}: {section.Section} plugin '{section.Plugin}' rejected its settings: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
        }

        // A key the plugin never read is a typo or an unsupported setting: silently ignoring it would hide a mistake.
        problems.AddRange(section.Settings.UnreadKeys.Select(key => $"{key} is not a setting of plugin '{section.Plugin}'"));
        return problems.Count == before ? result : null;
    }
}
