namespace Nop.Dashboard.History;

// How an answer is written: JSON, CSV with a header row, or FIWARE NoiseLevelObserved entities (levels only).
public enum HistoryFormat
{
    Json,
    Csv,
    Fiware,
}
