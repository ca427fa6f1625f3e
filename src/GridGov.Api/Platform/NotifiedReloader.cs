using Npgsql;

namespace GridGov.Api.Platform;

/// <summary>
/// An in-memory copy of some tables, rebuilt whenever a trigger on them notifies one of <paramref name="channels"/>.
/// Each connection listens first and then loads, so a change made in between is either in the load or notified; a burst
/// of statements (a bulk load) settles for 300 ms and rebuilds once; after a lost connection it listens again and
/// reloads. <see cref="ReloadMode.BeforeServing"/> loads first in <see cref="StartAsync"/> (before the server takes
/// requests); <see cref="ReloadMode.OnDemand"/> starts listening and loading on the first <see cref="WhenLoadedAsync"/>
/// (a copy only some requests need costs nothing until one comes).
/// </summary>
public abstract partial class NotifiedReloader(NpgsqlDataSource dataSource, ILogger logger, ReloadMode mode, params string[] channels) : BackgroundService
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _demanded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _changed;
    // Opened (listening) and loaded by StartAsync; the first round of ExecuteAsync takes it over.
    private NpgsqlConnection? _listener;

    protected NpgsqlDataSource DataSource => dataSource;

    /// <summary>Rebuilds the copy from the tables.</summary>
    protected abstract Task ReloadAsync(CancellationToken ct);

    /// <summary>Completes once the first load is done (and, on demand, asks for it).</summary>
    public Task WhenLoadedAsync(CancellationToken ct)
    {
        _demanded.TrySetResult();
        return _loaded.Task.WaitAsync(ct);
    }

    /// <summary>Rebuilds now (after a change this node made, so its answer is current when the request returns).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await WhenLoadedAsync(ct);
        await GatedReloadAsync(ct);
    }

    private async Task GatedReloadAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await ReloadAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (mode == ReloadMode.BeforeServing) _listener = await ListenAsync(cancellationToken);
        if (mode != ReloadMode.OnDemand) _demanded.TrySetResult();
        await base.StartAsync(cancellationToken);
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            connection.Notification += (_, _) => Interlocked.Exchange(ref _changed, 1);
            foreach (var channel in channels)
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection)) await listen.ExecuteNonQueryAsync(ct);
            Interlocked.Exchange(ref _changed, 0);
            await GatedReloadAsync(ct);
            _loaded.TrySetResult();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _demanded.Task.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = Interlocked.Exchange(ref _listener, null) ?? await ListenAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                    while (await connection.WaitAsync(TimeSpan.FromMilliseconds(300), stoppingToken)) { }
                    if (Interlocked.Exchange(ref _changed, 0) == 1) await GatedReloadAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(logger, ex, GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override void Dispose()
    {
        Interlocked.Exchange(ref _listener, null)?.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reloader}: listening for changes or reloading failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, string reloader);
}

public enum ReloadMode
{
    BeforeServing,
    Background,
    OnDemand,
}
