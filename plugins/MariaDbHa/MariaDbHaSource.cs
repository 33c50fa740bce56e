using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Backup.Abstractions;
using CliWrap;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbHa;

/// <summary>Dumps all databases with mariadb-dump into one entry, and checks the dump instead of trusting it.</summary>
internal sealed partial class MariaDbHaSource(MariaDbHaSettings settings, ILogger<MariaDbHaSource> logger) : IBackupSource
{
    private string Server => $"{settings.Host}:{settings.Port}";

    public async Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        var password = await settings.Password.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var arguments = DumpArguments.For(settings);

        using var optionFile = OptionFile.Create(context.WorkDirectory, password);
        logger.LogInformation("Dumping all databases from {Server} as {User} into {Entry}", Server, settings.User, settings.EntryName);
        var stopwatch = Stopwatch.StartNew();

        DumpStreamTap? tap = null;
        await context.Writer.WriteEntryAsync(
            settings.EntryName,
            async (stream, ct) =>
            {
                tap = new DumpStreamTap(stream);
                await RunDumpAsync([optionFile.Argument, .. arguments], tap, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

        var bytes = tap!.Length;
        logger.LogInformation(
            "Dump from {Server} finished: {Bytes} bytes in {Seconds:F1} s", Server, bytes, stopwatch.Elapsed.TotalSeconds);

        var metadata = new Dictionary<string, string>
        {
            ["host"] = settings.Host,
            ["port"] = settings.Port.ToString(CultureInfo.InvariantCulture),
            ["user"] = settings.User,
            ["entryName"] = settings.EntryName,
            ["dumpArguments"] = string.Join(' ', arguments),
            ["dumpBytes"] = bytes.ToString(CultureInfo.InvariantCulture),
        };
        if (DumpHeader.ServerVersion(tap.Head) is { } version)
        {
            metadata["serverVersion"] = version;
        }

        return new SourceResult(metadata);
    }

    private async Task RunDumpAsync(IReadOnlyList<string> arguments, DumpStreamTap output, CancellationToken cancellationToken)
    {
        var stderr = new BoundedCapture();
        var command = Cli.Wrap(settings.DumpCommand)
            .WithArguments(arguments)
            .WithStandardOutputPipe(PipeTarget.ToStream(output))
            .WithStandardErrorPipe(stderr.Target)
            .WithValidation(CommandResultValidation.None);

        CommandResult result;
        try
        {
            result = await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Win32Exception || ex.InnerException is Win32Exception)
        {
            throw new BackupSourceException($"cannot start the dump command '{settings.DumpCommand}': {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        if (result.ExitCode != 0)
        {
            throw new BackupSourceException(
                $"{DumpName} from {Server} failed with exit code {result.ExitCode}: {stderr.Summary()}");
        }

        if (!DumpHeader.IsComplete(output.Tail))
        {
            throw new BackupSourceException($"dump from {Server} is truncated (no '-- Dump completed' trailer)");
        }
    }

    private string DumpName => Path.GetFileName(settings.DumpCommand);
}
