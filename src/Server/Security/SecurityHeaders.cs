using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Server.Authentication;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Server.Security;

/// <summary>The response headers that keep the pages from being framed, sniffed, leaked or made to run foreign script.</summary>
internal static class SecurityHeaders
{
    // The import map is the only inline script the app's page has; its hash is computed once per definition.
    private static readonly ConditionalWeakTable<ImportMapDefinition, string> s_importMapHashes = [];

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // At the last moment, so that answers written by the exception handler or the status code pages get them too.
        context.Response.OnStarting(() =>
        {
            Apply(context);
            return Task.CompletedTask;
        });
        return next(context);
    });

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(context);
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY"; // for browsers older than frame-ancestors
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        if (AccessProblems.IsApi(context.Request) || context.Request.Path.StartsWithSegments("/login") || context.Request.Path.StartsWithSegments("/logout"))
        {
            // What the host runs is nobody's cache's business.
            headers.CacheControl = "no-store";
        }
    }

    /// <summary>
    /// What Blazor WebAssembly and MudBlazor need and no more: scripts from this server only, plus WebAssembly
    /// compilation ('wasm-unsafe-eval', not 'unsafe-eval') and the page's inline import map by its hash; inline styles,
    /// because MudBlazor sets style attributes and writes its theme into a style element; fetches and the hub's WebSocket
    /// to this server only.
    /// </summary>
    internal static string ContentSecurityPolicy(HttpContext context)
    {
        var scripts = "'self' 'wasm-unsafe-eval'";
        if (context.GetEndpoint()?.Metadata.GetMetadata<ImportMapDefinition>() is { } importMap)
        {
            scripts += " " + s_importMapHashes.GetValue(importMap, Hash);
        }

        // 'self' covers ws: and wss: in CSP 3 browsers; older ones need them named (only once the Host is known to be ours).
        var connect = "'self'";
        if (context.Items.ContainsKey(RequestChecks.HostCheckedItem) && context.Request.Host.HasValue && context.Request.Host.Value.All(IsHostChar))
        {
            connect += $" ws://{context.Request.Host.Value} wss://{context.Request.Host.Value}";
        }

        return $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
            + $"connect-src {connect}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

    /// <summary>The hash of the text <c>ImportMap</c> renders inside its script element (ToString is that JSON).</summary>
    private static string Hash(ImportMapDefinition importMap) =>
        $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.ToString())))}'";

    private static bool IsHostChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']';
}
