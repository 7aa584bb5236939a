using System.Globalization;
using System.Text;
using System.Text.Json;
using Nop.Contracts;

namespace Nop.Archiver;

/// <summary>
/// The CSV files, one per UTC day of the window start (<c>levels-YYYY-MM-DD.csv</c>, header line first), and the
/// position file beside them that makes them exactly-once.
/// </summary>
/// <remarks>
/// The files and the stream offset cannot change in one atomic step: a crash between appending rows and recording the
/// offset would, on restart, either skip rows (offset first) or write them twice (rows first). So the position file is
/// the single commit point. After each batch the files are flushed to disk, and only then is the position (the next
/// offset, and every file's length) written to a temporary file and renamed over the old one, which is atomic. On
/// start every file is cut back to its recorded length and reading resumes at the recorded offset: whatever a crash
/// left past those lengths belonged to an uncommitted batch, and that batch is read again.
/// </remarks>
public sealed class CsvArchive
{
    public const string PositionFileName = "position.json";
    public const string Header = "sensorId,zone,windowStart,windowEnd,laeq,lamax,l10,l50,l90,coverage,maintenance";
    private const string FilePattern = "levels-*.csv";

    private readonly string _directory;
    private readonly ILogger _logger;
    // Every archive file's committed length, not only today's: a late window still goes to its own day's file.
    private readonly Dictionary<string, long> _lengths;
    private readonly Dictionary<string, StringBuilder> _pending = new(StringComparer.Ordinal);

    private CsvArchive(string directory, Position position, ILogger logger)
    {
        _directory = directory;
        _logger = logger;
        _lengths = new Dictionary<string, long>(position.Files ?? [], StringComparer.Ordinal);
        NextOffset = position.NextOffset;
    }

    /// <summary>The stream offset to read next; null before anything was committed (read from the first).</summary>
    public long? NextOffset { get; private set; }

    /// <summary>Opens the archive in <paramref name="directory"/> and rolls back what the last commit did not
    /// cover.</summary>
    public static CsvArchive Open(string directory, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        var positionPath = Path.Combine(directory, PositionFileName);
        var files = Directory.GetFiles(directory, FilePattern);
        if (!File.Exists(positionPath))
        {
            // A position is written before the first row, so files without one were not written by this archive (or
            // their position was removed): reading the stream again from the start could duplicate or, past its
            // retention, lose rows. Refuse rather than guess.
            if (files.Length > 0)
            {
                throw new InvalidOperationException(
                    $"{directory} holds archive files but no {PositionFileName}: move the files away (a fresh " +
                    "archive is then read from the stream's first offset) or restore the position file.");
            }
            var fresh = new CsvArchive(directory, new Position(null, []), logger);
            fresh.WritePosition(null, fresh._lengths);
            logger.LogInformation("Archive {Directory} is new: the stream is read from its first offset",
                Path.GetFullPath(directory));
            return fresh;
        }

        var position = JsonSerializer.Deserialize<Position>(File.ReadAllBytes(positionPath), Json)
            ?? throw new InvalidOperationException($"{positionPath} is empty");
        var archive = new CsvArchive(directory, position, logger);
        foreach (var path in files)
        {
            archive.RollBack(path);
        }
        // Files an operator moved away are forgotten (a later window of that day begins a new file).
        foreach (var name in archive._lengths.Keys.Where(n => !File.Exists(Path.Combine(directory, n))).ToList())
        {
            archive._lengths.Remove(name);
        }
        logger.LogInformation("Archive {Directory} opened at offset {Offset} with {Files} file(s)",
            Path.GetFullPath(directory), archive.NextOffset?.ToString(CultureInfo.InvariantCulture) ?? "first",
            archive._lengths.Count);
        return archive;
    }

    /// <summary>Adds a window to the current batch (written by <see cref="Commit"/>).</summary>
    public void Add(NoiseLevelMeasured level)
    {
        var name = FileName(DateOnly.FromDateTime(level.WindowStart.UtcDateTime));
        if (!_pending.TryGetValue(name, out var lines))
        {
            _pending[name] = lines = new StringBuilder();
        }
        lines.Append(Line(level)).Append('\n');
    }

    /// <summary>Writes the batch's rows, flushes them to disk, then records <paramref name="nextOffset"/> and the new
    /// lengths in one rename. On failure nothing is committed: the next start (or attempt) rolls the files back.
    /// </summary>
    public void Commit(long nextOffset)
    {
        try
        {
            var lengths = new Dictionary<string, long>(_lengths, StringComparer.Ordinal);
            foreach (var (name, lines) in _pending)
            {
                var path = Path.Combine(_directory, name);
                using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write);
                // From the committed length: bytes of a failed earlier attempt are overwritten, never kept.
                var length = lengths.GetValueOrDefault(name);
                file.SetLength(length);
                file.Seek(length, SeekOrigin.Begin);
                var text = length == 0 ? Header + "\n" + lines : lines.ToString();
                file.Write(Encoding.UTF8.GetBytes(text));
                file.Flush(flushToDisk: true);
                lengths[name] = file.Length;
            }
            // Only once the position is on disk does this archive move on: a failure leaves it where it was.
            WritePosition(nextOffset, lengths);
            NextOffset = nextOffset;
            foreach (var (name, length) in lengths)
            {
                _lengths[name] = length;
            }
        }
        finally
        {
            _pending.Clear();
        }
    }

    /// <summary>Drops the rows of a batch that will not be committed (the connection was lost mid-batch).</summary>
    public void Discard() => _pending.Clear();

    private void RollBack(string path)
    {
        var name = Path.GetFileName(path);
        var length = new FileInfo(path).Length;
        if (!_lengths.TryGetValue(name, out var committed))
        {
            _logger.LogWarning("{File} was begun after the last committed position: removed, its rows are read again",
                name);
            File.Delete(path);
            return;
        }
        if (length < committed)
        {
            throw new InvalidOperationException(
                $"{path} is shorter ({length} bytes) than committed ({committed} bytes): it was changed outside the " +
                "archiver. Restore it, or move the whole archive away to start a fresh one.");
        }
        if (length > committed)
        {
            _logger.LogWarning("{File}: {Bytes} byte(s) past the last committed position removed (an uncommitted " +
                "batch, read again)", name, length - committed);
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
            file.SetLength(committed);
            file.Flush(flushToDisk: true);
        }
    }

    private void WritePosition(long? nextOffset, Dictionary<string, long> lengths)
    {
        var path = Path.Combine(_directory, PositionFileName);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(new Position(nextOffset, lengths), Json));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true); // rename(2): readers see the old position or the new, never half
    }

    private static string FileName(DateOnly day) =>
        "levels-" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".csv";

    internal static string Line(NoiseLevelMeasured level) => string.Join(',',
        Text(level.SensorId),
        JsonSerializer.Serialize(level.Zone, NopJsonContext.Default.Zone).Trim('"'),
        Time(level.WindowStart),
        Time(level.WindowEnd),
        Number(level.Laeq),
        Number(level.Lamax),
        Number(level.L10),
        Number(level.L50),
        Number(level.L90),
        Number(level.Coverage),
        level.Maintenance ? "true" : "false");

    // RFC 4180 quoting, should a sensor id ever hold a comma or a quote (today's id pattern allows neither).
    private static string Text(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;

    private static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    // Shortest text that reads back as the same double; empty when the window did not carry the value.
    private static string Number(double? value) =>
        value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    internal sealed record Position(long? NextOffset, Dictionary<string, long>? Files);
}
