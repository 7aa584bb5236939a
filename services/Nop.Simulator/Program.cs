namespace Nop.Simulator;

public static class Program
{
    // Ctrl-C and SIGTERM are handled by the simulator itself (it drains what is in flight), not by
    // System.CommandLine.
    public static Task<int> Main(string[] args) =>
        SimulatorCommand.Build(Console.Out).Parse(args)
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = null });
}
