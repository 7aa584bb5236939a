namespace Nop.Ingest.Sensors;

// GET /api/sensors: the catalogue without keys.
public static class SensorsApi
{
    public static IEndpointRouteBuilder MapSensorsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sensors", (SensorCatalog catalog) => TypedResults.Ok(catalog.Sensors))
            .WithName("GetSensors")
            .WithTags("Sensors")
            .WithSummary("The sensor catalogue: id, name, zone and location of every sensor (never keys)");
        return app;
    }
}
