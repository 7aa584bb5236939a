using System.Buffers.Binary;
using Nop.Dashboard.Operators;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>Operator password hashes: PBKDF2-HMAC-SHA512 at OWASP's iteration count, old hashes still verify, and
/// hash-password takes the password from standard input only, at least 12 characters.</summary>
public sealed class PasswordTests
{
    [Fact]
    [Trait("Category", "Unit")]
    public void New_hashes_are_pbkdf2_hmac_sha512_with_210000_iterations()
    {
        var hash = Convert.FromBase64String(OperatorDirectory.Hash("a long enough password"));

        // Identity's V3 format: 0x01, PRF (2 = HMAC-SHA512), iteration count, salt length (big-endian).
        hash[0].ShouldBe((byte)0x01);
        BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1)).ShouldBe(2u);
        BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)).ShouldBe(210_000u);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public async Task Hash_password_reads_standard_input_and_refuses_an_argument_or_a_short_password()
    {
        var (code, output, _) = await RunAsync(["hash-password"], "a long enough password\n");
        var (argument, argumentOutput, argumentError) = await RunAsync(["hash-password", "a long enough password"], "");
        var (shortCode, shortOutput, shortError) = await RunAsync(["hash-password"], "elevenchars\n");

        code.ShouldBe(0);
        Convert.FromBase64String(output.Trim())[0].ShouldBe((byte)0x01);
        argument.ShouldBe(2);
        argumentOutput.ShouldBeEmpty();
        argumentError.ShouldContain("standard input");
        shortCode.ShouldBe(2);
        shortOutput.ShouldBeEmpty();
        shortError.ShouldContain("at least 12 characters");
    }

    [Fact]
    public async Task A_hash_with_fewer_iterations_still_signs_in_and_the_log_asks_for_a_new_one()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-old-hash");
        await using var dashboard = await DashboardApp.StartAsync(vhost);

        // DashboardApp.OperatorHash was made with Identity's default of 100,000 iterations.
        await dashboard.SignInAsync();

        dashboard.Logs.Events.ShouldContain(e => e.MessageTemplate.Text.Contains("re-hash", StringComparison.Ordinal));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, string input)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DashboardCommand.RunAsync(args, new StringReader(input), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
