using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Nop.Testing;

/// <summary>One sample of a scrape: <c>name{label="value",...} 42</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A scrape of <c>/metrics</c> in the Prometheus text exposition format (version 0.0.4: one sample a line, labels
/// quoted with <c>\\</c>, <c>\"</c> and <c>\n</c> escapes, comments after <c>#</c>), parsed for assertions.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, string text) => (Samples, Text) = (samples, text);

    /// <summary>Every sample, in the order scraped.</summary>
    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>The scraped text, for failure messages.</summary>
    public string Text { get; }

    /// <summary>
    /// The sum of the samples named <paramref name="name"/> whose labels include every one of
    /// <paramref name="labels"/> (other labels, e.g. <c>otel_scope_name</c>, are ignored); null when there is none.
    /// </summary>
    public double? Value(string name, params (string Name, string Value)[] labels)
    {
        var matching = Samples.Where(s => s.Name == name
            && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    /// <summary>The samples of <paramref name="name"/>, for assertions about their labels.</summary>
    public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);

    /// <summary>GETs <c>/metrics</c> through <paramref name="client"/> (with a bearer token if given) and parses it.
    /// </summary>
    public static async Task<PrometheusText> ScrapeAsync(HttpClient client, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET /metrics answered {(int)response.StatusCode}: {text}");
        return Parse(text);
    }

    /// <summary>Parses exposition text; throws <see cref="FormatException"/> on a line it cannot read.</summary>
    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
                continue;
            samples.Add(ParseLine(line));
        }
        return new PrometheusText(samples, text);
    }

    private static PrometheusSample ParseLine(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
            i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var label = line[i..eq].Trim(' ', ',');
                i = eq + 2; // past ="
                var value = new StringBuilder();
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }
                labels[label] = value.ToString();
                i++; // past the closing quote
                while (line[i] is ',' or ' ')
                    i++;
            }
            i++;
        }
        // The value, then an optional timestamp in milliseconds.
        var fields = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0)
            throw new FormatException($"No value in '{line}'.");
        var number = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
