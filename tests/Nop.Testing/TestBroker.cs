using System.Diagnostics;
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
    public static Uri Uri { get; } =
        new(Environment.GetEnvironmentVariable("NOP_RABBITMQ_URI") ?? "amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>The management API (used to create virtual hosts and inspect queues).</summary>
    public static Uri ManagementUri { get; } =
        new(Environment.GetEnvironmentVariable("NOP_RABBITMQ_MANAGEMENT_URI") ?? "http://guest:guest@127.0.0.1:15672/");

    /// <summary>The shared local broker (the one above) with its management API.</summary>
    public static BrokerEndpoint Local { get; } = new(Uri, ManagementUri);

    /// <summary>
    /// Creates a fresh virtual host on the local broker (deleted when the returned object is disposed).
    /// </summary>
    public static Task<VirtualHost> CreateVirtualHostAsync(string? hint = null) => Local.CreateVirtualHostAsync(hint);

    /// <summary>
    /// Queue facts from the local broker's management API (messages ready / unacked, consumers, arguments).
    /// </summary>
    public static Task<JsonObject?> GetQueueAsync(string vhost, string queue) => Local.GetQueueAsync(vhost, queue);

    /// <summary>Deletes a queue with <c>rabbitmqctl delete_queue</c>, an exclusive one too (the management API refuses
    /// those): the owner's consumer is cancelled by the broker. Touches that queue only.</summary>
    public static Task DeleteQueueAsync(string vhost, string queue) =>
        RabbitMqCtlAsync("delete_queue", "-p", vhost, queue);

    /// <summary>
    /// Messages ready in a queue, read over AMQP (exact and immediate, unlike the management statistics).
    /// </summary>
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
        var pid = int.Parse((await RabbitMqCtlAsync("eval", "os:getpid().")).Trim().Trim('"'),
            System.Globalization.CultureInfo.InvariantCulture);
        using (var beam = Process.GetProcessById(pid))
        {
            beam.Kill();
            await beam.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        await Task.Delay(downtime);
        using (var start =
            Process.Start(new ProcessStartInfo("rabbitmq-server", "-detached") { UseShellExecute = false })
            ?? throw new InvalidOperationException("rabbitmq-server could not be started"))
        {
            await start.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        // await_startup fails at once while the node is still booting: retry it.
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
        }) ?? throw new InvalidOperationException(
            "rabbitmqctl could not be started: the restart tests need the local broker.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"rabbitmqctl {string.Join(' ', command)} failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
        return await stdout;
    }

    /// <summary>
    /// Reads a header value of a message fetched with RabbitMQ.Client (strings arrive as UTF-8 bytes).
    /// </summary>
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

/// <summary>
/// A virtual host of one test (on the local broker unless another is given); its <see cref="Uri"/> goes into
/// <c>RabbitMq:Uri</c>.
/// </summary>
public sealed class VirtualHost(string name, Uri uri, BrokerEndpoint? broker = null) : IAsyncDisposable
{
    private readonly List<string> _users = [];

    /// <summary>The virtual host's name.</summary>
    public string Name { get; } = name;

    /// <summary>AMQP URI of the broker with this virtual host.</summary>
    public Uri Uri { get; } = uri;

    /// <summary>
    /// One line per queue (ready, unacked, consumers) for a failure message; never throws, so a broker that does not
    /// answer does not hide the failure being described.
    /// </summary>
    public async Task<string> DescribeQueuesAsync()
    {
        try
        {
            var queues = await (broker ?? TestBroker.Local).GetJsonAsync($"api/queues/{Uri.EscapeDataString(Name)}");
            return string.Join("\n", (queues?.AsArray() ?? []).Select(q =>
                $"{q?["name"]}: ready {q?["messages_ready"]}, unacked {q?["messages_unacknowledged"]}, " +
                $"consumers {q?["consumers"]}"));
        }
        catch (Exception ex)
        {
            return $"(queues unknown: {ex.Message})";
        }
    }

    /// <summary>
    /// Creates a broker user with a random password and the given permissions on this virtual host only (deleted with
    /// it); returns this virtual host's URI with that user's credentials.
    /// </summary>
    public async Task<Uri> CreateUserAsync(string hint, string configure = ".*", string write = ".*",
        string read = ".*")
    {
        var endpoint = broker ?? TestBroker.Local;
        var user = $"nop-test-{hint}-{Guid.NewGuid():N}";
        var password = Guid.NewGuid().ToString("N");
        _users.Add(user);
        await endpoint.PutUserAsync(user, password);
        await endpoint.SetPermissionsAsync(Name, user, configure, write, read);
        return new UriBuilder(Uri) { UserName = user, Password = password }.Uri;
    }

    /// <summary>Sets the permissions of the user the virtual host was created for (<see cref="TestBroker.Uri"/>'s)
    /// here, e.g. to refuse it the default exchange.</summary>
    public Task SetOwnPermissionsAsync(string configure, string write, string read) =>
        (broker ?? TestBroker.Local).SetPermissionsAsync(Name, Uri.UnescapeDataString(Uri.UserInfo.Split(':')[0]),
            configure, write, read);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var endpoint = broker ?? TestBroker.Local;
        foreach (var user in _users)
        {
            await endpoint.DeleteUserAsync(user);
        }
        await endpoint.DeleteVirtualHostAsync(Name);
    }
}
