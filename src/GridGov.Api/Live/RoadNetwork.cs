using GridGov.Geo.Roads;
using Npgsql;

namespace GridGov.Api.Live;

/// <summary>
/// The roads table as an in-memory <see cref="RoadGraph"/>: built when the service starts (before requests are served)
/// and rebuilt when a trigger on the table notifies <c>roads_changed</c>. Each connection listens first and then loads,
/// so a change made in between is either in the load or notified. Null while there are no roads (assignment then
/// ranks by straight line).
/// </summary>
public sealed partial class RoadNetwork(NpgsqlDataSource dataSource, LiveSettings settings, ILogger<RoadNetwork> logger) : BackgroundService
{
    private volatile RoadGraph? _graph;
    private int _version;
    private int _changed;
    // Opened (listening) and loaded by StartAsync; the first round of ExecuteAsync takes it over.
    private NpgsqlConnection? _listener;

    public RoadGraph? Graph => _graph;

    /// <summary>Bumped on every rebuild (tests wait on it).</summary>
    public int Version => Volatile.Read(ref _version);

    private async Task ReloadAsync(CancellationToken ct)
    {
        var roads = await ReadAsync(dataSource, ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        _graph = roads.Count == 0 ? null : RoadGraph.Build(roads, maxTableJunctions: settings.DistanceTableMaxJunctions);
        Interlocked.Increment(ref _version);
        LogLoaded(_graph?.NodeCount ?? 0, _graph?.EdgeCount ?? 0, _graph?.HasDistanceTable == true ? "with" : "without", watch.ElapsedMilliseconds);
    }

    /// <summary>Every segment of the roads table, as the graph takes them.</summary>
    public static async Task<List<RoadSegment>> ReadAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        var roads = new List<RoadSegment>();
        await using var cmd = dataSource.CreateCommand("SELECT id, source, target, length_m, ST_AsBinary(geometry) FROM roads");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var wkb = new NetTopologySuite.IO.WKBReader();
        while (await reader.ReadAsync(ct))
        {
            var line = wkb.Read(reader.GetFieldValue<byte[]>(4));
            roads.Add(new RoadSegment(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3), line.Coordinates));
        }
        return roads;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = await ListenAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>A connection listening for <c>roads_changed</c>, and the graph loaded after LISTEN took hold.</summary>
    private async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            connection.Notification += (_, _) => Interlocked.Exchange(ref _changed, 1);
            await using (var listen = new NpgsqlCommand("LISTEN roads_changed", connection)) await listen.ExecuteNonQueryAsync(ct);
            Interlocked.Exchange(ref _changed, 0);
            await ReloadAsync(ct);
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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // After a lost connection, listening again reloads: changes made meanwhile are picked up.
                await using var connection = Interlocked.Exchange(ref _listener, null) ?? await ListenAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                    // Let a burst of statements (a bulk load) settle, then rebuild once.
                    while (await connection.WaitAsync(TimeSpan.FromMilliseconds(300), stoppingToken)) { }
                    if (Interlocked.Exchange(ref _changed, 0) == 1) await ReloadAsync(stoppingToken);
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

    public override void Dispose()
    {
        Interlocked.Exchange(ref _listener, null)?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Road graph: {Nodes} junctions, {Edges} edges, {Table} the distance table, built in {Ms} ms")]
    private partial void LogLoaded(int nodes, int edges, string table, long ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Road graph: listening for changes failed; reconnecting")]
    private partial void LogListenFailed(Exception exception);
}
