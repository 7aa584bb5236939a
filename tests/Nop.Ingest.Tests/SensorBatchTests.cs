using System.Net;
using Nop.Contracts;
using Nop.Ingest.Readings;
using Nop.Ingest.Sensors;

namespace Nop.Ingest.Tests;

/// <summary>
/// A request with readings of several sensors (a gateway's key owns three): one message per sensor, each with the
/// sensor's catalogue fields once and its readings in the order posted.
/// </summary>
public sealed class SensorBatchTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nop-gateway-").FullName;
    private IngestApp _app = null!;

    public async Task InitializeAsync()
    {
        var catalog = Path.Combine(_directory, "gateway.json");
        var hash = ApiKeys.Hash("gateway-key");
        await SensorCatalog.WriteAsync(catalog, new CatalogFile([
            new CatalogEntry("gw-a", "A", Zone.Quiet, new GeoLocation(48.1, 16.1), hash, IntervalSeconds: 60),
            new CatalogEntry("gw-b", "B", Zone.Industrial, new GeoLocation(48.2, 16.2), hash),
            new CatalogEntry("gw-c", "C", Zone.Residential, new GeoLocation(48.3, 16.3), hash, IntervalSeconds: 0.5),
        ]), CancellationToken.None);
        _app = await IngestApp.StartAsync("gateway-batch", catalogPath: catalog);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Readings_of_three_sensors_become_three_confirmed_messages_and_a_repost_repeats_their_ids()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds());
        // Interleaved, without reading ids: Ingest derives them from measuredAt.
        var body = Readings.Json(Readings.Batch([
            Readings.Valid("gw-b", laeq: 70, lamax: null, measuredAt: at.AddSeconds(2)),
            Readings.Valid("gw-a", laeq: 40, lamax: null, measuredAt: at.AddSeconds(1)),
            Readings.Valid("gw-b", laeq: 71, lamax: null, measuredAt: at.AddSeconds(1)),
            Readings.Valid("gw-c", laeq: 55, lamax: 60, measuredAt: at),
            Readings.Valid("gw-a", laeq: 41, lamax: null, measuredAt: at.AddSeconds(2)),
        ]));

        using var first = await _app.PostAsync(body, apiKey: "gateway-key");

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        // basic.get straight after the 202: every message of the request was confirmed before it.
        var published = await _app.Tap.TakeAllAsync();
        published.Count.ShouldBe(3);
        var bySensor = published.ToDictionary(p => p.Batch.SensorId);
        bySensor.Keys.ShouldBe(["gw-a", "gw-b", "gw-c"], ignoreOrder: true);
        string Id(int seconds) => ReadingIds.FromMeasuredAt(at.AddSeconds(seconds));

        var a = bySensor["gw-a"];
        a.RoutingKey.ShouldBe(RoutingKeys.Reading("gw-a"));
        (a.Batch.Zone, a.Batch.Location, a.Batch.IntervalSeconds)
            .ShouldBe((Zone.Quiet, new GeoLocation(48.1, 16.1), (double?)60));
        a.Batch.Readings.Select(r => (r.ReadingId, r.Laeq)).ShouldBe([(Id(1), 40.0), (Id(2), 41.0)]);
        a.Properties.MessageId.ShouldBe(ReadingIds.MessageId("gw-a", [Id(1), Id(2)]));

        var b = bySensor["gw-b"];
        b.RoutingKey.ShouldBe(RoutingKeys.Reading("gw-b"));
        (b.Batch.Zone, b.Batch.IntervalSeconds).ShouldBe((Zone.Industrial, (double?)null));
        b.Batch.Readings.Select(r => (r.ReadingId, r.Laeq)).ShouldBe([(Id(2), 70.0), (Id(1), 71.0)]);

        var c = bySensor["gw-c"];
        (c.Batch.Zone, c.Batch.IntervalSeconds).ShouldBe((Zone.Residential, (double?)0.5));
        c.Batch.Readings.ShouldHaveSingleItem().ShouldBe(new SensorReading(Id(0), at, 55, 60, null));
        published.Select(p => p.Properties.MessageId).Distinct().Count().ShouldBe(3);

        // The client did not see the 202 and posts again: the same message ids and reading ids.
        using var again = await _app.PostAsync(body, apiKey: "gateway-key");
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var republished = await _app.Tap.TakeAllAsync();
        republished.Select(p => (p.Properties.MessageId, string.Join(",", p.Batch.Readings.Select(r => r.ReadingId))))
            .ShouldBe(published.Select(p =>
                (p.Properties.MessageId, string.Join(",", p.Batch.Readings.Select(r => r.ReadingId)))),
                ignoreOrder: true);
    }
}
