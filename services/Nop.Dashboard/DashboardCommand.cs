using Nop.Dashboard.Operators;

namespace Nop.Dashboard;

// The Dashboard's command line instead of the service: `hash-password` prints the hash of a password (an argument,
// or read from standard input) for Dashboard:Operators.
public static class DashboardCommand
{
    public static bool Handles(string[] args) => args is ["hash-password", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var password = args.Length > 1 ? args[1] : await Console.In.ReadLineAsync();
        if (string.IsNullOrEmpty(password))
        {
            await Console.Error.WriteLineAsync("usage: hash-password [PASSWORD]   (or the password on standard input)");
            return 2;
        }
        await Console.Out.WriteLineAsync(OperatorDirectory.Hash(password));
        return 0;
    }
}
