using System.Net.Http.Headers;

namespace Nop.Testing;

/// <summary>The admin token the tests configure (<c>Admin:Token</c>) and send to the <c>/admin</c> endpoints.</summary>
public static class TestAdmin
{
    /// <summary>A test value of the required length (32 characters or more); never a real secret.</summary>
    public const string Token = "test-admin-token-0123456789abcdef0123456789";

    /// <summary>The <c>Admin:Token</c> setting, to add to a host's configuration.</summary>
    public static KeyValuePair<string, string?> Setting => new("Admin:Token", Token);

    /// <summary>Sets <c>Authorization: Bearer</c> with the test token on every request of the client.</summary>
    /// <param name="client">An HTTP client of a service started with <see cref="Setting"/>.</param>
    /// <returns>The same client.</returns>
    public static HttpClient WithAdminToken(this HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }
}
