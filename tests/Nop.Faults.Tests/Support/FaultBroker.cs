using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;
using Nop.Testing;
using Testcontainers.RabbitMq;
using Xunit.Abstractions;

namespace Nop.Faults.Tests;

/// <summary>
/// The broker a fault test restarts and kills: a container of its own (Testcontainers.RabbitMq, from the image the
/// compose test builds locally) when a Docker engine answers and has the image, else the shared local broker (a virtual
/// host per test; restart and kill hit everyone on it, so these tests run one at a time).
/// <c>NOP_FAULT_BROKER=local</c> forces the local broker, <c>=container</c> forbids falling back to it.
/// </summary>
public abstract class FaultBroker : IAsyncDisposable
{
    /// <summary>The local stand-in for rabbitmq:3-management (deploy/docker/local-images.sh).</summary>
    public const string Image = "nop-local/rabbitmq:3";

    public abstract BrokerEndpoint Endpoint { get; }

    /// <summary>Which broker this is, for the test output.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// A graceful stop, <paramref name="downtime"/> without a broker, then a start; returns once it is ready.
    /// </summary>
    public abstract Task RestartAsync(TimeSpan downtime);

    /// <summary>
    /// SIGKILL (nothing flushed or closed), <paramref name="downtime"/>, then a start; returns once it is ready.
    /// </summary>
    public abstract Task KillAsync(TimeSpan downtime);

    /// <summary>
    /// Sets the node's memory high watermark (<c>rabbitmqctl set_vm_memory_high_watermark</c>): a tiny fraction raises
    /// the memory alarm at once, 0.4 (the default) clears it. Only on a broker of the test's own.
    /// </summary>
    public abstract Task SetMemoryHighWatermarkAsync(string fraction);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Starts a container broker when one can be had, else returns the local broker; says which in the test output.
    /// </summary>
    public static async Task<FaultBroker> StartAsync(ITestOutputHelper output)
    {
        // Also to the console: dotnet test prints a passing test's output only at detailed verbosity, and a CI log
        // should show which broker the faults hit.
        void Log(string line)
        {
            output.WriteLine(line);
            Console.WriteLine("Nop.Faults.Tests " + line);
        }

        var mode = Environment.GetEnvironmentVariable("NOP_FAULT_BROKER") ?? "auto";
        string? why;
        if (mode == "local")
        {
            why = "NOP_FAULT_BROKER=local";
        }
        else
        {
            var clock = Stopwatch.StartNew();
            why = await ContainerBroker.UnavailableBecauseAsync();
            if (why is null)
            {
                var broker = await ContainerBroker.StartAsync();
                Log($"broker: {broker.Description}, ready in {clock.Elapsed.TotalSeconds:0.0} s");
                return broker;
            }
            if (mode == "container")
            {
                throw new InvalidOperationException($"NOP_FAULT_BROKER=container, but no container broker: {why}");
            }
        }
        Log($"broker: the shared local broker at {TestBroker.Uri.Host}:{TestBroker.Uri.Port} (fallback: {why})");
        return new LocalBroker();
    }

    private sealed class LocalBroker : FaultBroker
    {
        public override BrokerEndpoint Endpoint => TestBroker.Local;

        public override string Description => "the shared local broker";

        public override Task RestartAsync(TimeSpan downtime) => TestBroker.RestartAsync(downtime);

        public override Task KillAsync(TimeSpan downtime) => TestBroker.KillAsync(downtime);

