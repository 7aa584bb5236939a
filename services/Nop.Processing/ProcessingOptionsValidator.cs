using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Nop.Processing;

// Checks what data annotations cannot: nested sections, time spans and the time zone.
internal sealed class ProcessingOptionsValidator : IValidateOptions<ProcessingOptions>
{
    public ValidateOptionsResult Validate(string? name, ProcessingOptions options)
    {
        var errors = new List<string>();
        foreach (var (section, value) in new (string, object)[]
        {
            ("Windows", options.Windows), ("Rules", options.Rules),
            ("Thresholds:Residential", options.Thresholds.Residential),
            ("Thresholds:Commercial", options.Thresholds.Commercial),
            ("Thresholds:Industrial", options.Thresholds.Industrial),
            ("Thresholds:Quiet", options.Thresholds.Quiet),
        })
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(value, new(value), results, validateAllProperties: true))
            {
                errors.AddRange(results.Select(r => $"Processing:{section}: {r.ErrorMessage}"));
            }
        }
        if (options.Windows.Size <= TimeSpan.Zero)
        {
            errors.Add("Processing:Windows:Size must be positive.");
        }
        if (options.Windows.AllowedLateness < TimeSpan.Zero || options.Windows.IdleGrace < TimeSpan.Zero)
        {
            errors.Add("Processing:Windows:AllowedLateness and IdleGrace must not be negative.");
        }
        var sharing = options.Sharing;
        if (sharing.HeartbeatInterval <= TimeSpan.Zero || sharing.InstanceTimeout < 2 * sharing.HeartbeatInterval)
        {
            errors.Add(
                "Processing:Sharing:HeartbeatInterval must be positive and InstanceTimeout at least twice as long.");
        }
        if (options.CheckpointInterval <= TimeSpan.Zero || options.Rules.OfflineAfter <= TimeSpan.Zero
            || options.OutboxLeaseDuration <= TimeSpan.Zero || options.MaintenanceRefreshInterval <= TimeSpan.Zero)
        {
            errors.Add("Processing:CheckpointInterval, OutboxLeaseDuration, MaintenanceRefreshInterval and "
                + "Rules:OfflineAfter must be positive.");
        }
        var t = options.Thresholds;
        if (!(t.DayStarts < t.EveningStarts && t.EveningStarts < t.NightStarts && t.NightStarts < TimeSpan.FromDays(1)
            && t.DayStarts >= TimeSpan.Zero))
        {
            errors.Add("Processing:Thresholds: DayStarts < EveningStarts < NightStarts within one day.");
        }
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(t.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add($"Processing:Thresholds:TimeZone '{t.TimeZone}' is not a known time zone.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
