using Nop.Testing;

[assembly: TestCollectionOrderer("Nop.Faults.Tests.FaultsOrder", "Nop.Faults.Tests")]

namespace Nop.Faults.Tests;

/// <summary>
/// The classes by their time in CI (2026-12-02, two at a time with container brokers), longest first: started in
/// xUnit's own order, the two broker-restart classes (BrokerFaultTests alone about 120 s) came last and ran on beside
/// short ones. Run one at a time (the default here) the order changes nothing.
/// </summary>
public sealed class FaultsOrder() : SlowestFirst(
    nameof(BrokerFaultTests), nameof(ClusterFaultTests), nameof(ClassifierRestartTests), nameof(ReplicaTests),
    nameof(MemoryAlarmTests), nameof(PartitionRoutingTests), nameof(PoisonMessageTests));
