using GridGov.Api.Data;
using GridGov.Api.Open311;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Incidents;

public static class IncidentsSetup
{
    public static IHostApplicationBuilder AddIncidents(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("Incidents").Get<IncidentsSettings>() ?? new IncidentsSettings();
        var calendar = CalendarSettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(calendar);
        builder.Services.AddSingleton<CategoryCatalog>();
        builder.Services.AddSingleton<CalendarProvider>();
        builder.Services.AddSingleton<IncidentIntake>();
        builder.Services.AddScoped<CaseTransitions>();
        builder.Services.AddSingleton<IncidentWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IncidentWriter>());
        builder.Services.AddSingleton<OverdueWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OverdueWatcher>());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Rollups").Get<RollupsSettings>() ?? new RollupsSettings());
        builder.Services.AddSingleton<RollupKeeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RollupKeeper>());
        builder.Services.AddSingleton<Open311Keys>();
        builder.Services.Configure<RateLimiterOptions>(o => IncidentsApi.AddResidentRateLimit(o, settings));
        return builder;
    }

    /// <summary>Writes the standard categories and the holiday calendar into empty tables (called under the setup lock).</summary>
    public static async Task SeedCatalogsAsync(GridGovDb db, CancellationToken ct)
    {
        if (!await db.Categories.AnyAsync(ct))
        {
            db.Categories.AddRange(CategorySeed.All());
            await db.SaveChangesAsync(ct);
        }
        if (!await db.Holidays.AnyAsync(ct))
        {
            db.Holidays.AddRange(HolidaySeed.All());
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Loads categories and the working calendar into memory.</summary>
    public static async Task LoadIncidentCatalogsAsync(this WebApplication app, CancellationToken ct = default)
    {
        await app.Services.GetRequiredService<CategoryCatalog>().ReloadAsync(ct);
        await app.Services.GetRequiredService<CalendarProvider>().ReloadAsync(ct);
    }
}
