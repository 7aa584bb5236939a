using System.Text.Json;
using Nop.Ingest.Sensors;
using Nop.Simulator.Running;

namespace Nop.Ingest.Tests;

/// <summary>The <c>sensors rotate</c>, <c>remove</c> and <c>init</c> commands, and the key strength check.</summary>
[Trait("Category", "Unit")]
public sealed class SensorsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nop-sensors-").FullName;

    private string CopyOfDevCatalog()
    {
        var path = Path.Combine(_directory, "sensors.json");
        File.Copy(IngestApp.DevCatalogPath, path);
        return path;
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var exit = await IngestCommand.RunAsync(["sensors", .. args], output);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task Rotate_prints_a_new_256_bit_key_once_and_replaces_the_hash_of_every_sensor_sharing_the_old_key()
    {
        var catalog = Path.Combine(_directory, "gateway.json");
        var old = ApiKeys.Hash("gateway-key-" + new string('x', 30));
        await SensorCatalog.WriteAsync(catalog, new CatalogFile([
            Entry("gw-a", old), Entry("gw-b", old), Entry("solo", ApiKeys.Hash("solo-" + new string('y', 30))),
        ]), CancellationToken.None);

        var (exit, output) = await RunAsync("rotate", "--catalog", catalog, "--id", "gw-b");

        exit.ShouldBe(0, output);
        var key = output.Trim().Split('\n').Last().Trim();
        key.ShouldMatch("^nop_[A-Za-z0-9_-]{43}$");
        output.ShouldContain("gw-a, gw-b");
        var sensors = SensorCatalog.Read(catalog).Sensors;
        sensors.Where(s => s.Id.StartsWith("gw-", StringComparison.Ordinal))
            .ShouldAllBe(s => s.KeyHash == ApiKeys.Hash(key));
        sensors.Single(s => s.Id == "solo").KeyHash.ShouldBe(ApiKeys.Hash("solo-" + new string('y', 30)));
        (await File.ReadAllTextAsync(catalog)).ShouldNotContain(key);
    }

    [Fact]
    public async Task Remove_drops_the_sensor_and_an_unknown_id_leaves_the_file_unchanged()
    {
        var catalog = CopyOfDevCatalog();

        var removed = await RunAsync("remove", "--catalog", catalog, "--id", "dev-007");
        var after = await File.ReadAllTextAsync(catalog);
        var unknown = await RunAsync("remove", "--catalog", catalog, "--id", "dev-007");

        removed.Exit.ShouldBe(0, removed.Output);
        SensorCatalog.Read(catalog).Sensors.Select(s => s.Id).ShouldNotContain("dev-007");
        SensorCatalog.Read(catalog).Sensors.Count.ShouldBe(49);
        unknown.Exit.ShouldNotBe(0);
        unknown.Output.ShouldContain("no sensor 'dev-007'");
        (await File.ReadAllTextAsync(catalog)).ShouldBe(after);
    }

    [Fact]
    public async Task Init_writes_a_catalogue_of_fresh_keys_and_a_keys_file_only_its_owner_can_read_for_the_simulator()
    {
        var catalog = Path.Combine(_directory, "new", "..", "sensors.json");
        var keysFile = Path.Combine(_directory, "keys.json");

        var (exit, output) = await RunAsync("init", "--catalog", catalog, "--count", "12", "--keys-out", keysFile);

        exit.ShouldBe(0, output);
        var file = SensorCatalog.Read(catalog);
        file.Sensors.Select(s => s.Id).ShouldBe(Enumerable.Range(1, 12).Select(i => $"sensor-{i:000}"));
        file.Sensors.Select(s => s.Zone).Distinct().Count().ShouldBe(4);
        DevelopmentKeys.SensorsWithDevelopmentKeys(file).ShouldBeEmpty();
        var keys = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(keysFile))!;
        keys.Keys.ShouldBe(file.Sensors.Select(s => s.Id));
        keys.Values.ShouldAllBe(k => k.Length == 47 && k.StartsWith("nop_"));
        keys.Values.Distinct().Count().ShouldBe(12);
        file.Sensors.ShouldAllBe(s => s.KeyHash == ApiKeys.Hash(keys[s.Id]));
        (await File.ReadAllTextAsync(catalog)).ShouldNotContain(keys["sensor-001"]);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(keysFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        SimulatorCatalogue.Load(catalog, keysFile).Select(s => (s.Id, s.ApiKey))
            .ShouldBe(keys.Select(k => (k.Key, k.Value)));
    }

    [Fact]
    public async Task Init_refuses_to_overwrite_an_existing_catalogue()
    {
        var catalog = CopyOfDevCatalog();
        var before = await File.ReadAllTextAsync(catalog);

        var (exit, output) = await RunAsync("init", "--catalog", catalog, "--count", "3", "--keys-out",
            Path.Combine(_directory, "keys.json"));

        exit.ShouldNotBe(0);
        output.ShouldContain("already exists");
        (await File.ReadAllTextAsync(catalog)).ShouldBe(before);
    }

    [Theory]
    [InlineData("dev-key-dev-051")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("nop_ZZZZZZZZZZZZZZZZZZZZZ")]
    [InlineData("correct horse battery staple, really")]
    public async Task Add_refuses_a_given_key_below_128_bits(string weak)
    {
        var catalog = CopyOfDevCatalog();
        var before = await File.ReadAllTextAsync(catalog);

        var (exit, output) = await RunAsync("add", "--catalog", catalog, "--id", "dev-051", "--name", "N", "--zone",
            "quiet", "--lat", "48.2", "--lon", "16.3", "--key", weak);

        exit.ShouldNotBe(0);
        output.ShouldContain("128 bits");
        (await File.ReadAllTextAsync(catalog)).ShouldBe(before);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("nop_ZZZZZZZZZZZZZZZZZZZZZZ")]
    public void Keys_of_128_bits_or_more_are_accepted(string key) => ApiKeys.Weakness(key).ShouldBeNull();

    [Fact]
    public async Task The_catalogue_must_be_named_and_a_missing_one_is_an_error_not_a_new_file()
    {
        var missing = Path.Combine(_directory, "missing.json");

        var unnamed = await RunAsync("list");
        var absent = await RunAsync("rotate", "--catalog", missing, "--id", "dev-001");

        unnamed.Exit.ShouldNotBe(0);
        absent.Exit.ShouldNotBe(0);
        File.Exists(missing).ShouldBeFalse();
    }

    private static CatalogEntry Entry(string id, string hash) =>
        new(id, id, Contracts.Zone.Quiet, new Contracts.GeoLocation(48.2, 16.3), hash);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