        public override Task SetMemoryHighWatermarkAsync(string fraction) => throw new InvalidOperationException(
            "A resource alarm on the shared local broker would block every other test using it: this " +
                "test needs a container " +
            "broker (a Docker engine and the nop-local/rabbitmq:3 image, see deploy/docker/local-images.sh).");

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>
    /// A fresh broker in a container. The engine here runs without its default bridge, and
    /// Testcontainers waits until the ports it binds show up as mapped, which never happens on the host network; so the
    /// container joins a user-defined bridge network (<see cref="Network"/>) and publishes AMQP and management on fixed
    /// loopback ports, which stay the same across a stop and start, so clients reconnect to the same address. Its own
    /// network namespace gives it its own node name and epmd, apart from the local broker. No registry is reachable, so
    /// there is no Ryuk resource reaper: the container is removed on dispose, and leftovers of test processes that died
    /// on the next start.
    /// </summary>
    private sealed class ContainerBroker(RabbitMqContainer container, string name, BrokerEndpoint endpoint,
        string description) : FaultBroker
    {
        private const string Network = "nop-faults";
        private const string OwnerLabel = "nop.faults.owner-pid";
        private const ushort ManagementPort = 15672;
        private const string User = "nop-faults";
        private const string Password = "nop-faults";

        public override BrokerEndpoint Endpoint => endpoint;

        public override string Description => description;

        private static Uri DockerEndpoint =>
            new(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host
                : "unix:///var/run/docker.sock");

        /// <summary>
        /// Null when a container broker can be had; else why not. Starts the engine as the compose test does.
        /// </summary>
        public static async Task<string?> UnavailableBecauseAsync()
        {
            var problem = await PingAsync();
            if (problem is not null && CanStartEngine())
            {
                var script = Path.Combine(Repository.Root, "deploy/docker/local-images.sh");
                using var start =
                    Process.Start(new ProcessStartInfo(script, "--engine") { RedirectStandardError = true })!;
                var stderr = start.StandardError.ReadToEndAsync();
                await start.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
                problem =
                    start.ExitCode == 0 ? await PingAsync() : $"{script} --engine failed: {(await stderr).Trim()}";
            }
            if (problem is not null)
            {
                return $"no Docker engine at {DockerEndpoint}: {problem}";
            }
            using var docker = Client();
            try
            {
                await docker.Images.InspectImageAsync(Image);
            }
            catch (DockerImageNotFoundException)
            {
                return $"no image {Image} (deploy/docker/local-images.sh builds it; the compose " +
                    $"test does in ./nop test)";
            }
            // Testcontainers asks for API 1.44; Debian 12's engine (20.10) speaks up to 1.41 and refuses newer clients.
            var version = await docker.System.GetVersionAsync();
            if (Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is null
                && System.Version.TryParse(version.APIVersion, out var api) && api < new System.Version(1, 44))
            {
                Environment.SetEnvironmentVariable("DOCKER_API_VERSION", version.APIVersion);
            }
            return null;
        }

        public static async Task<ContainerBroker> StartAsync()
        {
            // The reaper is an image from a registry, which no machine of this project reaches.
            TestcontainersSettings.ResourceReaperEnabled = false;
            await RemoveLeftoversAsync();
            await EnsureNetworkAsync();

            int[] ports = FreeLoopbackPorts(2);
            var (amqp, management) = (ports[0], ports[1]);
            var name = $"nop-faults-{Guid.NewGuid().ToString("N")[..8]}";
            var container = new RabbitMqBuilder(Image)
                .WithName(name)
                .WithUsername(User)
                .WithPassword(Password)
                .WithNetwork(Network)
                .WithPortBinding(amqp, RabbitMqBuilder.RabbitMqPort)
                .WithPortBinding(management, ManagementPort)
                .WithLabel(OwnerLabel, Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
                .WithCreateParameterModifier(create =>
                {
                    // Published on loopback only: nothing outside this machine reaches the test broker.
                    foreach (var binding in create.HostConfig?.PortBindings?.Values.SelectMany(b => b) ?? [])
                    {
                        binding.HostIP = "127.0.0.1";
                    }
                })
                .Build();
            var endpoint = new BrokerEndpoint(new Uri($"amqp://{User}:{Password}@127.0.0.1:{amqp}/"),
                new Uri($"http://{User}:{Password}@127.0.0.1:{management}/"));
            var broker = new ContainerBroker(container, name, endpoint,
                $"own container {name} ({Image}) on 127.0.0.1:{amqp}, management {management}");
            try
            {
                await container.StartAsync();
                await broker.WaitReadyAsync();
                var types = (await endpoint.GetJsonAsync("api/overview"))?["exchange_types"]?.AsArray()
                    .Select(t => t?["name"]?.GetValue<string>());
                if (types?.Contains("x-consistent-hash") != true)
                {
                    throw new InvalidOperationException($"{Image} has no x-consistent-hash exchange type " +
                        $"(rabbitmq_consistent_hash_exchange not enabled)");
                }
                return broker;
            }
            catch
            {
                await broker.DisposeAsync();
                throw;
            }
        }

        // docker stop: SIGTERM, which the image's rabbitmq-server turns into a clean `rabbitmqctl stop`.
        public override async Task RestartAsync(TimeSpan downtime)
        {
            await container.StopAsync();
            await Task.Delay(downtime);
            await StartAgainAsync();
        }

        // docker kill: SIGKILL to the container, the broker's whole process tree gone at once.
        public override async Task KillAsync(TimeSpan downtime)
        {
            using (var docker = Client())
            {
                await docker.Containers.KillContainerAsync(container.Id,
                    new ContainerKillParameters { Signal = "KILL" });
                var deadline = DateTime.UtcNow.AddMinutes(1);
                while ((await docker.Containers.InspectContainerAsync(container.Id)).State?.Running == true)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"{name} still runs a minute after SIGKILL");
                    }
                    await Task.Delay(100);
                }
            }
            await Task.Delay(downtime);
            await StartAgainAsync();
        }

