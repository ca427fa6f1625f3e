using System.Collections.Concurrent;
using System.Globalization;
using GridGov.Api.Grids;
using Npgsql;

namespace GridGov.Api.Live;

/// <summary>
/// Raises an event to dispatch when a crew on shift leaves its team's large grid (a notice and a hub message), and
/// a hub message when it comes back. Fed by the position writer after each commit. Thread-safe.
/// </summary>
public sealed partial class GeofenceWatch(GridCatalog grids, ShiftSchedule shifts, LiveSettings settings, LiveNotifier notifier, NpgsqlDataSource dataSource, ILogger<GeofenceWatch> logger)
{
    private readonly ConcurrentDictionary<int, bool> _outside = new();

    public void Observe(CrewState crew, LiveFix fix)
    {
        // An asset group's crew answers for assets county-wide: it has no large grid to leave.
        if (crew.LargeGridCode is not { } largeGrid || !shifts.IsOn(crew.Shift, fix.T)) return;
        var inside = Inside(largeGrid, fix.Lon, fix.Lat);
        var wasOutside = _outside.GetValueOrDefault(crew.Id);
        _outside[crew.Id] = !inside;
        if (inside == !wasOutside) return;
        var message = new GeofenceMessage(crew.Id, crew.Name, largeGrid, fix.Lon, fix.Lat, fix.T.UtcDateTime, inside ? "returned" : "left");
        _ = RaiseAsync(crew, message);
    }

    /// <summary>In the grid, or within the tolerance of it (probed at the point and four points around it).</summary>
    private bool Inside(string largeGrid, double lon, double lat)
    {
        if (grids.LargeGridAt(lon, lat) == largeGrid) return true;
        var dLat = settings.GeofenceToleranceM / 110_574.0;
        var dLon = settings.GeofenceToleranceM / (111_320.0 * Math.Cos(lat * Math.PI / 180));
        return grids.LargeGridAt(lon + dLon, lat) == largeGrid || grids.LargeGridAt(lon - dLon, lat) == largeGrid
            || grids.LargeGridAt(lon, lat + dLat) == largeGrid || grids.LargeGridAt(lon, lat - dLat) == largeGrid;
    }

    private async Task RaiseAsync(CrewState crew, GeofenceMessage message)
    {
        try
        {
            if (message.Kind == "left")
            {
                await using var cmd = dataSource.CreateCommand(
                    "INSERT INTO notices (at, kind, audience, crew_id, text) VALUES ($1, 'geofence', 'dispatch', $2, $3)");
                cmd.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = message.T });
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = crew.Id });
                cmd.Parameters.Add(new NpgsqlParameter<string>
                {
                    TypedValue = string.Create(CultureInfo.InvariantCulture,
                        $"{crew.Name}（{crew.TeamName}）值班中离开责任大网格 {crew.LargeGridCode}，位置 {message.Lon:0.00000},{message.Lat:0.00000}"),
                });
                await cmd.ExecuteNonQueryAsync();
            }
            await notifier.GeofenceAsync(message);
        }
        catch (Exception ex)
        {
            LogFailed(crew.Id, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Geofence: the event for crew {CrewId} could not be raised")]
    private partial void LogFailed(int crewId, Exception exception);
}
