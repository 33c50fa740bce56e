using System.CommandLine;
using System.Globalization;
using Backup.Abstractions;
using Backup.Host.Monitoring;
using Backup.Host.PointInTime;
using Backup.Host.Spec;
using Microsoft.Extensions.Logging;

namespace Backup.Host.Cli;

/// <summary><c>backup binlogs --spec job.yaml [--once] [--interval SECONDS]</c>: archives the source's closed binary logs for point-in-time recovery (docs/pitr.md).</summary>
internal static class BinlogsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(GlobalOptions options, TextWriter output, TextWriter error)
    {
        var spec = GlobalOptions.Spec();
        var once = new Option<bool>("--once") { Description = "Archive what there is (closing the active binlog first) and exit, e.g. from a CronJob." };
        var interval = new Option<int>("--interval")
        {
            Description = "Seconds between rounds when running continuously (default 60); each round closes the active binlog, so this bounds how much a lost cluster loses.",
            DefaultValueFactory = _ => 60,
        };
        interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 86400)
            {
                result.AddError($"--interval must be between 1 and 86400 seconds, not {result.GetValueOrDefault<int>()}");
            }
        });
        var command = new Command("binlogs", "Archives the source's closed binary logs (compressed, encrypted with the job's encryption, with their SHA-1 and an index) under <prefix>/binlogs/, continuously or --once.") { spec, once, interval };
        command.SetAction(CommandAction.Create(options, error, "binlog archiving was stopped; every file stored so far is complete", async (parseResult, loggerFactory, cancellationToken) =>
        {
            var job = JobLoader.Load(parseResult, spec, options, loggerFactory);
            var source = job.Source as ILogArchivingSource
                ?? throw new BackupSettingsException($"{job.Spec.Source.PluginLocation}: source plugin '{job.Spec.Source.Plugin}' cannot archive a change log (it does not implement {nameof(ILogArchivingSource)})");
            var storage = Capabilities.RequireStorage<IReadableBackupStorage>(job, "backup binlogs");
            options.Status.Enter("preflight");
            if (await source.CheckLogAsync(cancellationToken) is { } problem)
            {
                error.WriteLine($"error: binlogs cannot be archived consistently: {problem.ReplaceLineEndings(" ")}");
                return ExitCodes.LogNotArchivable;
            }

            var logger = loggerFactory.CreateLogger("Backup.Binlogs");
            var archive = new LogArchive(storage, job.Spec.Artifact.Prefix);
            var archiver = new LogArchiver(job.Spec, source, archive, logger, TimeProvider.System);
            var pause = TimeSpan.FromSeconds(parseResult.GetValue(interval));
            options.Status.Enter("binlogs");
            while (true)
            {
                try
                {
                    var stored = await archiver.RunRoundAsync(cancellationToken);
                    await PushAsync(job.Spec, succeeded: true, archiver, error, cancellationToken);
                    if (parseResult.GetValue(once))
                    {
                        output.WriteLine($"{stored} binlog file(s) archived to {archive.Where}; last archived: {archiver.Last?.Text ?? "none"}{At(archiver.LastEventTime)}");
                        return ExitCodes.Success;
                    }
                }
                catch (BackupException ex) when (ex is BackupSourceException or BackupStorageException && !cancellationToken.IsCancellationRequested)
                {
                    await PushAsync(job.Spec, succeeded: false, archiver, error, cancellationToken);
                    if (parseResult.GetValue(once))
                    {
                        throw;
                    }

                    // No usable node (all dead, or no Primary component) or the storage failed this round: keep trying, loudly,
                    // rather than exit and leave a Deployment restarting; the next round continues after the last archived GTID.
                    logger.LogError("Binlog archiving round failed, retrying in {Seconds} s: {Reason}", pause.TotalSeconds, ex.Message);
                }

                await Task.Delay(pause, cancellationToken);
            }
        }));
        return command;
    }

    // After every round, bounded by the spec's push timeout; a failed push is one warning line and archiving goes on.
    private static async Task PushAsync(JobSpec spec, bool succeeded, LogArchiver archiver, TextWriter error, CancellationToken cancellationToken)
    {
        if (spec.Metrics is not { } metrics)
        {
            return;
        }

        var text = BinlogMetrics.Render(spec, succeeded, DateTimeOffset.UtcNow, archiver.Last?.Sequence, archiver.LastEventTime);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(metrics.TimeoutSeconds) };
        try
        {
            await new PushgatewayClient(http).PushTextAsync(metrics, spec.Name, "binlogs", text, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error.WriteLine($"warning: metrics were not pushed to {PushgatewayClient.GroupUrl(metrics.Pushgateway, spec.Name, "binlogs")}: {HttpFailure.Describe(ex, TimeSpan.FromSeconds(metrics.TimeoutSeconds))}; archiving goes on");
        }
    }

    private static string At(DateTimeOffset? time) =>
        time is { } t ? $" at {t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}" : "";
}
