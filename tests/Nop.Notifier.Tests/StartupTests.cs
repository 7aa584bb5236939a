using Nop.Notifier.Tests.Support;

namespace Nop.Notifier.Tests;

/// <summary>Options are validated at start-up: a bad subscription stops Notifier before it consumes anything.
/// </summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Notifier_does_not_start_with_a_bad_subscription()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-options");

        var error = await Should.ThrowAsync<Exception>(() => bed.StartNotifierAsync([OptionsTests.Bad("unsigned")]));

        error.ToString().ShouldContain("a webhook needs a Secret to sign its requests with");
    }
}
