using GridGov.Api.Incidents;

namespace GridGov.Api.Live;

public static class LiveSetup
{
    public static IHostApplicationBuilder AddLive(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("Live").Get<LiveSettings>() ?? new LiveSettings();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(sp => new ShiftSchedule(sp.GetRequiredService<LiveSettings>(), sp.GetRequiredService<CalendarProvider>().Current.Zone));
        builder.Services.AddSingleton<CrewDirectory>();
        builder.Services.AddSingleton<LiveSubscriptions>();
        builder.Services.AddSingleton<LiveConnections>();
        builder.Services.AddSingleton<LiveNotifier>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveNotifier>());
        builder.Services.AddSingleton<GeofenceWatch>();
        builder.Services.AddSingleton<PositionWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PositionWriter>());
        builder.Services.AddSingleton<PositionIngest>();
        builder.Services.AddSingleton<RoadNetwork>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RoadNetwork>());
        builder.Services.AddSingleton<CrewRanker>();
        builder.Services.AddScoped<OfferDesk>();
        builder.Services.AddSingleton<ICaseOffers, OfferLedger>();
        builder.Services.AddSingleton<IIncidentFeed, LiveIncidentFeed>();
        builder.Services.AddHostedService<OfferWatcher>();
        builder.Services.AddSingleton<PositionPartitions>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PositionPartitions>());
        builder.Services.AddSingleton<Trails>();
        if (builder.Configuration.GetValue<bool>("Simulator:Enabled"))
        {
            builder.Services.AddSingleton(builder.Configuration.GetSection("Simulator").Get<SimulatorSettings>() ?? new SimulatorSettings());
            builder.Services.AddHostedService<Simulator>();
        }
        builder.Services.AddSignalR(o => o.EnableDetailedErrors = false)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)))
            .AddMessagePackProtocol();
        return builder;
    }

    /// <summary>Loads crews, their latest fixes and the history partitions before serving (the road graph loads as its service starts).</summary>
    public static async Task LoadLiveAsync(this WebApplication app, CancellationToken ct = default)
    {
        await app.Services.GetRequiredService<PositionPartitions>().MaintainAsync(ct);
        await app.Services.GetRequiredService<CrewDirectory>().ReloadAsync(ct);
    }

    public static WebApplication MapLive(this WebApplication app)
    {
        app.MapLiveApi();
        app.MapCrewAppApi();
        // A connection lives no longer than its token (and LiveConnections closes it at once when the user is disabled).
        app.MapHub<LiveHub>("/hubs/live", o => o.CloseOnAuthenticationExpiration = true);
        return app;
    }
}
