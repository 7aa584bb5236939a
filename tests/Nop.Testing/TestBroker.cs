using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nop.Testing;

/// <summary>
/// The real broker the tests run against: <c>NOP_RABBITMQ_URI</c> (set by <c>./nop test</c>, which installs and starts
/// Debian's rabbitmq-server when needed), else a local broker on 127.0.0.1:5672. Each test gets its own virtual host,
/// so tests never see each other's messages and can declare the real topology names.
/// </summary>
public static class TestBroker
{
    /// <summary>The AMQP URI of the broker (virtual host "/").</summary>
    public static Uri Uri { get; } = new(Environment.GetEnvironmentVariable("NOP_RABBITMQ_URI") ?? "amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>The management API (used to create virtual hosts and inspect queues).</summary>
    public static Uri ManagementUri { get; } = new(Environment.GetEnvironmentVariable("NOP_RABBITMQ_MANAGEMENT_URI") ?? "http://guest:guest@127.0.0.1:15672/");

    private static readonly HttpClient Http = CreateHttp();

    private static HttpClient CreateHttp()
    {
        var http = new HttpClient { BaseAddress = new Uri(ManagementUri.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromSeconds(30) };
        var credentials = Uri.UnescapeDataString(ManagementUri.UserInfo);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return http;
    }

    /// <summary>Creates a fresh virtual host (deleted when the returned object is disposed).</summary>
    public static async Task<VirtualHost> CreateVirtualHostAsync(string? hint = null)
    {
        var name = $"nop-test-{hint ?? "t"}-{Guid.NewGuid():N}";
        using var create = await SendAsync(HttpMethod.Put, $"api/vhosts/{Escape(name)}", new { });
        var user = Uri.UnescapeDataString(Uri.UserInfo.Split(':')[0]);
        using var permit = await SendAsync(HttpMethod.Put, $"api/permissions/{Escape(name)}/{Escape(user)}",
            new { configure = ".*", write = ".*", read = ".*" });
        var uri = new UriBuilder(Uri) { Path = "/" + Uri.EscapeDataString(name) }.Uri;
        return new VirtualHost(name, uri);
    }

    internal static async Task DeleteVirtualHostAsync(string name)
    {
        using var response = await Http.DeleteAsync(new Uri($"api/vhosts/{Escape(name)}", UriKind.Relative));
    }

    /// <summary>Queue facts from the management API (messages ready / unacked, consumers, arguments).</summary>
    public static async Task<JsonObject?> GetQueueAsync(string vhost, string queue)
    {
        using var response = await Http.GetAsync(new Uri($"api/queues/{Escape(vhost)}/{Escape(queue)}", UriKind.Relative));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())?.AsObject();
    }

    /// <summary>Messages ready in a queue, read over AMQP (exact and immediate, unlike the management statistics).</summary>
    public static async Task<uint> CountReadyAsync(VirtualHost vhost, string queue)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = vhost.Uri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var ok = await channel.QueueDeclarePassiveAsync(queue);
        return ok.MessageCount;
    }

    /// <summary>
    /// Restarts the broker application (<c>rabbitmqctl stop_app</c> / <c>start_app</c>): every client connection is
    /// dropped and queues go down and come back, as in a broker restart. Tests that call this run one at a time.
    /// </summary>
    public static async Task RestartAsync(TimeSpan downtime)
    {
        await RabbitMqCtlAsync("stop_app");
        await Task.Delay(downtime);
        await RabbitMqCtlAsync("start_app");
        await RabbitMqCtlAsync("await_startup");
    }

    /// <summary>
    /// Kills the broker outright (SIGKILL of its Erlang VM, found by asking the node for its OS pid), then starts it
    /// again with <c>rabbitmq-server -detached</c> and waits until it is up. Nothing gets a chance to flush or close:
    /// what survives is what the broker had persisted. Needs the local broker and the rights to signal it.
    /// </summary>
    public static async Task KillAsync(TimeSpan downtime)
    {
        var pid = int.Parse((await RabbitMqCtlAsync("eval", "os:getpid().")).Trim().Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
        using (var beam = Process.GetProcessById(pid))
        {
            beam.Kill();
            await beam.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        await Task.Delay(downtime);
        using (var start = Process.Start(new ProcessStartInfo("rabbitmq-server", "-detached") { UseShellExecute = false })
            ?? throw new InvalidOperationException("rabbitmq-server could not be started"))
        {
            await start.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        // await_startup fails at once while the node is still booting: retry it (ENVIRONMENT.md).
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                await RabbitMqCtlAsync("await_startup", "--timeout", "60");
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task<string> RabbitMqCtlAsync(params string[] command)
    {
        using var process = Process.Start(new ProcessStartInfo("rabbitmqctl", command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("rabbitmqctl could not be started: the restart tests need the local broker.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', command)} failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
        return await stdout;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException(
                $"No RabbitMQ management API at {ManagementUri.GetLeftPart(UriPartial.Authority)}. Run the tests with ./nop test, which installs and starts " +
                "a local rabbitmq-server, or set NOP_RABBITMQ_URI and NOP_RABBITMQ_MANAGEMENT_URI.", ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return response;
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    /// <summary>Reads a header value of a message fetched with RabbitMQ.Client (strings arrive as UTF-8 bytes).</summary>
    public static string? Header(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        } : null;

    /// <summary>Pretty JSON for failure messages.</summary>
    public static string Show(object? value) => JsonSerializer.Serialize(value);
}

/// <summary>A virtual host of one test; its <see cref="Uri"/> goes into <c>RabbitMq:Uri</c>.</summary>
public sealed class VirtualHost(string name, Uri uri) : IAsyncDisposable
{
    /// <summary>The virtual host's name.</summary>
    public string Name { get; } = name;

    /// <summary>AMQP URI of the broker with this virtual host.</summary>
    public Uri Uri { get; } = uri;

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await TestBroker.DeleteVirtualHostAsync(Name);
}
