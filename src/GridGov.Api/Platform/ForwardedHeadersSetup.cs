using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace GridGov.Api.Platform;

/// <summary>Configuration section <c>ForwardedHeaders</c>: the reverse proxies whose X-Forwarded-For/-Proto are believed.</summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];
    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];
    /// <summary>How many proxies in a row may append to X-Forwarded-For (the nearest first).</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Configured => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

/// <summary>
/// Behind a reverse proxy the client's address comes from X-Forwarded-For, so the rate limiters partition on the real
/// client. Off unless proxies are configured: without them the header is ignored, as anyone could send it.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static IHostApplicationBuilder AddForwardedHeaders(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("ForwardedHeaders").Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
        builder.Services.AddSingleton(settings);
        if (!settings.Configured) return builder;
        // Parsed here, so a mistyped address stops the start-up instead of the first request.
        var proxies = settings.KnownProxies.Select(p => IPAddress.TryParse(p.Trim(), out var address)
            ? address
            : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{p}' is not an IP address.")).ToList();
        var networks = settings.KnownNetworks.Select(n => System.Net.IPNetwork.TryParse(n.Trim(), out var network)
            ? network
            : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{n}' is not a network in CIDR notation, e.g. 10.0.0.0/24.")).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = settings.ForwardLimit;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    /// <summary>First in the pipeline, so everything after it (rate limits, logs) sees the client's address.</summary>
    public static WebApplication UseConfiguredForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ForwardedHeadersSettings>().Configured) app.UseForwardedHeaders();
        return app;
    }
}
