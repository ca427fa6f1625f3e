using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridGov.Api.Tests;

/// <summary>
/// The service against the real PostGIS test database named by GRIDGOV_TEST_DB (./gridgov test creates it
/// fresh). Migrations and the demo county load exactly as in production.
/// </summary>
public sealed class GridGovFactory : WebApplicationFactory<Program>
{
    public static string ConnectionString => Environment.GetEnvironmentVariable("GRIDGOV_TEST_DB") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("GRIDGOV_TEST_DB is not set: run the tests with ./gridgov test, which starts PostGIS and creates the test database.");

    public static readonly string SigningKey = Environment.GetEnvironmentVariable("Jwt__SigningKey") is { Length: > 0 } key
        ? key
        : Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    private readonly Dictionary<string, string> _tokens = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:GridGov", ConnectionString);
        builder.UseSetting("Jwt:SigningKey", SigningKey);
        builder.UseSetting("GridGov:LoadDemo", "true");
        builder.UseSetting("Auth:LoginPermitsPerMinute", "100000");
        builder.UseSetting("Incidents:ResidentPermitsPerMinute", "100000");
        builder.UseEnvironment("Testing");
        // Deterministic duty for any hour the tests run at: early and middle shifts always on, late never.
        builder.ConfigureTestServices(services => services.AddSingleton(new GridGov.Api.Live.LiveSettings
        {
            Shifts = new(StringComparer.OrdinalIgnoreCase) { ["Early"] = ["00:00-24:00"], ["Middle"] = ["00:00-24:00"], ["Late"] = [] },
            TickMs = 100,
        }));
    }

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    public async Task<string> TokenFor(string username)
    {
        lock (_tokens)
            if (_tokens.TryGetValue(username, out var cached)) return cached;
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password = "gridgov-demo" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenDto>())!.AccessToken;
        lock (_tokens) _tokens[username] = token;
        return token;
    }

    public async Task<HttpClient> ClientFor(string username)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenFor(username));
        return client;
    }

    public sealed record TokenDto(string AccessToken, DateTimeOffset ExpiresAt, string[] Roles);

    /// <summary>A client of <paramref name="app"/> signed in with a password (not the demo's cached tokens).</summary>
    public static async Task<HttpClient> SignIn(WebApplicationFactory<Program> app, string username, string password)
    {
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"sign-in of {username}: {(int)response.StatusCode} {body}");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString());
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<GridGovFactory>
{
    public const string Name = "api";
}
