using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;

namespace Nop.ServiceDefaults;

/// <summary>
/// Behind a TLS proxy: takes the client address and scheme from <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c>,
/// but only from the proxies configured in <c>ForwardedHeaders:KnownProxies</c> (addresses) and
/// <c>ForwardedHeaders:KnownNetworks</c> (CIDR, e.g. <c>10.0.0.0/8</c>). With none configured nothing forwarded is
/// trusted: anyone could otherwise claim any address (and dodge a limiter keyed by it) or claim HTTPS. See
/// https://learn.microsoft.com/aspnet/core/host-and-deploy/proxy-load-balancer.
/// </summary>
public static class ForwardedHeadersSetup
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ForwardedHeaders";

    /// <summary>
    /// Adds the forwarded-headers middleware when proxies are configured; call it first in the pipeline, so the
    /// request logging, HSTS, cookies and rate limiters see the client's address and scheme.
    /// </summary>
    public static WebApplication UseConfiguredForwardedHeaders(this WebApplication app)
    {
        var options = Read(app.Configuration.GetSection(Section));
        if (options is not null)
        {
            app.UseForwardedHeaders(options);
        }
        return app;
    }

    /// <summary>The middleware's options from <paramref name="section"/>; null when no proxy is configured.</summary>
    public static ForwardedHeadersOptions? Read(IConfiguration section)
    {
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        if (proxies.Length == 0 && networks.Length == 0)
        {
            return null;
        }
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
        };
        // The defaults trust loopback; only what is configured is trusted (an empty list would trust everyone).
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
        return options;
    }
}
