using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nop.Dashboard.Operators;

namespace Nop.Compose.Tests;

/// <summary>
/// The files a deployment brings besides .env, written as an operator would: a sensor catalogue with fresh random keys
/// (never the public development ones), its keys file for the simulator, and an operators file.
/// </summary>
public static class DeploymentFiles
{
    /// <summary>
    /// deploy/sensors.dev.json's sensors with a fresh random 256-bit key each, stored as "sha256:" + lowercase hex of
    /// the key's UTF-8 bytes (Ingest's format); the keys go to <paramref name="keysPath"/> as {"sensor-id": "api-key"}.
    /// </summary>
    public static IReadOnlyDictionary<string, string> WriteCatalog(string catalogPath, string keysPath)
    {
        var catalog = JsonNode.Parse(File.ReadAllText(Repo.PathOf("deploy/sensors.dev.json")))!;
        var keys = new Dictionary<string, string>();
        foreach (var sensor in catalog["sensors"]!.AsArray())
        {
            var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            keys[sensor!["id"]!.GetValue<string>()] = key;
            sensor["keyHash"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }
        File.WriteAllText(catalogPath, catalog.ToJsonString());
        File.WriteAllText(keysPath, JsonSerializer.Serialize(keys));
        return keys;
    }

    /// <summary>An operators file [{"name", "passwordHash"}] with one operator, hashed as <c>hash-password</c>
    /// does.</summary>
    public static void WriteOperators(string path, string name, string password) =>
        File.WriteAllText(path,
            JsonSerializer.Serialize(new[] { new { name, passwordHash = OperatorDirectory.Hash(password) } }));
}
