using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nop.Alerting.Data;
using Nop.Alerting.Tests.Support;
using Nop.Persistence;
using Nop.Persistence.Leases;
using Nop.Persistence.Outbox;

namespace Nop.Alerting.Tests;

/// <summary>Two instances on one database: one outbox relay at a time, and the other takes over when it goes.</summary>
public sealed class OutboxLeaseTests
{
    private static readonly Dictionary<string, string?> ShortLease =
        new() { ["Alerting:Outbox:LeaseDuration"] = "00:00:02" };

    [Fact]
    public async Task Of_two_instances_only_the_lease_holder_relays_each_row_once_the_other_takes_over_when_it_ends()
    {
        await using var bed = await AlertingTestBed.CreateAsync("lease");
        var first = await bed.StartAlertingAsync(settings: ShortLease);
        var second = await bed.StartAlertingAsync(settings: ShortLease);

        // Competing consumers: both instances handle events and commit outbox rows.
        for (var i = 0; i < 20; i++)
        {
            await bed.PublishAsync(Noise.Exceeded($"s-lease-{i}", level: 70));
        }
        await bed.PublishedAsync(20); // fails on a duplicate publish
        await using (var db = bed.OpenDatabase())
        {
            (await db.Inbox.CountAsync()).ShouldBe(20);
        }
        OutboxRelay<AlertingDbContext>[] relays =
            [first.Get<OutboxRelay<AlertingDbContext>>(), second.Get<OutboxRelay<AlertingDbContext>>()];
        relays.Count(r => r.Published > 0).ShouldBe(1, $"published: {relays[0].Published} and {relays[1].Published}");
        var holder = relays[0].Published > 0 ? first : second;
        var survivor = holder == first ? second : first;

        await holder.DisposeAsync(); // a graceful stop releases the lease
        for (var i = 20; i < 30; i++)
        {
            await bed.PublishAsync(Noise.Exceeded($"s-lease-{i}", level: 70));
        }
        await bed.PublishedAsync(30);
        survivor.Get<OutboxRelay<AlertingDbContext>>().Published.ShouldBe(10);
    }

    [Fact]
    public async Task A_lease_is_held_by_one_keeper_at_a_time_and_taken_over_once_an_abandoned_one_expires()
    {
        await using var bed = await AlertingTestBed.CreateAsync("lease-keeper");
        await using var db = bed.OpenDatabase();
        var ct = CancellationToken.None;
        await DatabaseMigration.MigrateAsync(db, new DatabaseResilience(NullLogger<DatabaseResilience>.Instance),
            AlertingDatabase.Settings, ct);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var duration = TimeSpan.FromSeconds(9);
        var crashed = new LeaseKeeper(OutboxModel.LeaseName, duration, clock);
        var other = new LeaseKeeper(OutboxModel.LeaseName, duration, clock);

        (await crashed.HoldAsync(db, ct)).ShouldBeTrue();
        (await other.HoldAsync(db, ct)).ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(4)); // the holder renews after a third: it keeps it
        (await crashed.HoldAsync(db, ct)).ShouldBeTrue();
        (await other.HoldAsync(db, ct)).ShouldBeFalse();

        // The holder stops renewing (it died). Until its renewed lease runs out nobody else gets it; then the other
        // does.
        clock.Advance(TimeSpan.FromSeconds(8));
        (await other.HoldAsync(db, ct)).ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(3));
        (await other.HoldAsync(db, ct)).ShouldBeTrue();
        (await crashed.HoldAsync(db, ct)).ShouldBeFalse("a holder whose lease was taken must stop");
        (await db.Leases.AsNoTracking().SingleAsync(l => l.Name == OutboxModel.LeaseName, ct))
            .Holder.ShouldBe(other.Holder);

        // A graceful stop releases it: the next attempt takes it without waiting for expiry.
        await other.ReleaseAsync(db, ct);
        clock.Advance(TimeSpan.FromSeconds(3));
        (await crashed.HoldAsync(db, ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_relay_may_skip_asking_the_database_while_more_than_a_third_of_its_lease_is_left()
    {
        await using var bed = await AlertingTestBed.CreateAsync("lease-for-now");
        await using var db = bed.OpenDatabase();
        var ct = CancellationToken.None;
        await DatabaseMigration.MigrateAsync(db, new DatabaseResilience(NullLogger<DatabaseResilience>.Instance),
            AlertingDatabase.Settings, ct);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var keeper = new LeaseKeeper(OutboxModel.LeaseName, TimeSpan.FromSeconds(9), clock);
        keeper.HeldForNow.ShouldBeFalse("not taken yet");

        (await keeper.HoldAsync(db, ct)).ShouldBeTrue();
        keeper.HeldForNow.ShouldBeTrue();
        keeper.RenewalDue.ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(4)); // past a third: renewed off the relay's path, still held meanwhile
        keeper.HeldForNow.ShouldBeTrue();
        keeper.RenewalDue.ShouldBeTrue();
        clock.Advance(TimeSpan.FromSeconds(2)); // only a third left: the relay asks the database again
        keeper.HeldForNow.ShouldBeFalse();
        (await keeper.HoldAsync(db, ct)).ShouldBeTrue();
        keeper.HeldForNow.ShouldBeTrue();
        keeper.RenewalDue.ShouldBeFalse();
    }
}
