using Microsoft.Data.Sqlite;
using Nop.Alerting.Alerts;
using Nop.Alerting.Tests.Support;
using Nop.Messaging;

namespace Nop.Alerting.Tests;

public sealed class AcknowledgeDeadlineTests
{
    [Fact]
    public async Task An_acknowledgement_held_up_by_a_locked_database_past_its_deadline_is_not_applied()
    {
        await using var rig = await RaceRig.CreateAsync();
        await rig.DeliverAsync(Noise.Exceeded("s-1", level: 70));
        var alert = await rig.AlertAsync("s-1");

        // Another process holds the write lock: the first commit fails after the busy timeout (1 s), past the
        // deadline; the retry then commits once the lock is gone, unless the handler looks at the deadline again.
        await using var blocker = new SqliteConnection($"Data Source={rig.DatabasePath};Pooling=False");
        await blocker.OpenAsync();
        await using (var command = blocker.CreateCommand())
        {
            command.CommandText = "BEGIN EXCLUSIVE;";
            await command.ExecuteNonQueryAsync();
        }
        var acknowledging = rig.AcknowledgeAsync(alert.Id, "ana", deadline: DateTimeOffset.UtcNow.AddMilliseconds(500));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await blocker.CloseAsync();

        await Should.ThrowAsync<RequestExpiredException>(() => acknowledging.WaitAsync(TimeSpan.FromSeconds(30)));
        (await rig.EventsAsync(alert.Id)).ShouldBe([AlertEventType.Raised]);
    }
}
