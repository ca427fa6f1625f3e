using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridGov.Api.Tests.Plans;

/// <summary>
/// The service on a demo county of its own (GRIDGOV_TEST_PLANS_DB): publishing a plan changes routing for everyone, so
/// the plan tests never share the database the other suites route in.
/// </summary>
public sealed class PlansFactory : WebApplicationFactory<Program>
{
    public static string ConnectionString => Environment.GetEnvironmentVariable("GRIDGOV_TEST_PLANS_DB") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("GRIDGOV_TEST_PLANS_DB is not set: run the tests with ./gridgov test, which creates the plan tests' database.");

    private readonly Dictionary<string, string> _tokens = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:GridGov", ConnectionString);
        builder.UseSetting("Jwt:SigningKey", GridGovFactory.SigningKey);
        builder.UseSetting("GridGov:LoadDemo", "true");
        builder.UseSetting("Auth:LoginPermitsPerMinute", "100000");
        builder.UseSetting("Incidents:ResidentPermitsPerMinute", "100000");
        builder.UseEnvironment("Testing");
        builder.ConfigureTestServices(services => services.AddSingleton(new GridGov.Api.Live.LiveSettings
        {
            Shifts = new(StringComparer.OrdinalIgnoreCase) { ["Early"] = ["00:00-24:00"], ["Middle"] = ["00:00-24:00"], ["Late"] = [] },
            TickMs = 100,
        }));
    }

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    public async Task<HttpClient> ClientFor(string username)
    {
        string? token;
        lock (_tokens) _tokens.TryGetValue(username, out token);
        if (token is null)
        {
            using var anonymous = CreateClient();
            var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { username, password = "gridgov-demo" });
            response.EnsureSuccessStatusCode();
            token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            lock (_tokens) _tokens[username] = token;
        }
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<T> Scalar<T>(string sql, params object[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task Execute(string sql, params object[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await cmd.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PlansCollection : ICollectionFixture<PlansFactory>
{
    public const string Name = "plans";
}
