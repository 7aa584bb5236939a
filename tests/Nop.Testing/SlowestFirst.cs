using Xunit;
using Xunit.Abstractions;

namespace Nop.Testing;

/// <summary>
/// A test collection orderer that starts the named collections first, in the order given, and the rest after them in
/// xUnit's own order. With test collections run side by side (two at a time on these two cores), the long ones started
/// last would run on alone at the end: started first, the short ones fill the other thread around them. A test
/// project subclasses it with its slowest classes (or collection names), measured in CI, and names the subclass in
/// <c>[assembly: TestCollectionOrderer(...)]</c>.
/// </summary>
public abstract class SlowestFirst(params string[] slowest) : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ToList();

    // A class's own collection is shown as "Test collection for <namespace>.<class>", a defined one by its name.
    private int Rank(ITestCollection collection)
    {
        var name = collection.DisplayName[(collection.DisplayName.LastIndexOf('.') + 1)..];
        var rank = Array.IndexOf(slowest, name);
        return rank < 0 ? slowest.Length : rank;
    }
}
