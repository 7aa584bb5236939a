using System.Collections.ObjectModel;
using System.Diagnostics;

namespace Nop.Tracing.Tests;

/// <summary>The in-memory exporter's list, safe to read while services export into it.</summary>
internal sealed class SpanList : Collection<Activity>
{
    private readonly Lock _lock = new();

    protected override void InsertItem(int index, Activity item)
    {
        lock (_lock)
            base.InsertItem(index, item);
    }

    public List<Activity> Snapshot()
    {
        lock (_lock)
            return [.. Items];
    }
}
