namespace Nop.Processing.Aggregation;

/// <summary>What became of the readings of one batch.</summary>
/// <param name="Counted">Merged into open windows.</param>
/// <param name="Duplicates">Already counted (same reading id): ignored.</param>
/// <param name="Late">
/// Their windows had closed: counted as late (the next published window's lateCount), never merged.
/// </param>
/// <param name="Invalid">Not a level a microphone can report, or a duration that is not positive: ignored.</param>
public readonly record struct BatchOutcome(int Counted, int Duplicates, int Late, int Invalid);
