using System.ComponentModel.DataAnnotations;

namespace Nop.History;

// History's settings, bound from History. Sources of the defaults: README.md ("History defaults").
public sealed class HistoryOptions : IValidatableObject
{
    public const string Section = "History";

    // IANA zone the days and their periods are reckoned in (the deployment's; the dev sensors stand in Vienna).
    [Required]
    public string TimeZone { get; set; } = "Europe/Vienna";

    // Local hours at which day, evening and night begin (Directive 2002/49/EC Annex I: 07, 19, 23; member states
    // may shift them). Whole hours, so every local clock hour lies in one period.
    [Range(0, 23)]
    public int DayStartHour { get; set; } = 7;

    [Range(0, 23)]
    public int EveningStartHour { get; set; } = 19;

    [Range(0, 23)]
    public int NightStartHour { get; set; } = 23;

    // Share of a period that must be covered by readings for its level to count; below it the period is flagged
    // and the day has no Lden.
    [Range(0.0, 1.0)]
    public double MinCoverage { get; set; } = 0.75;

    // Window (minute) rows are kept this long; hours and days are kept.
    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromDays(35);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!(DayStartHour < EveningStartHour && EveningStartHour < NightStartHour)
            && !(EveningStartHour < NightStartHour && NightStartHour < DayStartHour)
            && !(NightStartHour < DayStartHour && DayStartHour < EveningStartHour))
        {
            yield return new ValidationResult("Day, evening and night must begin in that order around the clock",
                [nameof(DayStartHour), nameof(EveningStartHour), nameof(NightStartHour)]);
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"Unknown time zone '{TimeZone}'", [nameof(TimeZone)]);
        }
        if (MinuteRetention <= TimeSpan.Zero)
        {
            yield return new ValidationResult("MinuteRetention must be positive", [nameof(MinuteRetention)]);
        }
    }
}
