using GridGov.Geo.Roads;
using Npgsql;

namespace GridGov.Api.Live;

/// <summary>
/// The streets crews ride (roads with <c>drive</c>) as an in-memory <see cref="RoadGraph"/>: built when the service
/// starts (before requests are served) and rebuilt when a trigger on the table notifies <c>roads_changed</c>. Null
/// while there are no roads (assignment then ranks by straight line).
/// </summary>
public sealed partial class RoadNetwork(NpgsqlDataSource dataSource, LiveSettings settings, ILogger<RoadNetwork> logger)
    : Platform.NotifiedReloader(dataSource, logger, Platform.ReloadMode.BeforeServing, "roads_changed")
{
    private volatile RoadGraph? _graph;
    private int _version;

    public RoadGraph? Graph => _graph;

    /// <summary>Bumped on every rebuild (tests wait on it).</summary>
    public int Version => Volatile.Read(ref _version);

    protected override async Task ReloadAsync(CancellationToken ct)
    {
        var roads = await ReadAsync(DataSource, "drive", ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        _graph = roads.Count == 0 ? null : RoadGraph.Build(roads, maxTableJunctions: settings.DistanceTableMaxJunctions);
        Interlocked.Increment(ref _version);
        LogLoaded(_graph?.NodeCount ?? 0, _graph?.EdgeCount ?? 0, _graph?.HasDistanceTable == true ? "with" : "without", watch.ElapsedMilliseconds);
    }

    /// <summary>Every segment of the roads table with the flag (<c>drive</c> or <c>walk</c>), as the graph takes them.</summary>
    public static async Task<List<RoadSegment>> ReadAsync(NpgsqlDataSource dataSource, string flag, CancellationToken ct = default)
    {
        if (flag is not ("drive" or "walk")) throw new ArgumentOutOfRangeException(nameof(flag));
        var roads = new List<RoadSegment>();
        await using var cmd = dataSource.CreateCommand($"SELECT id, source, target, length_m, ST_AsBinary(geometry) FROM roads WHERE {flag}");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var wkb = new NetTopologySuite.IO.WKBReader();
        while (await reader.ReadAsync(ct))
        {
            var line = wkb.Read(reader.GetFieldValue<byte[]>(4));
            roads.Add(new RoadSegment(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3), line.Coordinates));
        }
        return roads;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Road graph: {Nodes} junctions, {Edges} edges, {Table} the distance table, built in {Ms} ms")]
    private partial void LogLoaded(int nodes, int edges, string table, long ms);
}
