using Backup.Host.Pipeline;
using Backup.Host.Progress;
using Backup.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Host.Tests;

public sealed class ProgressReporterSpecs
{
    private readonly FakeTimeProvider _clock = new();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly RunStatus _status;

    public ProgressReporterSpecs() => _status = new RunStatus(_clock) { ProgressIntervalSeconds = 30 };

    [Fact]
    public void A_phase_logs_a_line_each_interval_with_percent_and_ETA_once_the_total_is_known()
    {
        using var reporter = Start();
        var meter = new ProgressMeter(_clock);
        var phase = _status.Enter("dump", meter);
        meter.Add(100);

        _clock.Advance(TimeSpan.FromSeconds(29));
        _logs.Messages.Should().BeEmpty("a phase shorter than the interval logs no line");
        _clock.Advance(TimeSpan.FromSeconds(1));
        phase.SetTotal(1000, estimate: true);
        meter.Add(150);
        _clock.Advance(TimeSpan.FromSeconds(30));

        _logs.Messages.Should().Equal(
            "dump: 100 B, 3 B/s, elapsed 0:00:30",
            "dump: 250 B, 4 B/s, elapsed 0:01:00, ~25% of ~1000 B, ETA 0:03:07");
    }

    [Fact]
    public void An_interval_of_0_a_phase_without_a_meter_or_no_phase_log_nothing()
    {
        using var reporter = Start();
        _clock.Advance(TimeSpan.FromMinutes(2));
        _status.Enter("prune");
        _clock.Advance(TimeSpan.FromMinutes(2));
        var meter = new ProgressMeter(_clock);
        meter.Add(5);
        _status.Enter("dump", meter, total: 10);
        _status.ProgressIntervalSeconds = 0;
        _clock.Advance(TimeSpan.FromMinutes(2));

        _logs.Messages.Should().BeEmpty();
    }

    [Fact]
    public void A_count_past_a_too_low_estimate_shows_no_percent_and_a_known_total_no_tilde()
    {
        new ProgressRecord("dump", 2048, TimeSpan.FromSeconds(2), 1024, TotalIsEstimate: true).ToString()
            .Should().Be("dump: 2.0 KiB, 1.0 KiB/s, elapsed 0:00:02");
        new ProgressRecord("verify", 3L << 30, TimeSpan.FromHours(25), 4L << 30, TotalIsEstimate: false).ToString()
            .Should().Be("verify: 3.0 GiB, 35.0 KiB/s, elapsed 25:00:00, 75% of 4.0 GiB, ETA 8:20:00");
    }

    [Fact]
    public void The_terminal_line_is_erased_before_each_log_line_and_drawn_again_below_it()
    {
        var screen = new StringWriter();
        using var terminal = new StatusLineWriter(screen, () => 12);

        terminal.Show("dump: 1 MiB, 2 MiB/s");
        terminal.Write("log line\n");
        terminal.Show(null);

        screen.ToString().Should().Be("dump: 1 MiB\r\u001b[2Klog line\ndump: 1 MiB\r\u001b[2K", "the live line is cut to the width and never mixed into a log line");
    }

    private ProgressReporter Start() => new(_status, _logs.CreateLogger("Backup.Progress"), terminal: null, _clock);
}
