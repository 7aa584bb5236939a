using System.Globalization;
using Nop.Notifier.Subscriptions;

namespace Nop.Notifier.Tests.Support;

/// <summary>Subscriptions for a test, and the configuration keys that set them
/// (<c>Notifier:Subscriptions:0:Email</c>…), the same for a hosted Notifier and for a process's environment.
/// </summary>
public static class Subscribe
{
    public static SubscriptionOptions Email(string id, string address) => new() { Id = id, Email = address };

    public static SubscriptionOptions Webhook(string id, Hook hook) =>
        new() { Id = id, Url = hook.Url, Secret = hook.Secret };

    public static IEnumerable<KeyValuePair<string, string?>> Settings(IEnumerable<SubscriptionOptions> subscriptions)
    {
        var i = 0;
        foreach (var s in subscriptions)
        {
            var prefix = $"Notifier:Subscriptions:{i++}:";
            var values = new Dictionary<string, object?>
            {
                ["Id"] = s.Id,
                ["Email"] = s.Email,
                ["Url"] = s.Url,
                ["Secret"] = s.Secret,
                ["MinSeverity"] = s.MinSeverity,
                ["Level"] = s.Level,
                ["DigestMinutes"] = s.DigestMinutes,
            };
            for (var j = 0; j < s.Zones.Count; j++)
                values[$"Zones:{j}"] = s.Zones[j];
            for (var j = 0; j < s.Sensors.Count; j++)
                values[$"Sensors:{j}"] = s.Sensors[j];
            for (var j = 0; j < s.Rules.Count; j++)
                values[$"Rules:{j}"] = s.Rules[j];
            if (s.QuietHours is { } quiet)
            {
                values["QuietHours:From"] = quiet.From.ToString("HH:mm", CultureInfo.InvariantCulture);
                values["QuietHours:To"] = quiet.To.ToString("HH:mm", CultureInfo.InvariantCulture);
                values["QuietHours:TimeZone"] = quiet.TimeZone;
                values["QuietHours:DropBelow"] = quiet.DropBelow;
                values["QuietHours:SendAtOrAbove"] = quiet.SendAtOrAbove;
            }
            foreach (var (key, value) in values)
            {
                if (value is not null)
                    yield return new(prefix + key, Convert.ToString(value, CultureInfo.InvariantCulture));
            }
        }
    }
}
