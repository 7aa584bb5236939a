using Nop.Contracts;

namespace Nop.Messaging.Tests;

[Trait("Category", "Unit")]
public sealed class ReadingBucketsTests
{
    // FNV-1a 32-bit test vectors (the algorithm's published ones: "" → 0x811c9dc5, "a" → 0xe40c292c,
    // "foobar" → 0xbf9cf968), modulo 64 buckets.
    [Theory]
    [InlineData("", 0x811c9dc5u % 64)]
    [InlineData("a", 0xe40c292cu % 64)]
    [InlineData("foobar", 0xbf9cf968u % 64)]
    public void A_sensors_bucket_is_its_ids_fnv1a_hash_modulo_the_bucket_count(string sensorId, uint bucket) =>
        ReadingBuckets.Of(sensorId).ShouldBe((int)bucket);

    [Fact]
    public void The_routing_key_carries_the_bucket_before_the_sensor_id() =>
        RoutingKeys.Reading("foobar").ShouldBe($"reading.{0xbf9cf968u % 64}.foobar");

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(64)]
    public void Each_bucket_is_bound_by_exactly_one_partition(int partitions)
    {
        var bound = Enumerable.Range(0, partitions)
            .SelectMany(p => Topology.AggregatorPartition(p, partitions).Bindings)
            .Select(b => b.RoutingKey)
            .ToList();
        bound.ShouldBe(Enumerable.Range(0, ReadingBuckets.Count).Select(RoutingKeys.ReadingBucket), ignoreOrder: true);
    }

    [Fact]
    public void More_partitions_than_buckets_are_refused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => Topology.AggregatorPartition(0, ReadingBuckets.Count + 1));
}
