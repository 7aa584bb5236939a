using System.Net;
using Nop.Ingest.Sensors;
using Nop.Testing;

namespace Nop.Ingest.Tests;

/// <summary>The catalogue file, its hashed keys and the <c>sensors add</c> command.</summary>
public sealed class CatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nop-catalog-").FullName;

    private string CopyOfDevCatalog()
    {
        var path = Path.Combine(_directory, "sensors.json");
        File.Copy(IngestApp.DevCatalogPath, path);
        return path;
    }

    [Fact]
    public void The_dev_catalogue_has_50_sensors_whose_keys_are_dev_key_id_stored_as_SHA256()
    {
        var file = SensorCatalog.Read(IngestApp.DevCatalogPath);

        file.Sensors.Count.ShouldBe(50);
        file.Sensors.Select(s => s.Id).ShouldBe(Enumerable.Range(1, 50).Select(i => $"dev-{i:000}"));
        file.Sensors.ShouldAllBe(s => s.KeyHash == ApiKeys.Hash("dev-key-" + s.Id));
        file.Sensors.Select(s => s.Zone).Distinct().Count().ShouldBe(4);
        File.ReadAllText(IngestApp.DevCatalogPath).ShouldNotContain("dev-key-");
    }

    [Fact]
    public async Task Sensors_add_prints_a_new_key_once_and_a_running_ingest_accepts_it_without_a_restart()
    {
        var catalog = CopyOfDevCatalog();
        await using var app = await IngestApp.StartAsync("add", catalogPath: catalog);
        var output = new StringWriter();

        var exit = await IngestCommand.RunAsync(
            ["sensors", "add", "--catalogue", catalog, "--id", "dev-051", "--name", "Rathausplatz", "--zone",
                "commercial", "--lat", "48.2108", "--lon", "16.3575"],
            output);

        exit.ShouldBe(0, output.ToString());
        var key = output.ToString().Trim().Split('\n').Last().Trim();
        key.ShouldStartWith("nop_");
        key.Length.ShouldBeGreaterThan(40);
        var text = await File.ReadAllTextAsync(catalog);
        text.ShouldNotContain(key);
        text.ShouldContain(ApiKeys.Hash(key));
        text.ShouldContain("Kärntner Straße");
        SensorCatalog.Read(catalog).Sensors.Single(s => s.Id == "dev-051").Name.ShouldBe("Rathausplatz");

        await Eventually.TrueAsync(async () =>
        {
            using var response = await app.PostAsync(Readings.Json(Readings.Valid("dev-051", "first")), apiKey: key);
            return response.StatusCode == HttpStatusCode.Accepted;
        }, TimeSpan.FromSeconds(15), "the new sensor's key is accepted");
        var published = await app.Tap.TakeAllAsync();
        published.ShouldNotBeEmpty();
        published.ShouldAllBe(p => p.Batch.SensorId == "dev-051" && p.Batch.Zone == Contracts.Zone.Commercial);
    }

    [Fact]
    public async Task Sensors_add_refuses_a_duplicate_id_and_leaves_the_file_unchanged()
    {
        var catalog = CopyOfDevCatalog();
        var before = await File.ReadAllTextAsync(catalog);
        var output = new StringWriter();

        var exit = await IngestCommand.RunAsync(
            ["sensors", "add", "--catalog", catalog, "--id", "dev-001", "--name", "Again", "--zone", "quiet", "--lat",
                "48.2", "--lon", "16.3"], output);

        exit.ShouldNotBe(0);
        output.ToString().ShouldContain("already");
        (await File.ReadAllTextAsync(catalog)).ShouldBe(before);
    }

    [Fact]
    public async Task A_key_that_owns_several_sensors_may_post_for_each_of_them_but_no_other()
    {
        var catalog = Path.Combine(_directory, "gateway.json");
        var hash = ApiKeys.Hash("gateway-key");
        await SensorCatalog.WriteAsync(catalog, new CatalogFile([
            new CatalogEntry("gw-a", "A", Contracts.Zone.Quiet, new Contracts.GeoLocation(48.1, 16.1), hash),
            new CatalogEntry("gw-b", "B", Contracts.Zone.Industrial, new Contracts.GeoLocation(48.2, 16.2), hash),
            new CatalogEntry("solo", "C", Contracts.Zone.Residential, new Contracts.GeoLocation(48.3, 16.3),
                ApiKeys.Hash("solo-key")),
        ]), CancellationToken.None);
        await using var app = await IngestApp.StartAsync("gateway", catalogPath: catalog);

        using var both = await app.PostAsync(Readings.Json(
            Readings.Batch([Readings.Valid("gw-a", "1"), Readings.Valid("gw-b", "2")])), apiKey: "gateway-key");
        using var foreign = await app.PostAsync(Readings.Json(
            Readings.Batch([Readings.Valid("gw-a", "3"), Readings.Valid("solo", "4")])), apiKey: "gateway-key");

        both.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var published = await app.Tap.TakeAllAsync();
        published.Select(p => (p.Batch.SensorId, p.Batch.Zone))
            .ShouldBe([("gw-a", Contracts.Zone.Quiet), ("gw-b", Contracts.Zone.Industrial)], ignoreOrder: true);
    }

    [Fact]
    public void A_relative_catalogue_path_is_found_from_a_folder_below_the_repository()
    {
        var fromBin = CatalogPaths.Resolve("deploy/sensors.dev.json", AppContext.BaseDirectory);
        var fromRoot =
            CatalogPaths.Resolve("deploy/sensors.dev.json", Path.GetDirectoryName(Path.GetDirectoryName(fromBin))!);

        fromBin.ShouldBe(fromRoot);
        Should.Throw<FileNotFoundException>(() =>
            CatalogPaths.Resolve("deploy/no-such-file.json", AppContext.BaseDirectory));
    }

    [Fact]
    public void A_broken_catalogue_is_refused_with_the_reason()
    {
        var path = Path.Combine(_directory, "broken.json");
        File.WriteAllText(path, """
            {"sensors":[{"id":"Bad Id","name":"x","zone":"quiet","location":{"lat":1,"lon":2},"keyHash":"sha256:00"}]}
            """);

        Should.Throw<InvalidDataException>(() => SensorCatalog.Read(path)).Message.ShouldContain("Bad Id");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-60")]
    [InlineData("86401")]
    public void A_catalogue_interval_that_is_not_a_positive_number_of_seconds_up_to_a_day_is_refused(string interval)
    {
        var path = Path.Combine(_directory, "interval.json");
        File.WriteAllText(path, $$"""
            {"sensors":[{"id":"s1","name":"x","zone":"quiet","location":{"lat":1,"lon":2},
              "intervalSeconds":{{interval}},"keyHash":"{{ApiKeys.Hash("k")}}"}]}
            """);

        Should.Throw<InvalidDataException>(() => SensorCatalog.Read(path))
            .Message.ShouldContain($"'s1' has intervalSeconds {interval};");
    }

    [Fact]
    public async Task Sensors_add_stores_an_interval_when_given_and_leaves_the_field_out_otherwise()
    {
        var catalog = CopyOfDevCatalog();

        var withInterval =
            await IngestCommand.RunAsync(["sensors", "add", "--catalog", catalog, "--id", "minute", "--name", "M",
            "--zone", "quiet", "--lat", "48.2", "--lon", "16.3", "--interval", "60"], new StringWriter());
        var tooLong = new StringWriter();
        var refused =
            await IngestCommand.RunAsync(["sensors", "add", "--catalog", catalog, "--id", "daily", "--name", "D",
            "--zone", "quiet", "--lat", "48.2", "--lon", "16.3", "--interval", "86401"], tooLong);

        withInterval.ShouldBe(0);
        refused.ShouldNotBe(0);
        tooLong.ToString().ShouldContain("--interval");
        var sensors = SensorCatalog.Read(catalog).Sensors;
        sensors.Single(s => s.Id == "minute").IntervalSeconds.ShouldBe(60);
        sensors.Where(s => s.Id != "minute").ShouldAllBe(s => s.IntervalSeconds == null);
        sensors.ShouldNotContain(s => s.Id == "daily");
        System.Text.RegularExpressions.Regex.Count(await File.ReadAllTextAsync(catalog), "intervalSeconds").ShouldBe(1);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
