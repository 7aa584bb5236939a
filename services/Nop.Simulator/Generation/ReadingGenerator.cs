namespace Nop.Simulator.Generation;

// A reading as the simulator posts it: the level over [MeasuredAt − DurationSeconds, MeasuredAt).
public sealed record SimulatedReading(string SensorId, string ReadingId, DateTimeOffset MeasuredAt, double Laeq,
    double? Lamax, double DurationSeconds);

// The readings of one sensor, one every 1/rate seconds of event time, each the level of the interval it ends (as a
// sound level meter logs 1 s levels, stamped at the end of each second, on a grid shared by all sensors), from its own
// random stream: the same seed, sensor, profile, start and rate give the same readings (ids, times and levels),
// however the requests are scheduled. Times of day are UTC.
public sealed class ReadingGenerator
{
    private static readonly double[] TrafficShape =
        [0.25, 0.15, 0.10, 0.08, 0.10, 0.30, 0.65, 0.95, 1.00, 0.90, 0.82, 0.82, 0.85, 0.85, 0.85, 0.90, 0.97, 1.00,
            0.95, 0.80, 0.65, 0.55, 0.45, 0.35];

    private readonly Random _random;
    private readonly string _idPrefix;
    private readonly DateTimeOffset _first;
    private readonly long _intervalTicks;

    // Profile state that carries from one reading to the next.
    private bool _burst;
    private FaultPhase _phase = FaultPhase.Normal;
    private DateTimeOffset _phaseEnds;
    private double? _stuck;

    public ReadingGenerator(string sensorId, SensorZone zone, Profile profile, int seed, DateTimeOffset start,
        double readingsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(readingsPerSecond);
        if (profile == Profile.Mixed)
        {
            throw new ArgumentException("Resolve Mixed to a concrete profile first (Profiles.For).", nameof(profile));
        }
        SensorId = sensorId;
        Zone = zone;
        Profile = profile;
        _random = new Random(StableSeed(seed, sensorId));
        _idPrefix = $"sim-{(uint)seed:x8}-{sensorId}-";
        _intervalTicks = Math.Max(1, (long)(TimeSpan.TicksPerSecond / readingsPerSecond));
        // The first interval ending after the start, on a grid of whole intervals since the Unix epoch.
        var sinceEpoch = (start.ToUniversalTime() - DateTimeOffset.UnixEpoch).Ticks;
        _first = DateTimeOffset.UnixEpoch.AddTicks((sinceEpoch / _intervalTicks + 1) * _intervalTicks);
        _phaseEnds = _first + Minutes(1, 3);
    }

    public string SensorId { get; }

    public SensorZone Zone { get; }

    public Profile Profile { get; }

    // How many readings have been generated.
    public long Count { get; private set; }

    // How long each reading lasts, in seconds (1/rate).
    public double DurationSeconds => (double)_intervalTicks / TimeSpan.TicksPerSecond;

