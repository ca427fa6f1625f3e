using GridGov.Api.Teams;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Incidents;

/// <summary>Case states; JSON uses the camelCase names of the contract (reported, inProgress, …).</summary>
public enum IncidentStatus
{
    Reported,
    Registered,
    Dispatched,
    Accepted,
    InProgress,
    Handled,
    Verified,
    Closed,
    Unrouted,
    Parked,
    Voided,
}

/// <summary>The nine kinds of source (九大类事件来源).</summary>
public enum IncidentSource
{
    Resident,
    Patrol,
    Hotline,
    Community,
    DoorKnock,
    Sensor,
    Leader,
    Media,
    Other,
}

/// <summary>How an incident found its grid.</summary>
public enum RoutingRule
{
    /// <summary>The point lies in a unit grid.</summary>
    InGrid,
    /// <summary>Outside every grid, but within the fallback distance of the nearest one.</summary>
    NearestGrid,
    /// <summary>No grid close enough: waits in the dispatch center's queue.</summary>
    Unrouted,
}

/// <summary>One reported problem and its case (案卷).</summary>
public sealed class Incident
{
    public long Id { get; set; }
    /// <summary>Unique intake key: "c:" + the client's clientRequestId, or "s:" + a server id; makes every retry safe.</summary>
    public required string RequestKey { get; set; }
    public string? ClientRequestId { get; set; }
    /// <summary>SHA-256 of the request's content, to tell a retry from a different request under the same id.</summary>
    public required byte[] RequestHash { get; set; }
    public required string CategoryCode { get; set; }
    public IncidentSource Source { get; set; }
    public IncidentStatus Status { get; set; }
    public required Point Location { get; set; }
    public string? Description { get; set; }
    public string? AssetCode { get; set; }
    /// <summary>What <see cref="AssetCode"/> names: lamp, cabinet or circuit; an asset case belongs to the asset's group, not the grid's team.</summary>
    public string? AssetKind { get; set; }
    /// <summary>The circuit or cabinet fault this report was linked to (it closes with it).</summary>
    public long? FaultId { get; set; }
    /// <summary>Where it came in: web, api, open311:&lt;key name&gt;.</summary>
    public required string Channel { get; set; }
    public string? ReportedBy { get; set; }
    /// <summary>A resident's phone number for a call back, if they gave one; staff see it, the public never.</summary>
    public string? ReporterPhone { get; set; }
    public int? ReporterCrewId { get; set; }
    public string? UnitGridCode { get; set; }
    public string? LargeGridCode { get; set; }
    public int? TeamId { get; set; }
    public CrewRole Role { get; set; }
    public RoutingRule Routing { get; set; }
    public double? RoutingDistanceM { get; set; }
    public required string RoutingNote { get; set; }
    public long? DuplicateOf { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? Deadline { get; set; }
    public required string DeadlineRule { get; set; }
    public DateTimeOffset? RegisteredAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public DateTimeOffset? HandledAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? OverdueAt { get; set; }
    public DateTimeOffset? EscalatedAt { get; set; }
    public int? HandlerCrewId { get; set; }
    /// <summary>The community whose member pool holds the case (its order is open, taken or done); null once it leaves the pool.</summary>
    public string? PoolCommunity { get; set; }
    /// <summary>The member who took the case's community order.</summary>
    public int? MemberId { get; set; }
    public int? Score { get; set; }
    public int ReworkCount { get; set; }
    /// <summary>PostgreSQL xmin: optimistic concurrency for transitions.</summary>
    public uint Version { get; set; }
}

/// <summary>One step of an incident's history: who did what, when, from which state to which.</summary>
public sealed class IncidentEvent
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public string? ActorRole { get; set; }
    public int? CrewId { get; set; }
    /// <summary>report, an <see cref="IncidentAction"/> name, overdue, escalate.</summary>
    public required string Action { get; set; }
    public IncidentStatus? FromStatus { get; set; }
    public IncidentStatus ToStatus { get; set; }
    public string? Note { get; set; }
}

/// <summary>A message to the dispatch center or to one crew member (overdue cases, escalations).</summary>
public sealed class Notice
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>overdue, escalation.</summary>
    public required string Kind { get; set; }
    public long? IncidentId { get; set; }
    /// <summary>dispatch (the dispatch center) or crew (then <see cref="CrewId"/>).</summary>
    public required string Audience { get; set; }
    public int? CrewId { get; set; }
    public required string Text { get; set; }
}

/// <summary>Points earned by a crew member for a case (积分): taking it, and the verification score.</summary>
public sealed class CrewPoints
{
    public long Id { get; set; }
    public int CrewId { get; set; }
    public long IncidentId { get; set; }
    public DateTimeOffset At { get; set; }
    public int Points { get; set; }
    /// <summary>took, closed, rework.</summary>
    public required string Reason { get; set; }
}
