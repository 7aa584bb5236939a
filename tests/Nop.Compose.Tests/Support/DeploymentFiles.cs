using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

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

    /// <summary>An operators file [{"name", "passwordHash"}] with one operator.</summary>
    public static void WriteOperators(string path, string name, string password) =>
        File.WriteAllText(path,
            JsonSerializer.Serialize(new[] { new { name, passwordHash = HashPassword(password) } }));

    // ASP.NET Core Identity's version 3 format (PasswordHasher<T>): 0x01, PRF (2 = HMAC-SHA512), iterations, salt
    // length, salt, subkey; 210,000 iterations of PBKDF2-HMAC-SHA512 (OWASP Password Storage Cheat Sheet).
    private static string HashPassword(string password)
    {
        const int Iterations = 210_000;
        var salt = RandomNumberGenerator.GetBytes(16);
        var subkey = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA512, 32);
        var hash = new byte[13 + salt.Length + subkey.Length];
        hash[0] = 0x01;
        BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(1), 2);
        BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(5), Iterations);
        BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(9), (uint)salt.Length);
        salt.CopyTo(hash, 13);
        subkey.CopyTo(hash, 13 + salt.Length);
        return Convert.ToBase64String(hash);
    }
}
