using System.Diagnostics;
using Nop.Contracts;
using Nop.Testing;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// Ingest and Processing on a three-node cluster of their own (<see cref="ClusterBrokerFixture"/>), every service given
/// all three nodes (<c>RabbitMq:Endpoints</c>), work queues replicated on all three. One node fails under load: the
/// one that leads the classifier queue (and whichever partition queues it leads too), killed with SIGKILL or cut off
/// from its peers. The services keep serving on the other two, and the ledger is exact: no accepted reading lost or
/// counted twice.
/// </summary>
public sealed class ClusterFaultTests(ClusterBrokerFixture cluster, ITestOutputHelper output)
    : IClassFixture<ClusterBrokerFixture>
{
    // Fewer readings than the single-broker tests: each phase only has to show the load flowing (the cluster is slow to
    // start on a shared 2-core machine, and these tests stay within their share of ./nop test).
    private const int Readings = 400;

    [Fact]
    public async Task Every_accepted_reading_is_counted_once_when_the_leading_node_is_killed_and_comes_back()
    {
        var clock = Stopwatch.StartNew();
        await using var pipeline = await Pipeline.StartAsync("cluster-kill", broker: cluster.Endpoint,
            settings: cluster.ServiceSettings);
        var levels = await LevelQueue.DeclareAsync(pipeline.VirtualHost);
        using var ledger = new Ledger(pipeline.Ingest.Address!, LedgerCheck.Sensors, LedgerCheck.EventTimeFrom(),
            $"ck-{Guid.NewGuid():N}"[..20]);
        using var stop = new CancellationTokenSource();
        var load = ledger.RunAsync(TimeSpan.FromMilliseconds(100), stop.Token);
        try
        {
            await Eventually.TrueAsync(() => ledger.AcceptedCount >= Readings, TimeSpan.FromSeconds(60),
                "the load is flowing");
            var victim = await LeaderOfTheWorkQueuesAsync(pipeline, clock);

            var atFault = Counts.Of(ledger);
            await cluster.KillAsync(victim);
            Log($"{clock.Elapsed.TotalSeconds:0.0} s: node {cluster.NodeName(victim)} killed (SIGKILL)");
            Counts whileDown;
            try
            {
                await ServesWithoutAsync(victim, pipeline, ledger, "was killed");
                whileDown = Counts.Of(ledger) - atFault;
            }
            finally
            {
                // Also when the test fails here: the virtual host is deleted through node 1, which may be the one down.
                await cluster.StartNodeAsync(victim);
            }
            Log($"{clock.Elapsed.TotalSeconds:0.0} s: node {cluster.NodeName(victim)} back");
            await Eventually.TrueAsync(
                async () => (await cluster.RunningNodesAsync(victim)).Split(',').Length == ClusterBrokerFixture.Nodes,
                TimeSpan.FromSeconds(60), "the restarted node rejoined the cluster");
            await AcceptsAfterwardsAsync(ledger, pipeline);
            Log($"while the node was down Ingest accepted {whileDown.Accepted} readings " +
                $"({whileDown.Accepted / Ledger.BatchSize} answers 202), answered 503 {whileDown.Unavailable} times, " +
                $"lost {whileDown.ConnectionFailures} connections");
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
        await LedgerCheck.EveryAcceptedReadingCountedOnceAsync(ledger, levels, pipeline, output, clock);
    }

    [Fact]
    public async Task A_node_cut_off_from_its_peers_pauses_and_nothing_accepted_is_lost()
    {
        var clock = Stopwatch.StartNew();
        await using var pipeline = await Pipeline.StartAsync("cluster-partition", broker: cluster.Endpoint,
            settings: cluster.ServiceSettings);
        var levels = await LevelQueue.DeclareAsync(pipeline.VirtualHost);
        using var ledger = new Ledger(pipeline.Ingest.Address!, LedgerCheck.Sensors, LedgerCheck.EventTimeFrom(),
            $"cp-{Guid.NewGuid():N}"[..20]);
        using var stop = new CancellationTokenSource();
        var load = ledger.RunAsync(TimeSpan.FromMilliseconds(100), stop.Token);
        try
        {
            await Eventually.TrueAsync(() => ledger.AcceptedCount >= Readings, TimeSpan.FromSeconds(60),
                "the load is flowing");
            var victim = await LeaderOfTheWorkQueuesAsync(pipeline, clock);

            var atFault = Counts.Of(ledger);
            Counts whilePaused;
            await cluster.PartitionAsync(victim);
            try
            {
                Log($"{clock.Elapsed.TotalSeconds:0.0} s: node {cluster.NodeName(victim)} cut off from its peers");
                // pause_minority: alone, it sees one node of three and stops serving (rabbitmqctl still reaches it).
                await Eventually.TrueAsync(async () => !await cluster.IsRunningAsync(victim), TimeSpan.FromSeconds(60),
                    "the minority node paused");
                Log($"{clock.Elapsed.TotalSeconds:0.0} s: node {cluster.NodeName(victim)} paused");
                await ServesWithoutAsync(victim, pipeline, ledger, "is cut off");
                (await cluster.IsRunningAsync(victim)).ShouldBeFalse("the minority node stays paused while cut off");
                whilePaused = Counts.Of(ledger) - atFault;
            }
            finally
            {
                await cluster.HealAsync();
            }
            Log($"{clock.Elapsed.TotalSeconds:0.0} s: partition healed");
            await Eventually.TrueAsync(() => cluster.IsRunningAsync(victim), TimeSpan.FromSeconds(90),
                "the paused node resumed once it saw its peers again");
            await Eventually.TrueAsync(
                async () => (await cluster.RunningNodesAsync(victim)).Split(',').Length == ClusterBrokerFixture.Nodes,
                TimeSpan.FromSeconds(60), "the resumed node is in the cluster again");
            await AcceptsAfterwardsAsync(ledger, pipeline);
            Log($"while the node was cut off Ingest accepted {whilePaused.Accepted} readings " +
                $"({whilePaused.Accepted / Ledger.BatchSize} answers 202), " +
                $"answered 503 {whilePaused.Unavailable} times, " +
                $"lost {whilePaused.ConnectionFailures} connections");
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
        await LedgerCheck.EveryAcceptedReadingCountedOnceAsync(ledger, levels, pipeline, output, clock);
    }

    // The node to fail: the classifier queue's leader (every reading passes that queue). Also checks the replication.
    private async Task<int> LeaderOfTheWorkQueuesAsync(Pipeline pipeline, Stopwatch clock)
    {
        var queues = (await cluster.QueuesAsync(1, pipeline.VirtualHost.Name))
            .Where(q => q.Key.StartsWith("processing.", StringComparison.Ordinal)
                && !q.Key.EndsWith(".dead", StringComparison.Ordinal))
            .ToDictionary();
        queues.Keys.ShouldContain(Queues.ProcessingClassifier);
        foreach (var (name, queue) in queues)
        {
            queue.Members.Length.ShouldBe(ClusterBrokerFixture.Nodes, $"{name} is replicated on every node");
        }
        var leader = queues[Queues.ProcessingClassifier].Leader;
        Log($"{clock.Elapsed.TotalSeconds:0.0} s: {leader} leads " +
            string.Join(", ", queues.Where(q => q.Value.Leader == leader).Select(q => q.Key).Order()));
        return cluster.NumberOf(leader);
    }

    // Without the node: the work queues get new leaders, Ingest accepts readings, Processing publishes windows.
    private async Task ServesWithoutAsync(int victim, Pipeline pipeline, Ledger ledger, string what)
    {
        var survivor = victim == 1 ? 2 : 1;
        await Eventually.TrueAsync(async () =>
            (await cluster.QueuesAsync(survivor, pipeline.VirtualHost.Name))
                .TryGetValue(Queues.ProcessingClassifier, out var q)
                && q.Leader != cluster.NodeName(victim) && q.Leader.Contains('@'),
            TimeSpan.FromSeconds(60), $"the classifier queue has a new leader after its leader {what}");
        var accepted = ledger.AcceptedCount;
        var windows = await WindowsQueuedAsync(survivor, pipeline);
        await Eventually.TrueAsync(() => ledger.AcceptedCount >= accepted + Readings, TimeSpan.FromSeconds(60),
            () => $"Ingest accepts readings while a node {what}\n{pipeline.Diagnostics}");
        await Eventually.TrueAsync(async () => await WindowsQueuedAsync(survivor, pipeline) > windows,
            TimeSpan.FromSeconds(60),
            () => $"Processing publishes windows while a node {what}\n{pipeline.Diagnostics}");
    }

    private async Task<long> WindowsQueuedAsync(int node, Pipeline pipeline) =>
        (await cluster.QueuesAsync(node, pipeline.VirtualHost.Name)).TryGetValue(LevelQueue.Name, out var q)
            ? q.Messages : 0;

    private static async Task AcceptsAfterwardsAsync(Ledger ledger, Pipeline pipeline)
    {
        ledger.Mark();
        await Eventually.TrueAsync(() => ledger.AcceptedSinceMark >= Readings, TimeSpan.FromSeconds(60),
            () => "readings are accepted after the node came back\n" + pipeline.Diagnostics);
    }

    // Also to the console: dotnet test prints a passing test's output only at detailed verbosity.
    private void Log(string line)
    {
        output.WriteLine(line);
        Console.WriteLine("Nop.Faults.Tests cluster: " + line);
    }

    private readonly record struct Counts(int Accepted, int Unavailable, int ConnectionFailures)
    {
        public static Counts Of(Ledger ledger) =>
            new(ledger.AcceptedCount, ledger.Unavailable, ledger.ConnectionFailures);

        public static Counts operator -(Counts a, Counts b) =>
            new(a.Accepted - b.Accepted, a.Unavailable - b.Unavailable, a.ConnectionFailures - b.ConnectionFailures);
    }
}
