using System.Text.Json;
using Nop.Contracts;

namespace Nop.Alerting.Tests;

/// <summary>The paging fields are optional: messages of a caller or an Alerting without them still read (v1).</summary>
[Trait("Category", "Unit")]
public sealed class QueryContractTests
{
    private const string Summary = """
        {"alertId":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensorId":"s-1","zone":"quiet","rule":"level",
         "severity":"info","state":"open","level":70,"threshold":65,"message":"m","raisedAt":"2026-11-23T21:00:00Z",
         "updatedAt":"2026-11-23T21:00:00Z","acknowledgedBy":null,"correlationId":"c"}
        """;

    [Fact]
    public void Requests_and_replies_without_the_paging_fields_read_with_their_defaults()
    {
        var getAlert = Read<GetAlert>("""{"alertId":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}""");
        (getAlert.AfterSequence, getAlert.Limit).ShouldBe((0L, 0));
        Read<GetOpenAlerts>("""{"page":2,"pageSize":10}""").CountTotal.ShouldBeTrue();
        Read<GetSensorAlerts>("""{"sensorId":"s-1","page":1,"pageSize":10}""").CountTotal.ShouldBeTrue();
        var page = Read<AlertPage>($$"""{"items":[{{Summary}}],"page":1,"pageSize":50,"total":1}""");
        (page.HasMore, page.Items[0].Occurrences, page.Items[0].LastSeenAt).ShouldBe((false, 0L, null));
        Read<AlertDetails>($$"""{"alert":{{Summary}},"history":[]}""").NextAfterSequence.ShouldBeNull();
        GetAlert.MessageType.ShouldBe("nop.get-alert.v1");
        AlertPage.MessageType.ShouldBe("nop.alert-page.v1");
    }

    private static T Read<T>(string json) where T : class, IMessage =>
        JsonSerializer.Deserialize(json, MessageTypes.JsonInfo<T>()).ShouldNotBeNull();
}
