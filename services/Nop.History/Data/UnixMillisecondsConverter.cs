using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Nop.History.Data;

// DateTimeOffset as milliseconds since 1970 UTC in SQLite: an integer compares and sorts as time, and takes a few
// bytes instead of 28 of text in every key of the minute table.
public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.ToUnixTimeMilliseconds(),
    ms => DateTimeOffset.FromUnixTimeMilliseconds(ms));
