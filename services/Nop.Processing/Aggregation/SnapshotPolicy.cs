namespace Nop.Processing.Aggregation;

// When a partition's checkpoint writes a snapshot instead of a delta: when the deltas since the last snapshot would
// outgrow four snapshots (so a load reads at most five snapshots' worth, and snapshots add at most a quarter to what
// deltas write: a busy partition's snapshot holds every sensor's reading-id hashes of the duplicate horizon,
// megabytes), every snapshotEvery checkpoints, and right after a checkpoint of the previous format was converted (so
// its old rows can go).
internal sealed class SnapshotPolicy(int snapshotEvery)
{
    // Below this a snapshot is cheap to write and deltas are not worth keeping apart from it.
    private const long MinSnapshotBytes = 64 * 1024;
    private const int DeltasPerSnapshot = 4;
    private long _snapshotBytes;
    private long _deltaBytes;
    private int _deltas;

    // The next checkpoint must be a snapshot even if nothing changed.
    public bool Forced { get; private set; }

    public bool Due(int deltaBytes) =>
        Forced || _deltas + 1 >= snapshotEvery
            || _deltaBytes + deltaBytes > DeltasPerSnapshot * Math.Max(_snapshotBytes, MinSnapshotBytes);

    public void Loaded(long snapshotBytes, long deltaBytes, int deltas, bool convertedLegacy) =>
        (_snapshotBytes, _deltaBytes, _deltas, Forced) = (snapshotBytes, deltaBytes, deltas, convertedLegacy);

    public void Written(int bytes, bool snapshot)
    {
        if (snapshot)
        {
            (_snapshotBytes, _deltaBytes, _deltas, Forced) = (bytes, 0, 0, false);
        }
        else
        {
            _deltaBytes += bytes;
            _deltas++;
        }
    }
}
