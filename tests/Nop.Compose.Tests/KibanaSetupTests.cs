using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nop.Compose.Tests;

/// <summary>
/// deploy/kibana/kibana-setup.sh (the kibana-setup job) against a recording stand-in for Kibana and Elasticsearch,
/// which cannot run here: the requests it makes create a read-only log reader for logs-nop-*.
/// </summary>
public sealed class KibanaSetupTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Method, string Path, string Body, string? Authorization)> _requests =
        new();
    private readonly string _url;

    public KibanaSetupTests()
    {
        var port = FreePort();
        _url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(_url + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    [Fact]
    public async Task Creates_the_nop_log_reader_user_with_read_only_access_to_the_NOP_logs_in_Kibana()
    {
        var password = "Pw-" + Guid.NewGuid().ToString("N") + "\"quote";
        var result = await Cli.RunAsync("sh", [Repo.PathOf("deploy/kibana/kibana-setup.sh")], TimeSpan.FromSeconds(60),
            new Dictionary<string, string>
            {
                ["KIBANA_URL"] = _url,
                ["ELASTICSEARCH_URL"] = _url + "/es",
                ["ELASTIC_PASSWORD"] = "elastic-pw",
                ["NOP_LOG_READER_PASSWORD"] = password,
            });
        result.EnsureSuccess();

        var role = _requests.Single(r => r.Path == "/api/security/role/nop_log_reader");
        role.Method.ShouldBe("PUT");
        var body = JsonNode.Parse(role.Body)!;
        body["elasticsearch"]!["cluster"]!.AsArray().ShouldBeEmpty();
        var indices = body["elasticsearch"]!["indices"]!.AsArray().Single()!;
        Strings(indices["names"]).ShouldBe(["logs-nop-*"]);
        Strings(indices["privileges"]).ShouldBe(["read", "view_index_metadata"], ignoreOrder: true);
        var kibana = body["kibana"]!.AsArray().Single()!;
        Strings(kibana["spaces"]).ShouldBe(["default"]);
        Strings(kibana["base"]).ShouldBeEmpty();
        var features = kibana["feature"]!.AsObject();
        features.Select(f => f.Key).ShouldBe(["discover", "dashboard"], ignoreOrder: true);
        features.ShouldAllBe(f => Strings(f.Value).SequenceEqual(new[] { "read" }));

        var user = _requests.Single(r => r.Path == "/es/_security/user/nop-log-reader");
        user.Method.ShouldBe("PUT");
        var userBody = JsonNode.Parse(user.Body)!;
        userBody["password"]!.GetValue<string>().ShouldBe(password);
        Strings(userBody["roles"]).ShouldBe(["nop_log_reader"]);
        // Made by the superuser; the reader itself is never given more.
        var superuser = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("elastic:elastic-pw"));
        _requests.ShouldAllBe(r => r.Authorization == superuser);
    }

    [Fact]
    public void The_dashboards_logs_link_opens_the_saved_NOP_logs_search_that_the_set_up_imports()
    {
        // The id the frontend's Logs link opens (#/view/<id>), and the field its KQL query filters on.
        var kibana = File.ReadAllText(Repo.PathOf("frontend/src/kibana.ts"));
        var id = Regex.Match(kibana, "NOP_LOGS_SEARCH_ID = \"(?<id>[^\"]+)\"").Groups["id"].Value;
        id.ShouldNotBeEmpty("frontend/src/kibana.ts names no saved search");
        kibana.ShouldContain("`CorrelationId:\"${");

        var search = File.ReadLines(Repo.PathOf("deploy/kibana/saved-objects.ndjson"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => JsonNode.Parse(l)!)
            .Single(o => (string?)o["id"] == id);
        search["type"]!.GetValue<string>().ShouldBe("search");
        search["attributes"]!["title"]!.GetValue<string>().ShouldBe("NOP logs");
        Strings(search["attributes"]!["columns"]).ShouldContain("CorrelationId");
        // The services' ECS documents carry the correlation id at the top level under that name.
        File.ReadAllText(Repo.PathOf("shared/Nop.ServiceDefaults/Elasticsearch/EcsDocument.cs"))
            .ShouldMatch("TopLevelProperties = \\[[^\\]]*\"CorrelationId\"");
    }

    public void Dispose() => _listener.Close();

    private static string[] Strings(JsonNode? array) =>
        array!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            _requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.AbsolutePath,
                await reader.ReadToEndAsync(), context.Request.Headers["Authorization"]));
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync("{}"u8.ToArray());
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
