using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridGov.Bench;

/// <summary>What every benchmark shares: the service on a free port over the bench database, and the external load tools.</summary>
internal static partial class BenchHost
{
    internal static async Task<string> RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({process.ExitCode}):\n{await stderr}\n{await stdout}");
        return await stdout;
    }

    internal static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
        ? v : throw new InvalidOperationException($"{name} is not set: run benchmarks with ./gridgov bench.");

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    internal static partial Regex TpsRegex();

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    internal static partial Regex WrkRegex();

    internal sealed record TokenDto(string AccessToken);

    internal static string ApiContentRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GridGov.sln"))) return Path.Combine(dir.FullName, "src", "GridGov.Api");
        throw new InvalidOperationException("Cannot find GridGov.sln above the benchmark's folder.");
    }

    /// <summary>The service on a free port over the bench database, and an HTTP client signed in as a demo user.</summary>
    internal sealed class Service : IAsyncDisposable
    {
        private readonly Factory _app;

        private Service(Factory app, int port, HttpClient client, string token)
        {
            _app = app;
            Port = port;
            Client = client;
            Token = token;
        }

        public int Port { get; }
        public HttpClient Client { get; }
        public string Token { get; }
        public IServiceProvider Services => _app.Services;
        public NpgsqlDataSource DataSource => _app.Services.GetRequiredService<NpgsqlDataSource>();

        public static async Task<Service> StartAsync(string db, string username, params (string Key, string Value)[] settings)
        {
            var port = FreePort();
            var app = new Factory(db, settings);
            app.UseKestrel(port);
            app.StartServer();
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var token = (await (await client.PostAsJsonAsync("/api/auth/token", new { username, password = "gridgov-demo" }))
                .Content.ReadFromJsonAsync<TokenDto>())!.AccessToken;
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            return new Service(app, port, client, token);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.DisposeAsync();
        }
    }

    internal sealed class Factory(string db, params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseContentRoot(ApiContentRoot());
            builder.UseSetting("ConnectionStrings:GridGov", db);
            builder.UseSetting("GridGov:LoadDemo", "true");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Error");
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }
    }
}
