namespace Nop.Ingest.Readings;

// The fast path of ReadingParser's measuredAt: a JSON string of exactly ReadingLimits.MeasuredAtPattern in ASCII,
// read straight from its UTF-8 bytes (no string, no regular expression, no culture-aware DateTimeOffset.TryParse: a
// third of a reading's parsing before). It accepts only what that pattern and DateTimeOffset.TryParse accept, with
// the same instant; anything else (escapes, non-ASCII digits, second 60, hour 24, an offset beyond ±14:00, years
// 0001 and 9999, invalid dates) it leaves to the full check, which decides as before.
internal static class UtcTimestamp
{
    private static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);

    // rawJson: the string value as it stands in the JSON, quotes included.
    public static bool TryParse(ReadOnlySpan<byte> rawJson, out DateTimeOffset utc)
    {
        utc = default;
        // "yyyy-MM-ddTHH:mm:ss" and at least a Z, between quotes.
        if (rawJson.Length < 22 || rawJson[0] != '"' || rawJson[^1] != '"')
        {
            return false;
        }
        var text = rawJson[1..^1];
        if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month)
            || !TryDigits(text.Slice(8, 2), out var day) || !TryDigits(text.Slice(11, 2), out var hour)
            || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }
        var rest = text[19..];
        long fraction = 0;
        if (rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit((char)rest[digits]))
            {
                digits++;
            }
            digits--;
            if (digits is < 1 or > 7 || !TryDigits(rest.Slice(1, digits), out var value))
            {
                return false;
            }
            fraction = value;
            for (var i = digits; i < 7; i++)
            {
                fraction *= 10; // in ticks (100 ns)
            }
            rest = rest[(1 + digits)..];
        }
        var offset = TimeSpan.Zero;
        if (rest.Length == 6 && rest[0] is (byte)'+' or (byte)'-' && rest[3] == ':'
            && TryDigits(rest.Slice(1, 2), out var offsetHours) && TryDigits(rest.Slice(4, 2), out var offsetMinutes)
            && offsetMinutes <= 59)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (offset > MaxOffset)
            {
                return false;
            }
            if (rest[0] == '-')
            {
                offset = -offset;
            }
        }
        else if (rest.Length != 1 || rest[0] != 'Z')
        {
            return false;
        }
        if (year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fraction);
        utc = new DateTimeOffset(local - offset, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
            value = value * 10 + (digit - '0');
        }
        return true;
    }
}