        public override async Task SetMemoryHighWatermarkAsync(string fraction)
        {
            var result = await container.ExecAsync(["rabbitmqctl", "set_vm_memory_high_watermark", fraction]);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"set_vm_memory_high_watermark {fraction} failed: {result.Stdout} {result.Stderr}");
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await container.DisposeAsync();
            endpoint.Dispose();
        }

        private async Task StartAgainAsync()
        {
            await container.StartAsync();
            await WaitReadyAsync();
        }

        // Testcontainers only waits for a log line; ask the node itself, as for the local broker.
        private async Task WaitReadyAsync()
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (true)
            {
                var result = await container.ExecAsync(["rabbitmqctl", "await_startup", "--timeout", "60"]);
                if (result.ExitCode == 0)
                {
                    return;
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{name} did not start: {result.Stdout} {result.Stderr}");
                }
                // await_startup fails at once while the node is still booting.
                await Task.Delay(500);
            }
        }

        private static DockerClient Client() => new DockerClientBuilder().WithEndpoint(DockerEndpoint).Build();

        private static async Task<string?> PingAsync()
        {
            using var docker = Client();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await docker.System.PingAsync(timeout.Token);
                return null;
            }
            catch (Exception ex) // any failure to ping: no engine to use
            {
                return ex is AggregateException { InnerException: { } inner } ? inner.Message : ex.Message;
            }
        }

        // Only where the compose test could: the default socket, root, and Debian's engine installed (images need it
        // anyway).
        private static bool CanStartEngine() =>
            string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"))
            && Environment.IsPrivilegedProcess
            && (File.Exists("/usr/sbin/dockerd") || File.Exists("/usr/bin/dockerd"));

        // One bridge network for all fault brokers, kept like the images (docker network rm nop-faults removes it).
        private static async Task EnsureNetworkAsync()
        {
            using var docker = Client();
            var existing = await docker.Networks.ListNetworksAsync(new NetworksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["name"] = new Dictionary<string, bool> { [Network] = true }
                },
            });
            if (!existing.Any(n => n.Name == Network))
            {
                await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
                {
                    Name = Network,
                    Driver = "bridge"
                });
            }
        }

        // Containers of test processes that died before disposing theirs (there is no reaper).
        private static async Task RemoveLeftoversAsync()
        {
            using var docker = Client();
            var ours = await docker.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [OwnerLabel] = true }
                },
            });
            foreach (var leftover in ours.Where(c =>
                !IsAlive(int.Parse(c.Labels[OwnerLabel], CultureInfo.InvariantCulture))))
            {
                await docker.Containers.RemoveContainerAsync(leftover.ID,
                    new ContainerRemoveParameters { Force = true });
            }
        }

        private static bool IsAlive(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        // Free loopback ports below the OS's ephemeral range (so no outgoing connection takes one while the broker is
        // down) and away from the local and compose brokers' 4369-4370, 5672-5673, 15672-15673 and 25672-25673.
        private static int[] FreeLoopbackPorts(int count)
        {
            var ports = new List<int>();
            while (ports.Count < count)
            {
                var port = Random.Shared.Next(20000, 25000);
                if (ports.Contains(port))
                {
                    continue;
                }
                var probe = new TcpListener(IPAddress.Loopback, port);
                try
                {
                    probe.Start();
                    ports.Add(port);
                }
                catch (SocketException)
                {
                    // In use: draw another.
                }
                finally
                {
                    probe.Stop();
                }
            }
            return [.. ports];
        }
    }
}
