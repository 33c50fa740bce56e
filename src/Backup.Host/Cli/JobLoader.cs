using System.CommandLine;
using Backup.Host.Monitoring;
using Backup.Host.Pipeline;
using Backup.Host.Plugins;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary>The first steps of every command that works on a job: read the spec, load the plugins, create both.</summary>
internal static class JobLoader
{
    /// <summary>Loads the job named by <paramref name="spec"/>; throws the same errors as its parts, for <see cref="ErrorReporter"/>.</summary>
    /// <param name="parseResult">The parsed command line.</param>
    /// <param name="spec">The command's <c>--spec</c> option.</param>
    /// <param name="options">The global options.</param>
    /// <param name="loggerFactory">The command's logger factory.</param>
    /// <param name="recorder">Where a reported command records the spec and the storage's location.</param>
    public static BackupJob Load(ParseResult parseResult, Option<string> spec, GlobalOptions options, ILoggerFactory loggerFactory, OutcomeRecorder? recorder = null)
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

        recorder?.Loaded(jobSpec);
        options.Status.ProgressIntervalSeconds = jobSpec.EffectivePipeline.ProgressIntervalSeconds;
        var catalog = PluginCatalog.Open(PluginCatalog.ResolveDirectory(parseResult.GetValue(options.PluginsDirectory)));
        var job = JobFactory.Create(jobSpec, catalog, loggerFactory);
        recorder?.Located(job);
        return job;
    }
}
