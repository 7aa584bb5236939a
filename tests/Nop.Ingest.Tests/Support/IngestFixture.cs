namespace Nop.Ingest.Tests;

/// <summary>One Ingest and one virtual host for the whole class; its tests run one after another.</summary>
public sealed class IngestFixture : IAsyncLifetime
{
    public IngestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await IngestApp.StartAsync("bad-input");

    public async Task DisposeAsync() => await App.DisposeAsync();
}
