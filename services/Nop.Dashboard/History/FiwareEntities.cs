using System.Globalization;
using System.Text.Json.Nodes;
using Nop.Contracts;
using Nop.Dashboard.Sensors;

namespace Nop.Dashboard.History;

// Level points as FIWARE NoiseLevelObserved entities (Smart Data Models, key-values form: plain attribute values,
// as open-data portals read them). One entity per point; with day points also the day's indicators, named after
// the measurand: LAeq_d (Lday, the schema's own attribute), LAeq_e (Levening), LAeq_n (Lnight) and Lden.
public static class FiwareEntities
{
    public const string Type = "NoiseLevelObserved";

    public static JsonArray Of(string sensorId, SensorInfo? sensor, IEnumerable<LevelPoint> points,
        IReadOnlyList<IndicatorPoint>? days = null)
    {
        var byDate = (days ?? []).ToDictionary(d => d.From);
        var entities = new JsonArray();
        foreach (var point in points)
        {
            var entity = new JsonObject
            {
                ["id"] = $"urn:ngsi-ld:{Type}:{sensorId}:{Time(point.Start)}",
                ["type"] = Type,
                ["dateObserved"] = $"{Time(point.Start)}/{Time(point.End)}",
                ["dateObservedFrom"] = Time(point.Start),
                ["dateObservedTo"] = Time(point.End),
            };
            if (sensor is not null)
            {
                // GeoJSON: longitude first.
                entity["location"] = new JsonObject
                {
                    ["type"] = "Point",
                    ["coordinates"] = new JsonArray(sensor.Location.Lon, sensor.Location.Lat),
                };
            }
            Add(entity, "LAeq", point.Laeq);
            Add(entity, "LAmax", point.Lamax);
            Add(entity, "LA10", point.L10);
            Add(entity, "LA50", point.L50);
            Add(entity, "LA90", point.L90);
            if (byDate.TryGetValue(LocalDate(point), out var day))
            {
                Add(entity, "LAeq_d", day.Lday);
                Add(entity, "LAeq_e", day.Levening);
                Add(entity, "LAeq_n", day.Lnight);
                Add(entity, "Lden", day.Lden);
            }
            entity["refDevice"] = $"urn:ngsi-ld:Device:{sensorId}";
            entities.Add(entity);
        }
        return entities;
    }

    // The local date of a day point. History reckons days in its zone, which the Dashboard does not know; the
    // middle of a local day falls on that date in UTC for every zone within 12 hours of UTC.
    public static DateOnly LocalDate(LevelPoint day) =>
        DateOnly.FromDateTime((day.Start + (day.End - day.Start) / 2).UtcDateTime);

    // Attributes without a value are left out, as NGSI does (no nulls).
    private static void Add(JsonObject entity, string name, double? value)
    {
        if (value is { } level)
        {
            entity[name] = Math.Round(level, 1);
        }
    }

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
