using Nop.Contracts;

namespace Nop.Ingest.Sensors;

/// <summary>A sensor as the API shows it: everything but its key.</summary>
public sealed record Sensor(string Id, string Name, Zone Zone, GeoLocation Location);

/// <summary>One entry of the catalogue file.</summary>
public sealed record CatalogEntry(string Id, string Name, Zone Zone, GeoLocation Location, string KeyHash);

/// <summary>The catalogue file: <c>{"sensors": [...]}</c>.</summary>
public sealed record CatalogFile(IReadOnlyList<CatalogEntry> Sensors);

/// <summary>Who presented a valid API key: the sensors that key may post readings for.</summary>
public sealed record KeyOwner(string Name, IReadOnlySet<string> SensorIds);
