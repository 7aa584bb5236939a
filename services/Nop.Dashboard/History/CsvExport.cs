namespace Nop.Dashboard.History;

// Endpoint metadata: the endpoint also answers text/csv (format=csv) with this header row. The OpenAPI document
// lists the media type from it.
public sealed record CsvExport(string Header);
