using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests;

/// <summary>
/// Behind a configured reverse proxy the rate limiters partition on X-Forwarded-For; without the configuration, or from a
/// peer that is not the proxy, the header is ignored. The TCP peer is set per request (X-Test-Peer, default the proxy).
/// </summary>
[Collection(ApiCollection.Name)]
public class ForwardedHeadersTests(GridGovFactory app)
{
    private const string Proxy = "10.9.9.9";

    [Fact]
    public async Task Behind_a_known_proxy_sign_in_and_resident_limits_count_per_forwarded_client()
    {
        using var host = Limited(app, b => b.UseSetting("ForwardedHeaders:KnownProxies:0", Proxy));
        using var client = host.CreateClient();

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests],
            await SignIns(client, "203.0.113.1", 3));
        Assert.Equal([HttpStatusCode.Unauthorized], await SignIns(client, "203.0.113.2", 1));
        // The proxy appends the address it saw; the nearest hop is the client's.
        Assert.Equal([HttpStatusCode.Unauthorized], await SignIns(client, "198.51.100.7, 203.0.113.3", 1));
        // A peer that is not the proxy cannot pick its partition with the header.
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], await SignIns(client, "203.0.113.4", 2, peer: "10.8.8.8"));
        Assert.Equal([HttpStatusCode.TooManyRequests], await SignIns(client, "203.0.113.5", 1, peer: "10.8.8.8"));

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests],
            await ResidentReports(client, "203.0.113.1", 3));
        Assert.Equal([HttpStatusCode.BadRequest], await ResidentReports(client, "203.0.113.2", 1));
    }

    [Fact]
    public async Task Without_a_configured_proxy_the_forwarded_header_is_ignored()
    {
        using var host = Limited(app, _ => { });
        using var client = host.CreateClient();
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], await SignIns(client, "203.0.113.1", 2));
        Assert.Equal([HttpStatusCode.TooManyRequests], await SignIns(client, "203.0.113.2", 1));
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], await ResidentReports(client, "203.0.113.1", 2));
        Assert.Equal([HttpStatusCode.TooManyRequests], await ResidentReports(client, "203.0.113.2", 1));
    }

    /// <summary>Two sign-ins and two resident reports a minute per address; each request's TCP peer from X-Test-Peer.</summary>
    private static WebApplicationFactory<Program> Limited(GridGovFactory app, Action<IWebHostBuilder> configure) => app.WithWebHostBuilder(b =>
    {
        b.UseSetting("Auth:LoginPermitsPerMinute", "2");
        b.UseSetting("Incidents:ResidentPermitsPerMinute", "2");
        b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, PeerFromHeader>());
        configure(b);
    });

    private static async Task<List<HttpStatusCode>> SignIns(HttpClient client, string forwardedFor, int count, string peer = Proxy)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
            statuses.Add((await Send(client, "/api/auth/token", new { username = "dispatcher", password = "wrong" }, forwardedFor, peer)).StatusCode);
        return statuses;
    }

    private static async Task<List<HttpStatusCode>> ResidentReports(HttpClient client, string forwardedFor, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
            statuses.Add((await Send(client, "/api/incidents", new { category = "99999", source = "resident", lon = 1, lat = 1 }, forwardedFor, Proxy)).StatusCode);
        return statuses;
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string path, object body, string forwardedFor, string peer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Test-Peer", peer);
        return client.SendAsync(request);
    }

    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext ctx, RequestDelegate nextMiddleware) =>
            {
                ctx.Connection.RemoteIpAddress = IPAddress.Parse(ctx.Request.Headers["X-Test-Peer"].FirstOrDefault() ?? Proxy);
                return nextMiddleware(ctx);
            });
            next(app);
        };
    }
}
