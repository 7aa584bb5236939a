using Microsoft.Data.Sqlite;
using Nop.Alerting.Alerts;
using Nop.Alerting.Tests.Support;
using Nop.Messaging;
using Nop.Testing;

namespace Nop.Alerting.Tests;

public sealed class AcknowledgeDeadlineTests
{
    [Fact]
    public async Task An_acknowledgement_held_up_by_a_locked_database_past_its_deadline_is_not_applied()
    {
        await using var rig = await RaceRig.CreateAsync();
        await rig.DeliverAsync(Noise.Exceeded("s-1", level: 70));
        var alert = await rig.AlertAsync("s-1");

        // The handler has decided (before the deadline) and is about to commit ...
        var deadline = DateTimeOffset.UtcNow.AddSeconds(3);
        var held = rig.Gate.HoldNext();
        var acknowledging = rig.AcknowledgeAsync(alert.Id, "ana", deadline);
        (await Task.WhenAny(held, acknowledging).WaitAsync(Noise.Timeout))
            .ShouldBe(held, "the handler got to its commit");

        // ... when another process takes the write lock, and the deadline passes.
        await using var blocker = new SqliteConnection($"Data Source={rig.DatabasePath};Pooling=False");
        await blocker.OpenAsync();
        await using (var command = blocker.CreateCommand())
        {
            command.CommandText = "BEGIN EXCLUSIVE;";
            await command.ExecuteNonQueryAsync();
        }
        while (DateTimeOffset.UtcNow <= deadline)
        {
            await Task.Delay(100);
        }
        rig.Gate.Release();

        // The commit fails (busy), the lock goes; the retry would commit unless it checks the deadline again.
        await Eventually.TrueAsync(() => rig.Resilience.UnavailableSince is not null, Noise.Timeout,
            "the first commit failed");
        await blocker.CloseAsync();

        await Should.ThrowAsync<RequestExpiredException>(() => acknowledging.WaitAsync(Noise.Timeout));
        (await rig.EventsAsync(alert.Id)).ShouldBe([AlertEventType.Raised]);
    }
}
