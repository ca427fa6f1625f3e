using GridGov.Api.Auth;
using GridGov.Api.Demo;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace GridGov.Api.Data;

public static class DataExtensions
{
    private const long SetupLockKey = 0x6772_6964_676f_76; // "gridgov": one instance migrates and seeds at a time

    public static IHostApplicationBuilder AddGridGovData(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("GridGov");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "ConnectionStrings:GridGov is not set. `./gridgov run` sets it for the embedded PostGIS; to use your own server, set GRIDGOV_DB to an Npgsql connection string.");
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).UseNetTopologySuite().Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddDbContextPool<GridGovDb>(o => Configure(o, dataSource));
        return builder;
    }

    internal static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, npgsql => npgsql.UseNetTopologySuite()).UseSnakeCaseNamingConvention();

    /// <summary>Applies the committed migrations and, when configured, loads the demo county once.</summary>
    public static async Task PrepareDatabaseAsync(this IHost app, CancellationToken ct = default)
    {
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GridGov.Setup");
        await using var lockConnection = await dataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({SetupLockKey})", lockConnection))
            await take.ExecuteNonQueryAsync(ct);
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
            await db.Database.MigrateAsync(ct);
            await lockConnection.ReloadTypesAsync(ct);
            await Incidents.IncidentsSetup.SeedCatalogsAsync(db, ct);
            var configuration = app.Services.GetRequiredService<IConfiguration>();
            await Incidents.RollupKeeper.AlignTimeZoneAsync(dataSource, Incidents.CalendarSettings.From(configuration), logger, ct);
            if (configuration.GetValue<bool>("GridGov:LoadDemo"))
            {
                var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
                await DemoCountyLoader.LoadOnceAsync(db, hasher, logger, ct);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({SetupLockKey})", lockConnection);
            await release.ExecuteNonQueryAsync(ct);
        }
    }
}

/// <summary>Lets `dotnet ef migrations add` build the model without a database.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<GridGovDb>
{
    public GridGovDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<GridGovDb>();
        DataExtensions.Configure(options, new NpgsqlDataSourceBuilder("Host=localhost;Database=design").UseNetTopologySuite().Build());
        return new GridGovDb(options.Options);
    }
}
