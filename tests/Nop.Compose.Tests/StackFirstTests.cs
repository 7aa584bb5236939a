using Xunit.Abstractions;
using Xunit.Sdk;

namespace Nop.Compose.Tests;

/// <summary>The project's collection orderer (Nop.Testing's SlowestFirst): the stack test's collection first.</summary>
public sealed class StackFirstTests
{
    [Fact]
    public void The_docker_collection_goes_first_and_the_others_keep_their_order()
    {
        ITestCollection[] collections =
        [
            Collection("Test collection for Nop.Compose.Tests.RepositoryDocsTests"),
            Collection("Test collection for Nop.Compose.Tests.ComposeFileTests"),
            // A defined collection, as [CollectionDefinition] makes it: shown by its name, with a definition type.
            Collection(DockerCollection.Name, definedBy: true),
            Collection("Test collection for Nop.Compose.Tests.BrokerGuestTests"),
        ];

        new StackFirst().OrderTestCollections(collections).Select(c => c.DisplayName).ShouldBe(
        [
            DockerCollection.Name,
            "Test collection for Nop.Compose.Tests.RepositoryDocsTests",
            "Test collection for Nop.Compose.Tests.ComposeFileTests",
            "Test collection for Nop.Compose.Tests.BrokerGuestTests",
        ]);
    }

    // xUnit's own collection type, as its discovery makes them.
    private static TestCollection Collection(string displayName, bool definedBy = false) => new(
        new TestAssembly(Reflector.Wrap(typeof(StackFirstTests).Assembly)),
        definedBy ? Reflector.Wrap(typeof(DockerCollection)) : null, displayName);
}
