using System.Text.Json;
using Backup.Host.Logging;
using Backup.Host.Progress;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Host.Tests;

public sealed class JsonLogRecordSpecs
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_record_is_one_line_of_json_with_the_runs_job_backup_id_and_phase_whatever_the_message_holds()
    {
        var status = new RunStatus(_clock) { Job = "nightly", BackupId = "nightly-1" };
        status.Enter("dump");
        var output = new StringWriter();

        JsonLogRecord.Write(output, _clock.GetUtcNow(), LogLevel.Warning, "Plugin", status, "two\nlines \"quoted\" \u001b[2K -> 'x'", [new("Bytes", 5L), new("Node", "db-0"), new("{OriginalFormat}", "t")]);

        var text = output.ToString();
        text.Should().EndWith("\n").And.Subject.TrimEnd('\n').Should().NotContain("\n").And.NotContain("\u001b");
        var record = JsonDocument.Parse(text).RootElement;
        record.GetProperty("timestamp").GetString().Should().Be("2026-11-30T04:00:00.000Z");
        record.GetProperty("level").GetString().Should().Be("warn");
        record.GetProperty("job").GetString().Should().Be("nightly");
        record.GetProperty("backupId").GetString().Should().Be("nightly-1");
        record.GetProperty("phase").GetString().Should().Be("dump");
        record.GetProperty("message").GetString().Should().Be("two\nlines \"quoted\" \u001b[2K -> 'x'");
        record.GetProperty("fields").GetProperty("Bytes").GetInt64().Should().Be(5);
        record.GetProperty("fields").TryGetProperty("{OriginalFormat}", out _).Should().BeFalse();
        text.Should().Contain("-> 'x'", "relaxed escaping keeps messages readable");
    }

    [Fact]
    public void Text_written_to_stdout_or_stderr_becomes_one_record_per_line_and_error_and_warning_lines_keep_their_level()
    {
        var output = new StringWriter();
        using var writer = new JsonLineWriter(output, "Backup.Error", new RunStatus(_clock) { Job = "nightly" }, _clock);

        writer.WriteLine("error: the source failed");
        writer.WriteLine("warning: the push failed");
        writer.Write("partial");
        writer.Flush();

        var records = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        records.Select(r => (r.GetProperty("level").GetString(), r.GetProperty("message").GetString(), r.GetProperty("job").GetString()))
            .Should().Equal(("error", "error: the source failed", "nightly"), ("warn", "warning: the push failed", "nightly"), ("info", "partial", "nightly"));
    }
}
