using Nop.Archiver.Tests.Support;
using Nop.Contracts;
using Nop.Testing;
using static Nop.Archiver.Tests.Support.Windows;

namespace Nop.Archiver.Tests;

// The archiver joins the levels stream late and reads everything it still holds; its CSV files hold every window
// exactly once, across stops and crashes.
public sealed class ArchiverTests
{
    [Fact]
    public async Task A_late_joiner_archives_every_window_the_stream_holds()
    {
        await using var bed = await ArchiverTestBed.CreateAsync("archiver-late");
        // Published before the archiver exists: a queue would not have them for it, the stream does.
        var windows = new[]
        {
            Minute("s1", Day1, 0), Minute("s2", Day1, 0), Minute("s1", Day1, 1, maintenance: true),
            Minute("s1", Day2, 0), Minute("s2", Day2, 5),
        };
        foreach (var window in windows)
        {
            await bed.PublishAsync(window);
        }

        await bed.StartArchiverAsync();
        await bed.CommittedAsync(windows.Length);

        bed.Lines(Day1).ShouldBe(
        [
            CsvArchive.Header,
            "s1,residential,2026-06-15T00:00:00Z,2026-06-15T00:01:00Z,40.25,50.75,43.25,39.25,36.25,0.95,false",
            "s2,residential,2026-06-15T00:00:00Z,2026-06-15T00:01:00Z,40.25,50.75,43.25,39.25,36.25,0.95,false",
            "s1,residential,2026-06-15T00:01:00Z,2026-06-15T00:02:00Z,41.25,51.75,44.25,40.25,37.25,0.95,true",
        ]);
        bed.Lines(Day2).ShouldBe([CsvArchive.Header, .. windows[3..].Select(CsvArchive.Line)]);
    }

    [Fact]
    public async Task Started_again_it_appends_what_came_meanwhile_and_repeats_nothing()
    {
        await using var bed = await ArchiverTestBed.CreateAsync("archiver-resume");
        var first = Enumerable.Range(0, 4).Select(m => Minute("s1", Day1, m)).ToArray();
        foreach (var window in first)
        {
            await bed.PublishAsync(window);
        }
        var archiver = await bed.StartArchiverAsync();
        await bed.CommittedAsync(first.Length);
        await ArchiverTestBed.StopAsync(archiver);

        // Then as Processing publishes them now: one message for the windows a checkpoint closed, one offset.
        var second = Enumerable.Range(4, 5).Select(m => Minute("s1", Day1, m)).Append(Minute("s1", Day2, 0)).ToArray();
        await bed.PublishLevelsAsync(second);
        await bed.StartArchiverAsync();
        await bed.CommittedAsync(first.Length + 1);

        bed.Lines(Day1).ShouldBe([CsvArchive.Header, .. first.Concat(second[..^1]).Select(CsvArchive.Line)]);
        bed.Lines(Day2).ShouldBe([CsvArchive.Header, CsvArchive.Line(second[^1])]);
        bed.Logs.Events.Select(e => e.RenderMessage(null))
            .ShouldContain($"Reading \"{Queues.LevelsStream}\" from offset {first.Length}");
    }

