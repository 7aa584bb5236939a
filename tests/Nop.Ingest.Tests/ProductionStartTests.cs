using System.Net;
using System.Text.Json;
using Nop.Ingest.Sensors;

namespace Nop.Ingest.Tests;

/// <summary>
/// Outside Development Ingest has no default catalogue and refuses one holding a public development key (dev-key-id).
/// </summary>
public sealed class ProductionStartTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nop-production-").FullName;

    [Fact]
    public void Production_refuses_to_start_with_the_development_catalogue_and_names_its_sensors()
    {
        var failure = IngestApp.TryStart("Production",
            new Dictionary<string, string?> { ["Ingest:CatalogPath"] = IngestApp.DevCatalogPath });

        failure.ShouldNotBeNull("Ingest started with the public development keys");
        var message = Messages(failure);
        message.ShouldContain("dev-001, dev-002");
        message.ShouldContain("and 40 more");
        message.ShouldContain("development key");
    }

    [Fact]
    public void Production_refuses_to_start_without_a_catalogue_and_says_how_to_make_one()
    {
        var failure = IngestApp.TryStart("Production", new Dictionary<string, string?>());

        failure.ShouldNotBeNull("Ingest started without a sensor catalogue");
        var message = Messages(failure);
        message.ShouldContain("Ingest:CatalogPath is not set");
        message.ShouldContain("sensors init");
    }

    [Fact]
    public async Task Production_starts_with_a_catalogue_from_sensors_init_and_accepts_its_keys()
    {
        var catalog = Path.Combine(_directory, "sensors.json");
        var keysFile = Path.Combine(_directory, "keys.json");
        (await IngestCommand.RunAsync(["sensors", "init", "--catalog", catalog, "--count", "3", "--keys-out",
            keysFile], new StringWriter())).ShouldBe(0);
        var keys = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(keysFile))!;

        await using var app = await IngestApp.StartAsync("production", catalogPath: catalog,
            environment: "Production");
        using var accepted = await app.PostAsync(Readings.Json(Readings.Valid("sensor-002", "p1")),
            apiKey: keys["sensor-002"]);
        using var devKey = await app.PostAsync(Readings.Json(Readings.Valid("sensor-002", "p2")),
            apiKey: "dev-key-sensor-002");

        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        devKey.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void A_development_key_is_found_under_any_id_of_the_catalogue_or_of_the_shipped_ones()
    {
        var file = new CatalogFile([
            Entry("vienna-1", ApiKeys.Hash("dev-key-dev-017")),
            Entry("vienna-2", ApiKeys.Hash("dev-key-bench-450")),
            Entry("vienna-3", ApiKeys.Hash("dev-key-vienna-4").ToUpperInvariant().Replace("SHA256:", "sha256:",
                StringComparison.Ordinal)),
            Entry("vienna-4", ApiKeys.Hash(ApiKeys.Generate())),
        ]);

        DevelopmentKeys.SensorsWithDevelopmentKeys(file).ShouldBe(["vienna-1", "vienna-2", "vienna-3"]);
    }

    private static CatalogEntry Entry(string id, string hash) =>
        new(id, id, Contracts.Zone.Quiet, new Contracts.GeoLocation(48.2, 16.3), hash);

    // The exception and its inner ones: the host may wrap what stopped it.
    private static string Messages(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }
        return string.Join(" | ", messages);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
