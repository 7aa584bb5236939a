using System.ComponentModel.DataAnnotations;
using Nop.Notifier.Subscriptions;
using Nop.Notifier.Tests.Support;

namespace Nop.Notifier.Tests;

/// <summary>A subscription that cannot work is refused when Notifier starts, not discovered at the first alert.
/// </summary>
[Trait("Category", "Unit")]
public sealed class OptionsTests
{
    [Theory]
    [InlineData("email-and-url", "set exactly one of Email and Url")]
    [InlineData("neither", "set exactly one of Email and Url")]
    [InlineData("not-an-address", "is not an e-mail address")]
    [InlineData("unsigned", "needs a Secret")]
    [InlineData("ftp", "absolute http or https URL")]
    [InlineData("unknown-zone", "not a known time zone")]
    [InlineData("no-id", "Id is required")]
    public void A_subscription_that_cannot_work_is_refused(string what, string error)
    {
        var options = new NotifierOptions { Subscriptions = [Bad(what)] };

        var results = options.Validate(new ValidationContext(options)).ToList();

        results.ShouldHaveSingleItem().ErrorMessage.ShouldNotBeNull().ShouldContain(error);
    }

    [Fact]
    public void Two_subscriptions_with_one_id_are_refused()
    {
        var options = new NotifierOptions
        {
            Subscriptions = [Subscribe.Email("ops", "a@nop.test"), Subscribe.Email("ops", "b@nop.test")],
        };

        options.Validate(new ValidationContext(options)).ShouldHaveSingleItem().ErrorMessage.ShouldNotBeNull()
            .ShouldContain("'ops' is used twice");
    }

    internal static SubscriptionOptions Bad(string what) => what switch
    {
        "email-and-url" => new() { Id = what, Email = "a@nop.test", Url = new("http://127.0.0.1/h"), Secret = "s" },
        "neither" => new() { Id = what },
        "not-an-address" => new() { Id = what, Email = "not an address" },
        "unsigned" => new() { Id = what, Url = new("http://127.0.0.1/h") },
        "ftp" => new() { Id = what, Url = new("ftp://127.0.0.1/h"), Secret = "s" },
        "unknown-zone" => new()
        {
            Id = what,
            Email = "a@nop.test",
            QuietHours = new() { From = new(22, 0), To = new(6, 0), TimeZone = "Mars/Olympus_Mons" },
        },
        "no-id" => new() { Id = "", Email = "a@nop.test" },
        _ => throw new ArgumentException(what),
    };
}
