namespace Nop.Processing.Aggregation;

// What became of the readings of one batch.
// Counted: Merged into open windows.
// Duplicates: Already counted (same reading id): ignored.
// Late: Their windows had closed: counted as late (the next published window's lateCount), never merged.
// Invalid: Not a level a microphone can report, or a duration that is not positive: ignored.
public readonly record struct BatchOutcome(int Counted, int Duplicates, int Late, int Invalid);
