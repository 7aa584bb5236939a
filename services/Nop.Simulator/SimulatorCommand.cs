using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Nop.Simulator.Generation;
using Nop.Simulator.Running;

namespace Nop.Simulator;

// The command line (services/Nop.Simulator/README.md lists its options).
public static partial class SimulatorCommand
{
    public static RootCommand Build(TextWriter output)
    {
        var url = new Option<Uri>("--url")
        {
            Description = "Ingest's base address.",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080"),
            CustomParser = r => Parse(r, s => Uri.TryCreate(s, UriKind.Absolute, out var u)
                && u.Scheme is "http" or "https"
                ? u
                : throw new FormatException($"--url '{s}' is not an http(s) address.")),
        };
        var catalog = new Option<string>("--catalog", "--catalogue")
        {
            Description = "Sensor catalogue (default: the development one, keys dev-key-<id>, development only; "
                + "for another, its keys from --keys). "
                + "Relative paths are looked up from here upwards.",
            DefaultValueFactory = _ => "deploy/sensors.dev.json",
        };
        var keys = new Option<string?>("--keys")
        {
            Description = "JSON object {\"sensor-id\": \"api-key\"} for sensors whose key is not dev-key-<id>, "
                + "e.g. written by Ingest's `sensors init --keys-out`.",
        };
        var sensors = new Option<int?>("--sensors")
        {
            Description = "How many sensors, spread over the catalogue (default: all).",
        };
        var rate = new Option<double?>("--rate")
        {
            Description = "Readings per second per sensor (event time), each lasting 1/rate s (default 1: 1 s levels).",
        };
        var readingSeconds = new Option<double?>("--reading-seconds")
        {
            Description = "How long each reading lasts, in seconds (instead of --rate; 60 = one level a minute).",
        };
        var packet = new Option<TimeSpan>("--packet-interval")
        {
            Description = "How often each sensor posts what it measured since its last packet "
                + "(default 1m, as real sensors).",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(1),
            CustomParser = r => Parse(r, ParseDuration),
        };
        var firstPacketNow = new Option<bool>("--first-packet-now")
        {
            Description = "Every sensor posts a packet at once (the last packet interval of levels), "
                + "then on its schedule.",
        };
        var profile = new Option<Profile>("--profile")
        {
            Description = "city, construction, nightlife, park, faulty or mixed.",
            DefaultValueFactory = _ => Profile.Mixed,
            CustomParser = r => Parse(r, Profiles.Parse),
        };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "Wall time to run, e.g. 90s, 10m, 1h30m (default: until --count or Ctrl-C).",
            CustomParser = r => Parse<TimeSpan?>(r, s => ParseDuration(s)),
        };
        var count = new Option<long?>("--count") { Description = "Stop after this many readings in all." };
        var seed = new Option<int?>("--seed")
        {
            Description = "Same seed, same readings (ids, times, levels). Default: a new one, printed.",
        };
        var from = new Option<DateTimeOffset?>("--event-time-from")
        {
            Description = "Event time of the first readings: an ISO 8601 time or now-<duration> (e.g. now-2h). "
                + "Default: now.",
            CustomParser = r => Parse<DateTimeOffset?>(r, s => ParseEventTime(s, DateTimeOffset.UtcNow)),
        };
        var backfill = new Option<TimeSpan?>("--backfill")
        {
            Description = "First post the readings of this much time before now (e.g. 23h) at their event times, "
                + "as fast as Ingest takes them, then go on live. Ingest takes readings up to 24 h old.",
            CustomParser = r => Parse<TimeSpan?>(r, s => ParseDuration(s)),
        };
        var speed = new Option<double>("--speed")
        {
            Description = "Event time runs this many times faster until it catches up with now.",
            DefaultValueFactory = _ => 1,
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Readings per request at most (1–1000); a larger packet is posted in several requests.",
            DefaultValueFactory = _ => 1000,
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Requests in flight at most.",
            DefaultValueFactory = _ => 32,
        };
        var drain = new Option<TimeSpan>("--drain-timeout")
        {
            Description = "After stopping, how long to keep retrying unconfirmed readings.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
            CustomParser = r => Parse(r, ParseDuration),
        };

