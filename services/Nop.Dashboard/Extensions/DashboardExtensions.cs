using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Nop.Dashboard.History;
using Nop.Dashboard.Hub;
using Nop.Dashboard.Live;
using Nop.Dashboard.Maintenance;
using Nop.Dashboard.OpenApi;
using Nop.Dashboard.Operators;
using Nop.Dashboard.Sensors;
using Nop.ServiceDefaults;

namespace Nop.Dashboard.Extensions;

// Composes the Dashboard: options, live feed, hub, operator sign-in and the page.
public static class DashboardExtensions
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<DashboardOptions>(DashboardOptions.Section)
            .Validate(o => o.PushInterval >= TimeSpan.FromMilliseconds(50)
                    && o.PushInterval <= TimeSpan.FromSeconds(10),
                "Dashboard:PushInterval must be between 50 ms and 10 s.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, "Dashboard:RequestTimeout must be positive.")
            .Validate(o => o.MaxMaintenanceDuration > TimeSpan.Zero,
                "Dashboard:MaxMaintenanceDuration must be positive.")
            .Validate(o => o.OpenAlertsMaxAge >= TimeSpan.Zero, "Dashboard:OpenAlertsMaxAge must not be negative.")
            .Validate(o => o.PageSendTimeout > TimeSpan.Zero, "Dashboard:PageSendTimeout must be positive.")
            .Validate(o => o.SessionIdleTimeout > TimeSpan.Zero && o.SessionLifetime >= o.SessionIdleTimeout,
                "Dashboard:SessionIdleTimeout must be positive and at most Dashboard:SessionLifetime.")
            .Validate(o => o.AllowedOrigins.All(a => Uri.TryCreate(a, UriKind.Absolute, out _)),
                "Dashboard:AllowedOrigins must be absolute URLs (scheme://host[:port]).")
            .Validate(o => string.IsNullOrWhiteSpace(o.KibanaUrl)
                    || Uri.TryCreate(o.KibanaUrl, UriKind.Absolute, out _),
                "Dashboard:KibanaUrl must be an absolute URL.");

        services.AddSingleton<SensorCatalog>();
        services.AddSingleton<LiveState>();
        services.AddSingleton<OpenAlertsCache>();
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveFeed>());
        services.AddHostedService<ReadingPusher>();
        services.AddHostedService<SummaryPusher>();
        services.AddSingleton<OperatorsFile>();
        services.AddSingleton<OperatorDirectory>();
        services.AddSingleton<SignInLimiter>();
        services.AddSingleton<ServiceQueries>();
        // The HTTP API's document (/openapi/v1.json): the history and alert endpoints with their CSV answers.
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<DashboardDocumentTransformer>();
            o.AddDocumentTransformer<FiwareSchemaTransformer>();
            o.AddOperationTransformer<ExportOperationTransformer>();
            o.AddOperationTransformer<ParameterSchemaTransformer>();
        });
        services.AddHealthChecks()
            .AddCheck<LiveFeedHealthCheck>("live-feed", tags: [ServiceDefaultsExtensions.ReadyTag]);

        services.AddSignalR(o => o.EnableDetailedErrors = builder.Environment.IsDevelopment())
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // A body that is not JSON of the expected shape is the client's error: a 400 (ProblemDetails from the status
        // code pages), also in Development, where minimal APIs would throw it and the exception handler make it a 500.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);

        // Cookies are protected with the key ring: replicas share it (one directory, one application name, not the
        // default one derived from the content root) and it outlives a restart.
        var dataProtection = services.AddDataProtection().SetApplicationName("nop-dashboard");
        var keysKey = $"{DashboardOptions.Section}:{nameof(DashboardOptions.KeysDirectory)}";
        if (builder.Configuration[keysKey] is { Length: > 0 } keys)
        {
            var directory = Path.GetFullPath(keys, builder.Environment.ContentRootPath);
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(directory));
        }

        services.AddAuthentication(SessionApi.Scheme).AddCookie(o =>
        {
            o.Cookie.Name = "nop.dashboard";
            o.Cookie.HttpOnly = true;
            // Strict: no other site can make a browser send it (covers the sign-out form and the hub's WebSocket).
            o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            // Behind the TLS proxy the browser only ever sends it over HTTPS; Development runs on plain HTTP.
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment()
                ? CookieSecurePolicy.SameAsRequest
                : CookieSecurePolicy.Always;
            o.SlidingExpiration = true;
            // The operator must still exist with the same password, and the session be younger than its lifetime.
            o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
            // An API, not a site with a login page: say 401/403 instead of redirecting.
            o.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
        });
        services.AddOptions<CookieAuthenticationOptions>(SessionApi.Scheme)
            .Configure<IOptions<DashboardOptions>>((o, dashboard) =>
                o.ExpireTimeSpan = dashboard.Value.SessionIdleTimeout);
        services.AddAuthorization();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Password guessing: a few sign-in attempts per minute per client address (the forwarded one behind a
            // configured proxy), and per user name in the endpoint (SignInLimiter).
            o.AddPolicy(SessionApi.SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = SignInLimiter.PerAddress,
                    Window = TimeSpan.FromMinutes(1),
                }));
        });

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    public static WebApplication UseDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        // Reads Dashboard:OperatorsPath now: a broken file stops the start, not the first sign-in.
        if (app.Services.GetRequiredService<OperatorDirectory>().All.Count == 0)
        {
            app.Logger.LogWarning("No operators configured (Dashboard:Operators, Dashboard:OperatorsPath): "
                + "nobody can sign in to acknowledge alerts");
        }
        if (!app.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(options.KeysDirectory))
        {
            app.Logger.LogWarning("No Dashboard:KeysDirectory: the keys protecting operator sessions live in this "
                + "process's home directory, so a restart in a fresh container or another replica signs everyone out");
        }
        // Load the catalogue now, not at the first page load.
        app.Services.GetRequiredService<SensorCatalog>();

        app.UseConfiguredForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseCorrelationId();
        app.UseRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (!app.Environment.IsDevelopment())
        {
            // Strict-Transport-Security on HTTPS answers (through the proxy: X-Forwarded-Proto); ASP.NET Core's
            // default max-age of 30 days, as its docs suggest before a longer one (RFC 6797; OWASP HTTP Strict
            // Transport Security Cheat Sheet).
            app.UseHsts();
        }
        app.UsePage(options);
        app.UseAuthentication();
        app.UseViewerAccess();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapSessionApi();
        app.MapHistoryApi();
        app.MapSensorAlertsApi();
        app.MapAlertNotificationsApi();
        app.MapMaintenanceApi();
        app.MapOpenApi();
        var sendTimeout = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.PageSendTimeout;
        app.MapHub<DashboardHub>(DashboardHub.Path, o =>
        {
            o.TransportSendTimeout = sendTimeout;
            // A page signed in with a session that then expires is closed (it reconnects as a viewer).
            o.CloseOnAuthenticationExpiration = true;
        });
        return app;
    }

    // Serves the built page: index.html never cached (it names the current bundles), the hashed bundles under
    // /assets cached for good.
    private static void UsePage(this WebApplication app, DashboardOptions options)
    {
        var root = PathLookup.Find(options.WebRoot, app.Environment.ContentRootPath);
        IFileProvider files;
        if (root is not null && Directory.Exists(root))
        {
            files = new PhysicalFileProvider(Path.GetFullPath(root));
            app.Logger.LogInformation("Serving the page from {WebRoot}", Path.GetFullPath(root));
        }
        else
        {
            files = app.Environment.WebRootFileProvider;
            app.Logger.LogInformation("{WebRoot} not found; serving {DefaultWebRoot}", options.WebRoot,
                app.Environment.WebRootPath ?? "wwwroot");
        }
        if (!files.GetFileInfo("index.html").Exists)
        {
            app.Logger.LogWarning("No index.html to serve: build the page with `npm run build` in frontend/");
        }
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var http = context.Context;
                http.Response.Headers[HeaderNames.CacheControl] = http.Request.Path.StartsWithSegments("/assets")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });
    }

    private static Task Status(
        Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
