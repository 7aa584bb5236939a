using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Nop.Persistence;

/// <summary>
/// A <see cref="DateTimeOffset"/> stored as text <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c> (UTC, fixed width, so text order
/// is time order): SQLite has no date type, and EF Core cannot order or compare a DateTimeOffset there.
/// </summary>
public sealed class UtcTextConverter() : ValueConverter<DateTimeOffset, string>(
    value => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture),
    text => new DateTimeOffset(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture,
        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero))
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
}
