using System.CommandLine;
using Backup.Host.Pipeline;
using Backup.Host.Plugins;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary>The first steps of every command that works on a job: read the spec, load the plugins, create both.</summary>
internal static class JobLoader
{
    /// <summary>Loads the job named by <paramref name="spec"/>; throws the same errors as its parts, for <see cref="ErrorReporter"/>.</summary>
    public static BackupJob Load(ParseResult parseResult, Option<string> spec, GlobalOptions options, ILoggerFactory loggerFactory)
    {
        var loader = new SpecLoader();
        JobSpec jobSpec;
        try
        {
            jobSpec = loader.Load(parseResult.GetValue(spec)!);
        }
        finally
        {
            options.Status.Job = loader.Name;
        }

        options.Status.ProgressIntervalSeconds = jobSpec.EffectivePipeline.ProgressIntervalSeconds;
        var catalog = PluginCatalog.Load(PluginCatalog.ResolveDirectory(parseResult.GetValue(options.PluginsDirectory)));
        return JobFactory.Create(jobSpec, catalog, loggerFactory);
    }
}
