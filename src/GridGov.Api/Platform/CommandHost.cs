using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Live;
using GridGov.Api.Plans;
using Microsoft.AspNetCore.Identity;

namespace GridGov.Api.Platform;

/// <summary>The database side of the service without its web server, for ./gridgov's commands: migrated, quiet, no demo.</summary>
internal static class CommandHost
{
    /// <summary>A migrated host, or null with the reason printed (no connection string).</summary>
    /// <param name="withCases">Also the services that move cases (grids, workflow, offers): for a command that publishes a plan.
    /// Their background services do not run.</param>
    /// <param name="loadDemo">Load the demo county first (once), as the service does with GridGov:LoadDemo.</param>
    public static async Task<IHost?> StartAsync(string command, bool withCases = false, bool loadDemo = false)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["GridGov:LoadDemo"] = loadDemo ? "true" : "false";
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        try
        {
            builder.AddGridGovData();
        }
        catch (InvalidOperationException ex)
        {
            Fail(command, ex.Message);
            return null;
        }
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        if (withCases)
        {
            Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton(builder.Services, TimeProvider.System);
            builder.Services.AddSingleton<Grids.GridCatalog>();
            builder.AddIncidents();
            builder.AddLive();
            builder.Services.AddPlans();
            // The workflow asks the streetlight feature about assets and linked cases (not run here: nothing reloads).
            Streetlights.StreetlightsSetup.AddStreetlights(builder.Services, builder.Configuration);
            Photos.PhotosApi.AddPhotos(builder.Services, builder.Configuration);
            // ... and about community orders (the workflow lets the order follow the case).
            Community.CommunitySetup.AddCommunity(builder.Services, builder.Configuration);
        }
        var host = builder.Build();
        await host.PrepareDatabaseAsync();
        if (withCases) await host.Services.GetRequiredService<Grids.GridCatalog>().ReloadAsync();
        return host;
    }

    public static int Fail(string command, string message, int code = 1)
    {
        Console.Error.WriteLine($"gridgov {command}: {message}");
        return code;
    }
}
