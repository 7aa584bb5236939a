using System.Diagnostics;
using System.Globalization;
using Nop.Testing;

namespace Nop.Faults.Tests;

/// <summary>
/// A three-node RabbitMQ cluster of the tests' own, started and stopped by <c>deploy/rabbitmq/cluster.sh</c> (as
/// <c>./nop up --cluster</c> starts one): nodes <c>nopt1..3@localhost</c>, AMQP 5791-5793, management 15791-15793,
/// metrics 15891-15893, distribution 25791-25793, away from the shared broker and from <c>./nop up --cluster</c>'s
/// 5681-5683. One fixed data folder, so a run that died without stopping its nodes has them stopped by the next
/// start. Dispose stops the nodes and deletes their data (and removes any partition rule), whatever the tests did.
/// </summary>
public sealed class ClusterBrokerFixture : IAsyncLifetime
{
    public const int Nodes = 3;

    private static readonly string Script = Path.Combine(Repository.Root, "deploy/rabbitmq/cluster.sh");

    // What cluster.sh is told (NOP_CLUSTER_*): node names nopt1..3, AMQP ports from 5791, this data folder.
    private readonly string _name = "nopt";
    // Clear of the shared broker's ports (management 15672, metrics 15692) and of ./nop up --cluster's (5681...).
    private readonly int _firstPort = 5791;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "nop-cluster-faults");
    private readonly BrokerEndpoint[] _nodes;

    public ClusterBrokerFixture()
    {
        _nodes = Enumerable.Range(1, Nodes).Select(n => new BrokerEndpoint(
            new Uri($"amqp://guest:guest@127.0.0.1:{AmqpPort(n)}/"),
            new Uri($"http://guest:guest@127.0.0.1:{AmqpPort(n) + 10000}/"))).ToArray();
        ServiceSettings = Enumerable.Range(1, Nodes)
            .ToDictionary(n => $"RabbitMq:Endpoints:{n - 1}", n => $"127.0.0.1:{AmqpPort(n)}");
    }

    /// <summary>Node 1's AMQP and management endpoints (a virtual host made there is cluster-wide).</summary>
    public BrokerEndpoint Endpoint => _nodes[0];

    /// <summary>The service settings that give every service all three nodes.</summary>
    public IReadOnlyDictionary<string, string> ServiceSettings { get; }

    public string NodeName(int node) => $"{_name}{node}@localhost";

    public int AmqpPort(int node) => _firstPort + node - 1;

    /// <summary>The management API of one node.</summary>
    public BrokerEndpoint Node(int node) => _nodes[node - 1];

    public async Task InitializeAsync() => await RunAsync("start");

    public async Task DisposeAsync()
    {
        try
        {
            await RunAsync("stop");
        }
        finally
        {
            foreach (var node in _nodes)
            {
                node.Dispose();
            }
        }
    }

    /// <summary>SIGKILL of the node's Erlang VM: nothing flushed, no goodbye to its peers or clients.</summary>
    public async Task KillAsync(int node)
    {
        var pid = await RunAsync("pid", node.ToString(CultureInfo.InvariantCulture));
        using var beam = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
        beam.Kill();
        await beam.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Starts a killed node again with its data; returns once it runs (it rejoins the cluster).</summary>
    public Task StartNodeAsync(int node) => RunAsync("start-node", node.ToString(CultureInfo.InvariantCulture));

    /// <summary>Cuts the node's Erlang distribution links to its peers (iptables on loopback, those ports).</summary>
    public Task PartitionAsync(int node) => RunAsync("partition", node.ToString(CultureInfo.InvariantCulture));

    /// <summary>Removes every partition rule.</summary>
    public Task HealAsync() => RunAsync("heal");

    /// <summary>Whether RabbitMQ runs on the node (false while it is down or paused by pause_minority).</summary>
    public async Task<bool> IsRunningAsync(int node)
    {
        try
        {
            return (await CtlAsync(node, "eval", "rabbit:is_running().")).Trim() == "true";
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The nodes running RabbitMQ as <paramref name="node"/> sees them.</summary>
    public async Task<string> RunningNodesAsync(int node) =>
        (await CtlAsync(node, "eval", "lists:sort(rabbit_nodes:all_running()).")).Trim();

    /// <summary>Leader, members and messages of each quorum queue of a virtual host, asked of a running node.</summary>
    public async Task<Dictionary<string, QuorumQueue>> QueuesAsync(int askNode, string vhost)
    {
        var queues = new Dictionary<string, QuorumQueue>();
        var output = await CtlAsync(askNode, "list_queues", "-p", vhost, "name", "leader", "members", "messages",
            "--no-table-headers");
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // e.g. "processing.classifier\tnopt2@localhost\t[nopt1@localhost, nopt2@localhost, nopt3@localhost]\t12"
            var parts = line.Split('\t');
            if (parts.Length >= 4 && parts[2].StartsWith('['))
            {
                var members = parts[2].Trim('[', ']').Split(", ", StringSplitOptions.RemoveEmptyEntries);
                _ = long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var messages);
                queues[parts[0]] = new QuorumQueue(parts[1], members, messages);
            }
        }
        return queues;
    }

    /// <summary>The node number of a node name.</summary>
    public int NumberOf(string nodeName) =>
        Enumerable.Range(1, Nodes).Single(n => NodeName(n) == nodeName);

    private Task<string> CtlAsync(int node, params string[] command) =>
        ExecAsync("rabbitmqctl", ["-q", "-n", NodeName(node), "--timeout", "15", .. command], TimeSpan.FromSeconds(30));

    private Task<string> RunAsync(params string[] command) => ExecAsync(Script, command, TimeSpan.FromMinutes(3));

    private async Task<string> ExecAsync(string file, string[] command, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, command) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["NOP_CLUSTER_DIR"] = _folder;
        start.Environment["NOP_CLUSTER_NAME"] = _name;
        start.Environment["NOP_CLUSTER_PORT"] = _firstPort.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', command)} did not finish within {timeout}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', command)} failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
        return await stdout;
    }
}

/// <summary>A quorum queue as <c>rabbitmqctl list_queues</c> shows it.</summary>
public sealed record QuorumQueue(string Leader, string[] Members, long Messages);
