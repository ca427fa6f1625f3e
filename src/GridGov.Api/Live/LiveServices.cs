using GridGov.Api.Data;
using Npgsql;

namespace GridGov.Api.Live;

/// <summary>
/// Times out offers nobody answered and asks the next candidate; and re-offers any case left without an open offer
/// after a decline or timeout (from start, so a crash between an answer and the next offer heals on restart).
/// </summary>
public sealed partial class OfferWatcher(IServiceScopeFactory scopes, LiveSettings settings, ILogger<OfferWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(settings.OfferTimeoutSeconds / 10, 0.5, 10)));
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var desk = scope.ServiceProvider.GetRequiredService<OfferDesk>();
                var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
                await desk.ExpireDueAsync(db, stoppingToken);
                await desk.RedriveAsync(db, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offers: the timeout scan failed")]
    private partial void LogFailed(Exception ex);
}

/// <summary>
/// Keeps the day partitions of the position history: creates them from the retention horizon to two days ahead,
/// drops those past retention. Runs at start and hourly.
/// </summary>
public sealed partial class PositionPartitions(NpgsqlDataSource dataSource, LiveSettings settings, TimeProvider clock, ILogger<PositionPartitions> logger) : BackgroundService
{
    public async Task MaintainAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using var cmd = dataSource.CreateCommand("SELECT gridgov_position_partitions($1, $2, $3)");
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = today.AddDays(-settings.RetentionDays) });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = today.AddDays(2) });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = today.AddDays(-settings.RetentionDays) });
        var dropped = (int)(await cmd.ExecuteScalarAsync(ct))!;
        if (dropped > 0) LogDropped(dropped, settings.RetentionDays);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                await MaintainAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Positions: dropped {Count} day partitions older than {Days} days")]
    private partial void LogDropped(int count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Positions: partition upkeep failed")]
    private partial void LogFailed(Exception ex);
}
