using Nop.Contracts;

namespace Nop.Ingest.Sensors;

/// <summary>A sensor as the API shows it: everything but its key.</summary>
/// <param name="IntervalSeconds">How often the sensor reports a level, when the catalogue states it: the length of a
/// reading that does not state its own duration.</param>
public sealed record Sensor(string Id, string Name, Zone Zone, GeoLocation Location, double? IntervalSeconds = null);

/// <summary>One entry of the catalogue file.</summary>
/// <param name="IntervalSeconds">Optional reporting interval, in (0, 86400] seconds.</param>
public sealed record CatalogEntry(string Id, string Name, Zone Zone, GeoLocation Location, string KeyHash,
    double? IntervalSeconds = null);

/// <summary>The catalogue file: <c>{"sensors": [...]}</c>.</summary>
public sealed record CatalogFile(IReadOnlyList<CatalogEntry> Sensors);

/// <summary>Who presented a valid API key: the sensors that key may post readings for.</summary>
public sealed record KeyOwner(string Name, IReadOnlySet<string> SensorIds);
