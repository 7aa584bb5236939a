using Nop.Dashboard.Operators;

namespace Nop.Dashboard;

// The Dashboard's command line instead of the service: `hash-password` prints the hash of a password for
// Dashboard:Operators or the Dashboard:OperatorsPath file. The password comes from standard input only: an argument
// shows in `ps` and the shell history. Typed at a terminal, it is not echoed.
public static class DashboardCommand
{
    public static bool Handles(string[] args) => args is ["hash-password", ..];

    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, Console.IsInputRedirected ? Console.In : null, Console.Out, Console.Error);

    // input: the redirected standard input, or null for a terminal (read without echo).
    public static async Task<int> RunAsync(string[] args, TextReader? input, TextWriter output, TextWriter error)
    {
        if (args.Length > 1)
        {
            await error.WriteLineAsync(
                "usage: hash-password < file   (the password on standard input; never as an argument)");
            return 2;
        }
        string? password;
        if (input is null)
        {
            await error.WriteAsync("Password: ");
            password = ReadHidden();
            await error.WriteLineAsync();
        }
        else
        {
            password = await input.ReadLineAsync();
        }
        if (password is null || password.Length < OperatorDirectory.MinimumPasswordLength)
        {
            await error.WriteLineAsync(
                $"The password must have at least {OperatorDirectory.MinimumPasswordLength} characters.");
            return 2;
        }
        await output.WriteLineAsync(OperatorDirectory.Hash(password));
        return 0;
    }

    private static string ReadHidden()
    {
        var password = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter;
            key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
        return password.ToString();
    }
}