    // The event time of the next reading (the end of its interval).
    public DateTimeOffset NextAt
    {
        get
        {
            // Whole milliseconds, as sensors report them.
            var at = _first.AddTicks(_intervalTicks * Count);
            return at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMillisecond));
        }
    }

    public SimulatedReading Next()
    {
        var at = NextAt;
        var (laeq, lamax) = Profile switch
        {
            Profile.City => City(at, ZoneOffset(Zone)),
            Profile.Construction => Construction(at),
            Profile.Nightlife => Nightlife(at),
            Profile.Park => Park(at),
            Profile.Faulty => Faulty(at),
            _ => throw new InvalidOperationException($"No levels for {Profile}."),
        };
        var roundedLaeq = Math.Clamp(Math.Round(laeq, 1), 0, 194);
        double? roundedLamax = lamax is { } max ? Math.Clamp(Math.Max(Math.Round(max, 1), roundedLaeq), 0, 194) : null;
        Count++;
        var id = _idPrefix + Count.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
        return new SimulatedReading(SensorId, id, at, roundedLaeq, roundedLamax, DurationSeconds);
    }

    private (double, double?) City(DateTimeOffset at, double offset)
    {
        var shape = Interpolate(TrafficShape, at.UtcDateTime.TimeOfDay.TotalHours);
        if (at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            shape *= 0.85;
        }
        var laeq = 45 + 22 * shape + offset + Gauss(2);
        // A horn or a siren now and then.
        var lamax = _random.NextDouble() < 0.002 ? Uniform(98, 108) : laeq + 5 + Math.Abs(Gauss(3));
        return (laeq, lamax);
    }

    private (double, double?) Construction(DateTimeOffset at)
    {
        var hour = at.UtcDateTime.TimeOfDay.TotalHours;
        var working = at.DayOfWeek switch
        {
            DayOfWeek.Sunday => false,
            DayOfWeek.Saturday => hour is >= 8 and < 13,
            _ => hour is >= 7 and < 17,
        };
        if (!working)
        {
            _burst = false;
            var quiet = 50 + Gauss(2);
            return (quiet, quiet + 4 + Math.Abs(Gauss(2)));
        }
        // Bursts (jackhammers, saws) last about 90 s and pauses about 120 s of event time, whatever the reading rate.
        var seconds = (double)_intervalTicks / TimeSpan.TicksPerSecond;
        var change = _burst ? 1 - Math.Exp(-seconds / 90) : 1 - Math.Exp(-seconds / 120);
        if (_random.NextDouble() < change)
        {
            _burst = !_burst;
        }
        if (_burst)
        {
            var loud = Uniform(80, 95);
            return (loud, loud + Uniform(4, 14));
        }
        var idle = 64 + Gauss(3);
        return (idle, idle + 5 + Math.Abs(Gauss(3)));
    }

    private (double, double?) Nightlife(DateTimeOffset at)
    {
        var hour = at.UtcDateTime.TimeOfDay.TotalHours;
        var closing = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 5 : 3;
        if (hour >= 20 || hour < closing)
        {
            // Loudest around midnight.
            var fromMidnight = hour >= 20 ? 24 - hour : hour;
            var crowd = 1 - Math.Min(1, fromMidnight / 4);
            var laeq = 68 + 8 * crowd + Gauss(2.5);
            var lamax = _random.NextDouble() < 0.01 ? Uniform(96, 106) : laeq + 6 + Math.Abs(Gauss(4));
            return (laeq, lamax);
        }
        var day = 55 + Gauss(2);
        return (day, day + 5 + Math.Abs(Gauss(3)));
    }

    private (double, double?) Park(DateTimeOffset at)
    {
        var hour = at.UtcDateTime.TimeOfDay.TotalHours;
        var baseLevel = hour is >= 6 and < 20 ? 43 + 3 * Math.Sin((hour - 6) / 14 * Math.PI) : 37;
        var laeq = Math.Clamp(baseLevel + Gauss(1.5), 35, 50);
        return (laeq, Math.Min(laeq + 3 + Math.Abs(Gauss(3)), 62));
    }

    private (double, double?) Faulty(DateTimeOffset at)
    {
        while (at >= _phaseEnds)
        {
            (_phase, _phaseEnds) = _phase switch
            {
                FaultPhase.Normal => (FaultPhase.Stuck, _phaseEnds + Minutes(2, 5)),
                FaultPhase.Stuck => (FaultPhase.Implausible, _phaseEnds + Minutes(1, 2)),
                _ => (FaultPhase.Normal, _phaseEnds + Minutes(3, 8)),
            };
            _stuck = null;
        }
        switch (_phase)
        {
            case FaultPhase.Stuck:
                // The same value, exactly, every time.
                _stuck ??= Math.Round(City(at, ZoneOffset(SensorZone.Residential)).Item1, 1);
                return (_stuck.Value, _stuck.Value);
            case FaultPhase.Implausible:
                // A dead microphone (0 dB, below any real noise floor) or a clipping one (140–160 dB in a street).
                if (_random.NextDouble() < 0.5)
                {
                    return (0, 0);
                }
                var clipped = Uniform(140, 160);
                return (clipped, clipped);
            default:
                return City(at, ZoneOffset(SensorZone.Residential));
        }
    }

    private static double ZoneOffset(SensorZone zone) => zone switch
    {
        SensorZone.Residential => -5,
        SensorZone.Industrial => 1,
        SensorZone.Quiet => -12,
        _ => 0,
    };

    private static double Interpolate(double[] hourly, double hour)
    {
        var index = (int)Math.Floor(hour) % 24;
        var fraction = hour - Math.Floor(hour);
        return hourly[index] + (hourly[(index + 1) % 24] - hourly[index]) * fraction;
    }

    private TimeSpan Minutes(double min, double max) => TimeSpan.FromMinutes(Uniform(min, max));

    private double Uniform(double min, double max) => min + (max - min) * _random.NextDouble();

    // Normal noise (Box–Muller) with standard deviation sigma.
    private double Gauss(double sigma)
    {
        var u1 = 1 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    // FNV-1a of seed and sensor id: string.GetHashCode differs from run to run, this does not.
    internal static int StableSeed(int seed, string sensorId)
    {
        var hash = 2166136261u;
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{seed}:{sensorId}");
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return unchecked((int)hash);
    }

    private enum FaultPhase
    {
        Normal,
        Stuck,
        Implausible,
    }
}
