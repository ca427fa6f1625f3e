using NetTopologySuite.Geometries;

namespace GridGov.Api.Live;

/// <summary>The latest accepted fix of one crew (one row per crew).</summary>
public sealed class CrewPosition
{
    public int CrewId { get; set; }
    public required Point Location { get; set; }
    public DateTimeOffset T { get; set; }
    public float? AccuracyM { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>One accepted fix in the position history (partitioned by UTC day; see the Live migration).</summary>
public sealed class PositionFix
{
    public int CrewId { get; set; }
    public DateTimeOffset T { get; set; }
    public required Point Location { get; set; }
    public float? AccuracyM { get; set; }
}

public enum OfferStatus
{
    Pending,
    Accepted,
    Declined,
    Expired,
    Withdrawn,
}

/// <summary>An incident offered to one crew: it accepts, declines, or the offer times out and the next is asked.</summary>
public sealed class IncidentOffer
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public int CrewId { get; set; }
    public OfferStatus Status { get; set; }
    public DateTimeOffset OfferedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public required string OfferedBy { get; set; }
    /// <summary>True when the best candidate was chosen by the service rather than named by a dispatcher.</summary>
    public bool Automatic { get; set; }
    public double? DistanceM { get; set; }
    public double? EtaS { get; set; }
    public bool ByRoad { get; set; }
    public string? Reason { get; set; }
    /// <summary>PostgreSQL xmin: a tracked change of an offer fails if the row changed meanwhile.</summary>
    public uint Version { get; set; }
}
