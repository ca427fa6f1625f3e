using System.Globalization;
using GridGov.Api.Teams;

namespace GridGov.Api.Live;

/// <summary>Configuration section <c>Live</c>: position checks, the live stream, assignment and the history's retention.</summary>
public sealed class LiveSettings
{
    /// <summary>A fix implying more than this speed since the crew's previous one is rejected.</summary>
    public double MaxSpeedMps { get; set; } = 50;
    /// <summary>Fixes with a worse reported accuracy (metres) are rejected.</summary>
    public double MaxAccuracyM { get; set; } = 100;
    /// <summary>How far ahead of the server clock a fix's time may be (phone clocks drift).</summary>
    public double MaxFutureSeconds { get; set; } = 30;
    public int MaxBatch { get; set; } = 1000;
    /// <summary>Days of position history kept; older day partitions are dropped, older fixes rejected.</summary>
    public int RetentionDays { get; set; } = 30;
    /// <summary>Fixes written per statement by the position writer (group commit).</summary>
    public int WriteBatchSize { get; set; } = 5000;
    public double WriteRetrySeconds { get; set; } = 30;

    /// <summary>One batch of positions per map-tile group per tick.</summary>
    public int TickMs { get; set; } = 500;
    /// <summary>Zoom of the map tiles whose groups a subscriber joins.</summary>
    public int TileZoom { get; set; } = 14;
    /// <summary>Subscriptions are clipped to the county's extent grown by this margin (degrees).</summary>
    public double CountyMarginDeg { get; set; } = 0.05;

    /// <summary>A crew's latest fix older than this does not count for assignment.</summary>
    public double FreshMinutes { get; set; } = 5;
    /// <summary>Cases a crew may hold at once (accepted, in progress, or offered) before it is skipped.</summary>
    public int WorkloadCap { get; set; } = 5;
    public double OfferTimeoutSeconds { get; set; } = 60;
    /// <summary>Average speed of a crew on the ground (patrol e-bike), for the ETA.</summary>
    public double CrewSpeedMps { get; set; } = 4.2;
    /// <summary>A crew counts as outside its large grid only this far beyond the boundary (GPS noise on border roads).</summary>
    public double GeofenceToleranceM { get; set; } = 30;
    /// <summary>Points farther than this from every road are ranked by straight line.</summary>
    public double MaxSnapM { get; set; } = 300;
    /// <summary>
    /// Road networks with at most this many junctions keep every junction-to-junction distance in memory (n²/2
    /// doubles: 64 MiB at 4,096), so ranking is snaps plus table reads; larger ones run a Dijkstra per ranking.
    /// </summary>
    public int DistanceTableMaxJunctions { get; set; } = GridGov.Geo.Roads.RoadGraph.DefaultMaxTableJunctions;

    /// <summary>Duty hours per shift in local time, "HH:mm-HH:mm" (end may be 24:00; a window may cross midnight).</summary>
    public Dictionary<string, string[]> Shifts { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Early"] = ["06:00-14:00"],
        ["Middle"] = ["10:00-18:00"],
        ["Late"] = ["14:00-22:00"],
        ["Night"] = ["22:00-06:00"],
    };
}

/// <summary>The staggered duty schedule (早、中、晚错时值班): who is on shift at a given instant. Immutable; thread-safe.</summary>
public sealed class ShiftSchedule
{
    private readonly Dictionary<Shift, (TimeSpan From, TimeSpan To)[]> _windows;
    private readonly TimeZoneInfo _zone;

    public ShiftSchedule(LiveSettings settings, TimeZoneInfo zone)
    {
        _zone = zone;
        _windows = Enum.GetValues<Shift>().ToDictionary(s => s, s =>
            settings.Shifts.TryGetValue(s.ToString(), out var windows) ? windows.Where(w => !string.IsNullOrWhiteSpace(w)).Select(Parse).ToArray() : []);
    }

    public bool IsOn(Shift shift, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, _zone).TimeOfDay;
        foreach (var (from, to) in _windows[shift])
        {
            if (from <= to ? local >= from && local < to : local >= from || local < to) return true;
        }
        return false;
    }

    /// <summary>The windows as written, for display.</summary>
    public string Describe(Shift shift) =>
        string.Join(", ", _windows[shift].Select(w => $"{w.From:hh\\:mm}-{(w.To == TimeSpan.FromDays(1) ? "24:00" : w.To.ToString("hh\\:mm", CultureInfo.InvariantCulture))}"));

    private static (TimeSpan, TimeSpan) Parse(string window)
    {
        var parts = window.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || Time(parts[0]) is not { } from || Time(parts[1]) is not { } to)
            throw new InvalidOperationException($"Live:Shifts window '{window}' is not 'HH:mm-HH:mm'.");
        return (from, to);
    }

    private static TimeSpan? Time(string s) =>
        s == "24:00" ? TimeSpan.FromDays(1)
        : TimeSpan.TryParseExact(s, "hh\\:mm", CultureInfo.InvariantCulture, out var t) ? t : null;
}
