using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace GridGov.E2E;

/// <summary>The real service on a Kestrel port, plus Debian's headless Chromium driven by Playwright.</summary>
public class LiveServer : IAsyncLifetime
{
    private readonly Factory _factory;

    public LiveServer() : this("GRIDGOV_TEST_DB")
    {
    }

    /// <param name="databaseVariable">The environment variable naming the database (./gridgov test sets each).</param>
    /// <param name="settings">Extra configuration of this server only (e.g. Live:Shifts), as UseSetting pairs.</param>
    protected LiveServer(string databaseVariable, IReadOnlyDictionary<string, string>? settings = null) => _factory = new Factory(databaseVariable, settings);
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _factory.Services;

    public Npgsql.NpgsqlDataSource DataSource => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Npgsql.NpgsqlDataSource>(_factory.Services);

    public static string Artifacts => Environment.GetEnvironmentVariable("GRIDGOV_ARTIFACTS") is { Length: > 0 } dir
        ? Path.Combine(dir, "e2e")
        : Path.Combine(AppContext.BaseDirectory, "artifacts", "e2e");

    /// <summary>
    /// A fresh browser context at the map, signed in as <paramref name="username"/>, with the grids drawn; page errors are
    /// collected. <paramref name="watch"/> sees the page before it opens (to listen to its console and requests).
    /// </summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> SignedInPageAsync(string username, Func<IPage, Task>? watch = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "zh-CN",
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        if (watch is not null) await watch(page);
        await page.GotoAsync(BaseAddress.ToString());
        await page.FillAsync("#login-username", username);
        await page.FillAsync("#login-password", "gridgov-demo");
        await page.ClickAsync("#login-submit");
        await page.WaitForFunctionAsync("() => document.body.dataset.gridsLoaded === 'true'", null, new PageWaitForFunctionOptions { Timeout = 60000 });
        await page.EvaluateAsync("() => window.gridgov.ready");
        return (context, page, errors);
    }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _factory.UseKestrel(port);
        _factory.StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("GRIDGOV_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        Directory.CreateDirectory(Artifacts);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await _factory.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Factory(string databaseVariable, IReadOnlyDictionary<string, string>? settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            var db = Environment.GetEnvironmentVariable(databaseVariable) is { Length: > 0 } cs
                ? cs
                : throw new InvalidOperationException($"{databaseVariable} is not set: run the tests with ./gridgov test.");
            builder.UseSetting("ConnectionStrings:GridGov", db);
            builder.UseSetting("Jwt:SigningKey", Environment.GetEnvironmentVariable("Jwt__SigningKey") is { Length: > 0 } key
                ? key : Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
            builder.UseSetting("GridGov:LoadDemo", "true");
            builder.UseSetting("Auth:LoginPermitsPerMinute", "100000");
            foreach (var (name, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(name, value);
        }
    }
}

/// <summary>
/// The service on the planner suite's own demo county (GRIDGOV_TEST_PLANS_E2E_DB): a publish there moves nobody else's
/// routing, since the other suites run at the same time on GRIDGOV_TEST_DB.
/// </summary>
public sealed class PlansLiveServer() : LiveServer("GRIDGOV_TEST_PLANS_E2E_DB");
