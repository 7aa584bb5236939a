using System.Text.RegularExpressions;

namespace Nop.Compose.Tests;

/// <summary>
/// deploy/sqlserver/setup.sh (the sqlserver-setup job) without SQL Server, which cannot run here: the SQL it sends
/// (<c>setup.sh --print</c>) gives each service a login of its own that owns only its own database.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class SqlServerSetupTests
{
    private static readonly string[] Services = ["processing", "alerting", "history", "notifier"];

    [Fact]
    public async Task Each_service_gets_its_own_login_with_its_own_password_owning_only_its_own_database()
    {
        var passwords = Services.ToDictionary(s => s, s => $"Pw-{s}-{Guid.NewGuid():N}");
        var sql = await PrintAsync(passwords);
        var batches = sql.Split("\nGO\n").Select(b => b.Trim()).Where(b => b.Length > 0).ToList();

        foreach (var service in Services)
        {
            var name = "nop_" + service;
            batches.ShouldContain($"IF DB_ID(N'{name}') IS NULL CREATE DATABASE [{name}];");
            var login = batches.Single(b => b.Contains($"CREATE LOGIN [{name}]", StringComparison.Ordinal));
            login.ShouldContain($"PASSWORD = N'{passwords[service]}'");
            login.ShouldContain($"DEFAULT_DATABASE = [{name}]");
            login.ShouldContain($"ALTER LOGIN [{name}] WITH PASSWORD = N'{passwords[service]}'");
            // Its user, db_owner, in its own database only.
            var grants = batches.Where(b => b.Contains($"ADD MEMBER [{name}]", StringComparison.Ordinal)).ToList();
            grants.Count.ShouldBe(1);
            grants[0].ShouldStartWith($"USE [{name}];");
            grants[0].ShouldContain($"CREATE USER [{name}] FOR LOGIN [{name}];");
            grants[0].ShouldContain($"ALTER ROLE db_owner ADD MEMBER [{name}];");
        }
        // Every USE names one service's database, and each batch after it mentions no other service's login.
        foreach (var batch in batches.Where(b => b.StartsWith("USE ", StringComparison.Ordinal)))
        {
            var database = UseStatement().Match(batch).Groups[1].Value;
            LoginNames().Matches(batch).Select(m => m.Value).Distinct().ShouldBe([database]);
        }
        // No server-wide power for anyone, and nothing for sa to hand out.
        sql.ShouldNotContain("sysadmin", Case.Insensitive);
        sql.ShouldNotContain("ALTER SERVER ROLE", Case.Insensitive);
        sql.ShouldNotContain("GRANT", Case.Insensitive);
        sql.ShouldNotContain("[sa]", Case.Insensitive);
    }

    [Fact]
    public async Task A_quote_in_a_password_cannot_end_the_string_literal()
    {
        var passwords = Services.ToDictionary(s => s, s => "x'); DROP DATABASE master; --");

        var sql = await PrintAsync(passwords);

        sql.ShouldContain("PASSWORD = N'x''); DROP DATABASE master; --'");
        sql.ShouldNotContain("N'x');");
    }

    private static async Task<string> PrintAsync(Dictionary<string, string> passwords)
    {
        var result = (await Cli.RunAsync("sh", [Repo.PathOf("deploy/sqlserver/setup.sh"), "--print"],
            TimeSpan.FromSeconds(30), passwords.ToDictionary(p => $"MSSQL_{p.Key.ToUpperInvariant()}_PASSWORD",
                p => p.Value))).EnsureSuccess();
        return result.Output.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^USE \[(nop_[a-z]+)\];")]
    private static partial Regex UseStatement();

    [GeneratedRegex(@"nop_[a-z]+")]
    private static partial Regex LoginNames();
}
