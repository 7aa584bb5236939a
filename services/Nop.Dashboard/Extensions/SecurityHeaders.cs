using Microsoft.Net.Http.Headers;

namespace Nop.Dashboard.Extensions;

// The browser-side defences of the page, on every response (the page, its assets, the API, the hub's negotiation):
// OWASP Secure Headers Project (owasp.org/www-project-secure-headers) and the OWASP HTTP Headers Cheat Sheet.
public static class SecurityHeaders
{
    // Content-Security-Policy (CSP Level 3, w3.org/TR/CSP3): only our own scripts, styles, images and connections.
    // - No style-src: it falls back to default-src 'self', so inline style attributes and <style> elements are
    //   refused; the page styles itself from its stylesheet and sets element.style from script (CSSOM, allowed).
    // - connect-src 'self' covers fetch and the hub's WebSocket: CSP3 matches ws:/wss: on the page's own host and
    //   port to 'self' (Chromium, Firefox, Safari 15.4+); an older browser falls back to SSE/long polling, which are
    //   same-origin HTTP.
    // - No img-src/font-src: the page loads only /favicon.svg and draws the map and charts itself (SVG, canvas); no
    //   map tiles, no web fonts, no data: URIs.
    // - frame-ancestors 'none' against clickjacking; object-src 'none' and base-uri 'self' as OWASP's CSP Cheat Sheet
    //   recommends for a strict policy; form-action 'self' keeps forms posting to us.
    public const string ContentSecurityPolicy = "default-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'";

    // no-referrer: the page links out only to Kibana, which needs no referrer (OWASP Secure Headers Project's value).
    public const string ReferrerPolicy = "no-referrer";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // Set as the response starts, so error pages get them too (the exception handler clears headers).
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
                // Files are served with their Content-Type; no browser guesses a script out of a CSV.
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers["Referrer-Policy"] = ReferrerPolicy;
                // For browsers without CSP frame-ancestors (OWASP Secure Headers Project).
                headers[HeaderNames.XFrameOptions] = "DENY";
                return Task.CompletedTask;
            });
            return next(context);
        });
}