    [Fact]
    public async Task After_a_crash_between_rows_and_position_nothing_is_written_twice()
    {
        await using var bed = await ArchiverTestBed.CreateAsync("archiver-crash");
        var first = Enumerable.Range(0, 3).Select(m => Minute("s1", Day1, m)).ToArray();
        foreach (var window in first)
        {
            await bed.PublishAsync(window);
        }
        var archiver = await bed.StartArchiverAsync();
        await bed.CommittedAsync(first.Length);
        await ArchiverTestBed.StopAsync(archiver);
        var positionPath = Path.Combine(bed.Folder, CsvArchive.PositionFileName);
        var oldPosition = await File.ReadAllBytesAsync(positionPath);

        var second = new[] { Minute("s1", Day1, 3), Minute("s1", Day1, 4), Minute("s1", Day2, 0) };
        foreach (var window in second)
        {
            await bed.PublishAsync(window);
        }
        archiver = await bed.StartArchiverAsync();
        await bed.CommittedAsync(first.Length + second.Length);
        await ArchiverTestBed.StopAsync(archiver);

        // The crash: rows reached the files (one torn in the middle, and a file of a new day begun) but the position
        // that covers them did not.
        await File.WriteAllBytesAsync(positionPath, oldPosition);
        await File.AppendAllTextAsync(bed.FileOf(Day1), "s1,residential,2026-06-15T00:05");
        bed.Lines(Day1).Length.ShouldBe(1 + first.Length + 2 + 1);
        File.Exists(bed.FileOf(Day2)).ShouldBeTrue();

        await bed.StartArchiverAsync();
        await bed.CommittedAsync(first.Length + second.Length);

        bed.Lines(Day1).ShouldBe([CsvArchive.Header, .. first.Concat(second[..2]).Select(CsvArchive.Line)]);
        bed.Lines(Day2).ShouldBe([CsvArchive.Header, CsvArchive.Line(second[2])]);
        // Cut back on start, before reading (the first batch after would overwrite them anyway).
        var rolledBack = bed.Logs.Events.Select(e => e.RenderMessage(null)).ToList();
        rolledBack.ShouldContain(m => m.StartsWith("\"levels-2026-06-15.csv\": ", StringComparison.Ordinal)
            && m.Contains("past the last committed position removed", StringComparison.Ordinal));
        rolledBack.ShouldContain(m => m.StartsWith("\"levels-2026-06-16.csv\" was begun after the last committed",
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task Other_messages_on_the_stream_are_skipped_and_their_offsets_count()
    {
        await using var bed = await ArchiverTestBed.CreateAsync("archiver-skip");
        await bed.PublishAsync(Minute("s1", Day1, 0));
        await bed.PublishAsync(Exceeded("s1", Day1, 0));
        // A window History parked and replays: a second copy of one the stream holds already.
        await bed.ReplayAsHistoryAsync(Minute("s1", Day1, 0));
        await bed.PublishAsync(Minute("s1", Day1, 1));

        var archiver = await bed.StartArchiverAsync();
        await bed.CommittedAsync(4);
        await ArchiverTestBed.StopAsync(archiver);

        bed.Lines(Day1).ShouldBe([CsvArchive.Header, CsvArchive.Line(Minute("s1", Day1, 0)),
            CsvArchive.Line(Minute("s1", Day1, 1))]);
        bed.CommittedOffset().ShouldBe(4);
    }

    [Fact]
    public async Task It_waits_for_the_stream_when_started_before_it_exists()
    {
        await using var bed = await ArchiverTestBed.CreateAsync("archiver-early", declareStream: false);
        await bed.StartArchiverAsync();
        await Eventually.TrueAsync(
            () => bed.Logs.Events.Any(e => e.MessageTemplate.Text.Contains("does not exist yet",
                StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the archiver reports the missing stream");

        await bed.DeclareStreamAsync();
        await bed.PublishAsync(Minute("s1", Day1, 0));
        await bed.CommittedAsync(1);

        bed.Lines(Day1).ShouldBe([CsvArchive.Header, CsvArchive.Line(Minute("s1", Day1, 0))]);
    }

    [Fact]
    public async Task Files_without_a_position_are_refused_rather_than_guessed()
    {
        await using var bed = await ArchiverTestBed.CreateAsync("archiver-orphan");
        Directory.CreateDirectory(bed.Folder);
        await File.WriteAllTextAsync(bed.FileOf(Day1), CsvArchive.Header + "\n");

        var archiver = await bed.StartArchiverAsync();

        // The archive stays untouched and reads nothing: the background service stopped with the error.
        await Eventually.TrueAsync(
            () => bed.Logs.Events.Any(e => e.Exception is InvalidOperationException { Message: var m }
                && m.Contains("no position.json", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the archiver refuses the folder");
        File.ReadAllText(bed.FileOf(Day1)).ShouldBe(CsvArchive.Header + "\n");
        File.Exists(Path.Combine(bed.Folder, CsvArchive.PositionFileName)).ShouldBeFalse();
        await ArchiverTestBed.StopAsync(archiver);
    }

    [Fact]
    public async Task It_reconnects_when_the_connection_is_lost_and_resumes_at_its_position()
    {
        await using var bed = await ArchiverTestBed.CreateAsync("archiver-reconnect");
        var first = Enumerable.Range(0, 4).Select(m => Minute("s1", Day1, m)).ToArray();
        foreach (var window in first)
        {
            await bed.PublishAsync(window);
        }
        await bed.StartArchiverAsync();
        await bed.CommittedAsync(first.Length);

        await bed.CloseArchiverConnectionAsync();
        var second = Enumerable.Range(4, 4).Select(m => Minute("s1", Day1, m)).ToArray();
        foreach (var window in second)
        {
            await bed.PublishAsync(window);
        }
        await bed.CommittedAsync(first.Length + second.Length);

        bed.Lines(Day1).ShouldBe([CsvArchive.Header, .. first.Concat(second).Select(CsvArchive.Line)]);
        bed.Logs.Events.Count(e => e.MessageTemplate.Text.StartsWith("Reading {Stream} from offset",
            StringComparison.Ordinal)).ShouldBe(2, "it consumed again after the loss");
    }

    [Fact]
    public async Task A_position_inside_a_chunk_resumes_exactly_there()
    {
        await using var bed = await ArchiverTestBed.CreateAsync("archiver-chunk");
        // Published together, so the broker writes them as few chunks: the position falls inside one, and nothing
        // before it may be written again (whether the broker or the archiver leaves it out).
        var windows = Enumerable.Range(0, 20).Select(m => Minute("s1", Day1, m)).ToArray();
        await Task.WhenAll(windows.Select(bed.PublishAsync));
        // An archive that holds offsets 0 to 9 already (of which no file is left: so none is rolled back).
        Directory.CreateDirectory(bed.Folder);
        await File.WriteAllTextAsync(Path.Combine(bed.Folder, CsvArchive.PositionFileName),
            """{"nextOffset": 10, "files": {}}""");

        await bed.StartArchiverAsync();
        await bed.CommittedAsync(windows.Length);

        var rows = bed.Lines(Day1);
        rows[0].ShouldBe(CsvArchive.Header);
        rows.Length.ShouldBe(1 + 10, string.Join('\n', rows));
        rows.Distinct().Count().ShouldBe(rows.Length);
    }

    [Fact]
    public async Task It_needs_only_read_permission_on_the_stream()
    {
        await using var bed = await ArchiverTestBed.CreateAsync("archiver-rights");
        await bed.PublishAsync(Minute("s1", Day1, 0));
        // What compose's nop-archiver user gets: no configure, no write, read on the stream alone.
        var reader = await bed.VirtualHost.CreateUserAsync("archiver", configure: "", write: "",
            read: "^nop\\.levels\\.stream$");

        await bed.StartArchiverAsync(reader);
        await bed.CommittedAsync(1);

        bed.Lines(Day1).ShouldBe([CsvArchive.Header, CsvArchive.Line(Minute("s1", Day1, 0))]);
    }
}
