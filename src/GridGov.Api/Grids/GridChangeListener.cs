using Npgsql;

namespace GridGov.Api.Grids;

/// <summary>
/// Keeps the routing index of this node current when grids change elsewhere: a plan published by another node or by
/// <c>./gridgov import grids</c> sends <c>grids_changed</c> (with its commit), and every node reloads its
/// <see cref="GridCatalog"/>. After a lost connection it listens again and reloads, so a change made meanwhile counts.
/// </summary>
public sealed partial class GridChangeListener(NpgsqlDataSource dataSource, GridCatalog catalog, ILogger<GridChangeListener> logger) : BackgroundService
{
    public const string Channel = "grids_changed";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                var changed = 0;
                connection.Notification += (_, _) => Interlocked.Exchange(ref changed, 1);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                if (!first) await catalog.ReloadAsync(stoppingToken);
                first = false;
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                    if (Interlocked.Exchange(ref changed, 0) == 1)
                    {
                        await catalog.ReloadAsync(stoppingToken);
                        LogReloaded(catalog.UnitGridCount);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grids changed elsewhere: routing index reloaded, {UnitGrids} unit grids")]
    private partial void LogReloaded(int unitGrids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grid changes: listening failed; reconnecting")]
    private partial void LogListenFailed(Exception exception);
}
