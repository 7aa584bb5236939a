using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Nop.Testing;

/// <summary>
/// One RabbitMQ broker as the tests see it: its AMQP URI (virtual host "/") and its management API, through which
/// virtual hosts are created and queues inspected. <see cref="TestBroker.Local"/> is the shared local broker; a test
/// with a broker of its own (a container) makes another.
/// </summary>
public sealed class BrokerEndpoint : IDisposable
{
    private readonly HttpClient _http;

    public BrokerEndpoint(Uri uri, Uri managementUri)
    {
        Uri = uri;
        ManagementUri = managementUri;
        _http = new HttpClient
        {
            BaseAddress = new Uri(managementUri.GetLeftPart(UriPartial.Authority)),
            Timeout = TimeSpan.FromSeconds(30)
        };
        var credentials = Uri.UnescapeDataString(managementUri.UserInfo);
        _http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }

    /// <summary>The AMQP URI of the broker (virtual host "/").</summary>
    public Uri Uri { get; }

    /// <summary>The management API (with credentials).</summary>
    public Uri ManagementUri { get; }

    /// <summary>Creates a fresh virtual host (deleted when the returned object is disposed).</summary>
    public async Task<VirtualHost> CreateVirtualHostAsync(string? hint = null)
    {
        var name = $"nop-test-{hint ?? "t"}-{Guid.NewGuid():N}";
        using var create = await SendAsync(HttpMethod.Put, $"api/vhosts/{Escape(name)}", new { });
        await SetPermissionsAsync(name, Uri.UnescapeDataString(Uri.UserInfo.Split(':')[0]), ".*", ".*", ".*");
        var uri = new UriBuilder(Uri) { Path = "/" + Uri.EscapeDataString(name) }.Uri;
        return new VirtualHost(name, uri, this);
    }

    /// <summary>Deletes a virtual host (and everything in it); no error when it is gone already.</summary>
    public async Task DeleteVirtualHostAsync(string name)
    {
        using var response = await _http.DeleteAsync(new Uri($"api/vhosts/{Escape(name)}", UriKind.Relative));
    }

    /// <summary>Creates (or updates) a broker user with a password and no tags.</summary>
    public async Task PutUserAsync(string user, string password)
    {
        using var put = await SendAsync(HttpMethod.Put, $"api/users/{Escape(user)}", new { password, tags = "" });
    }

    /// <summary>Deletes a broker user; no error when it is gone already.</summary>
    public async Task DeleteUserAsync(string user)
    {
        using var response = await _http.DeleteAsync(new Uri($"api/users/{Escape(user)}", UriKind.Relative));
    }

    /// <summary>Sets a user's permissions (regular expressions) on a virtual host.</summary>
    public async Task SetPermissionsAsync(string vhost, string user, string configure, string write, string read)
    {
        using var permit = await SendAsync(HttpMethod.Put, $"api/permissions/{Escape(vhost)}/{Escape(user)}",
            new { configure, write, read });
    }

    /// <summary>Queue facts from the management API (messages ready / unacked, consumers, arguments).</summary>
    public async Task<JsonObject?> GetQueueAsync(string vhost, string queue) =>
        (await GetJsonAsync($"api/queues/{Escape(vhost)}/{Escape(queue)}"))?.AsObject();

    /// <summary>Any GET of the management API (e.g. <c>api/overview</c>) as JSON; null when it answers 404.</summary>
    public async Task<JsonNode?> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body)
    {
        using var request =
            new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException(
                $"No RabbitMQ management API at {ManagementUri.GetLeftPart(UriPartial.Authority)}. Run the tests " +
                    $"with ./nop test, which installs and starts " +
                "a local rabbitmq-server, or set NOP_RABBITMQ_URI and NOP_RABBITMQ_MANAGEMENT_URI.", ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return response;
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
