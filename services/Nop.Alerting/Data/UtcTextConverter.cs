using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Nop.Alerting.Data;

// DateTimeOffset as yyyy-MM-ddTHH:mm:ss.fffffffZ (UTC, fixed width, so text order is time order).
public sealed class UtcTextConverter() : ValueConverter<DateTimeOffset, string>(
    value => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture),
    text => new DateTimeOffset(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture,
        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero))
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
}