        var root = new RootCommand(
            "NOP sensor simulator: posts realistic noise readings to Ingest and reports what was accepted.")
        {
            url, catalog, keys, sensors, rate, readingSeconds, packet, firstPacketNow, profile, duration, count, seed,
                from, speed, backfill,
            batchSize, concurrency, drain,
        };
        root.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(rate) is not null && result.GetValue(readingSeconds) is not null)
            {
                await Console.Error.WriteLineAsync("error: give --rate or --reading-seconds, not both.");
                return 2;
            }
            if (result.GetValue(backfill) is not null && result.GetValue(from) is not null)
            {
                await Console.Error.WriteLineAsync("error: give --backfill or --event-time-from, not both.");
                return 2;
            }
            var settings = new SimulatorSettings
            {
                Url = result.GetValue(url)!,
                CatalogPath = result.GetValue(catalog)!,
                KeysPath = result.GetValue(keys),
                Sensors = result.GetValue(sensors),
                Rate = result.GetValue(readingSeconds) is { } seconds ? 1 / seconds : result.GetValue(rate) ?? 1,
                PacketInterval = result.GetValue(packet),
                FirstPacketNow = result.GetValue(firstPacketNow),
                Profile = result.GetValue(profile),
                Duration = result.GetValue(duration),
                Count = result.GetValue(count),
                Seed = result.GetValue(seed) ?? Random.Shared.Next(),
                EventTimeFrom = result.GetValue(from),
                Speed = result.GetValue(speed),
                Backfill = result.GetValue(backfill),
                BatchSize = result.GetValue(batchSize),
                Concurrency = result.GetValue(concurrency),
                DrainTimeout = result.GetValue(drain),
            };
            if (Validate(settings) is { } error)
            {
                await Console.Error.WriteLineAsync("error: " + error);
                return 2;
            }
            return await RunAsync(settings, output, cancellationToken);
        });
        return root;
    }

    // What is wrong with settings, or null.
    public static string? Validate(SimulatorSettings settings) => settings switch
    {
        // A reading lasts 1/rate s, and Ingest takes durations up to a day.
        { Rate: < 1.0 / 86_400 or > 1000 or double.NaN } =>
            "--rate must be between 1/86400 and 1000 (--reading-seconds between 0.001 and 86400).",
        { PacketInterval: { TotalMilliseconds: < 10 } or { TotalHours: > 1 } } =>
            "--packet-interval must be between 10ms and 1h.",
        { Speed: < 1 or > 1_000_000 or double.NaN } => "--speed must be between 1 and 1000000.",
        { BatchSize: < 1 or > 1000 } => "--batch-size must be between 1 and 1000.",
        { Sensors: < 1 } => "--sensors must be at least 1.",
        { Count: < 1 } => "--count must be at least 1.",
        { Concurrency: < 1 or > 1024 } => "--concurrency must be between 1 and 1024.",
        { Duration: { Ticks: <= 0 } } => "--duration must be positive.",
        { Backfill: { Ticks: <= 0 } } => "--backfill must be positive.",
        _ => null,
    };

    // Runs a simulation until it ends or Ctrl-C/SIGTERM; exit code 0 only when every reading was accepted.
    public static async Task<int> RunAsync(SimulatorSettings settings, TextWriter output,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<SimulatedSensor> sensors;
        try
        {
            sensors = SimulatorCatalogue.Spread(SimulatorCatalogue.Load(settings.CatalogPath, settings.KeysPath),
                settings.Sensors);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException
            or System.Text.Json.JsonException)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 2;
        }

        // The first Ctrl-C or SIGTERM stops generating and gives what is in flight a few seconds (./nop down waits 10
        // s); a second one gives up at once.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var abort = new CancellationTokenSource();
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref signals) == 1)
            {
                stop.Cancel();
                abort.CancelAfter(TimeSpan.FromSeconds(5));
            }
            else
            {
                abort.Cancel();
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        await output.WriteLineAsync(
            FormattableString.Invariant($"Simulating {sensors.Count} sensors ") +
            FormattableString.Invariant($"({settings.Profile.ToString().ToLowerInvariant()}, ") +
            FormattableString.Invariant($"{settings.Rate} readings/s each, a packet every {settings.PacketInterval}") +
            (settings.FirstPacketNow ? ", the first at once" : "") +
            FormattableString.Invariant($", seed {settings.Seed}) against {settings.Url}") +
            (settings.Backfill is { } b
                ? FormattableString.Invariant($", first the last {b} as fast as Ingest takes it")
                : settings.EventTimeFrom is { } f
                ? FormattableString.Invariant($", event time from {f:O} at {settings.Speed}x")
                : "") +
            (settings.Duration is { } d ? FormattableString.Invariant($", for {d}") : "") +
            (settings.Count is { } c ? FormattableString.Invariant($", {c} readings") : "") + ".");

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = settings.Concurrency,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        { Timeout = TimeSpan.FromSeconds(30) };
        var summary = await new SimulatorRunner(settings, http, output, TimeProvider.System).RunAsync(sensors,
            stop.Token, abort.Token);
        await output.WriteLineAsync((summary.Complete ? "Done: " : "INCOMPLETE: ") + summary);
        return summary.Complete ? 0 : 1;
    }

    // 90s, 10m, 2h, 1h30m, 1d, or a TimeSpan (00:10:00).
    public static TimeSpan ParseDuration(string text)
    {
        var match = DurationPattern().Match(text.Trim());
        if (match.Success && match.Length > 0)
        {
            double Part(string name) => match.Groups[name].Success ? double.Parse(match.Groups[name].Value,
                CultureInfo.InvariantCulture) : 0;
            return TimeSpan.FromDays(Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m"))
                + TimeSpan.FromSeconds(Part("s")) + TimeSpan.FromMilliseconds(Part("ms"));
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new FormatException($"'{text}' is not a duration (e.g. 90s, 10m, 1h30m, 00:10:00).");
    }

    // An ISO 8601 time, now, or now-<duration>.
    public static DateTimeOffset ParseEventTime(string text, DateTimeOffset now)
    {
        text = text.Trim();
        if (text.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            return now;
        }
        if (text.StartsWith("now-", StringComparison.OrdinalIgnoreCase))
        {
            return now - ParseDuration(text[4..]);
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : throw new FormatException($"'{text}' is not a time (e.g. 2026-11-23T08:00:00Z or now-2h).");
    }

    private static T Parse<T>(ArgumentResult result, Func<string, T> parse)
    {
        try
        {
            return parse(result.Tokens.Single().Value);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            result.AddError(ex.Message);
            return default!;
        }
    }

    [GeneratedRegex(
        @"^(?:(?<d>\d+(?:\.\d+)?)d)?(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m(?!s))?"
        + @"(?:(?<s>\d+(?:\.\d+)?)s)?(?:(?<ms>\d+)ms)?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
