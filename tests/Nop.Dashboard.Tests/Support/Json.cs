using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nop.Dashboard.Tests;

/// <summary>How the Dashboard's HTTP API writes JSON: web defaults, enums as the contracts name them.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
