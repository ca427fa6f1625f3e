using GridGov.Api.Teams;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Incidents;

public sealed record CategoryRef(string Code, string Name, string NameEn, CrewRole Role, string DeadlineRule, Urgency Urgency);

public sealed record HistoryEntry(DateTimeOffset At, string Actor, string? ActorRole, int? CrewId, string Action, IncidentStatus? From, IncidentStatus To, string? Note);

/// <summary>An incident with its history, as GET /api/incidents/{id} answers.</summary>
public sealed record IncidentDetail(
    long Id, IncidentStatus Status, CategoryRef Category, IncidentSource Source, double Lon, double Lat,
    string? Description, string? AssetCode, string Channel, string? ReportedBy, string? UnitGridCode, string? LargeGridCode,
    int? TeamId, string? TeamName, CrewRole Role, Routing Routing, DuplicateRef? DuplicateOf, int DuplicateCount,
    DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt, DateTimeOffset? Deadline, string DeadlineRule, bool Overdue,
    DateTimeOffset? OverdueAt, DateTimeOffset? EscalatedAt, DateTimeOffset? RegisteredAt, DateTimeOffset? DispatchedAt,
    DateTimeOffset? HandledAt, DateTimeOffset? ClosedAt, int? HandlerCrewId, string? HandlerName, int? Score, int ReworkCount,
    IReadOnlyList<HistoryEntry> History, IReadOnlyList<string> AvailableActions,
    string? AssetKind = null, long? FaultId = null, IReadOnlyList<long>? Linked = null,
    IReadOnlyList<Photos.PhotoView>? Photos = null, bool AfterPhotoRequired = false, string? ReporterPhone = null,
    OrderRef? Order = null);

/// <summary>The case's latest community order (三单), if it has one: which pool, how far, who took it.</summary>
public sealed record OrderRef(long Id, string Community, string Status, int? MemberId, string? MemberName, int? Score, int? Points);

/// <summary>One row of GET /api/incidents.</summary>
public sealed record IncidentSummary(
    long Id, IncidentStatus Status, string Category, string CategoryName, IncidentSource Source, double Lon, double Lat,
    string? UnitGridCode, string? LargeGridCode, int? TeamId, CrewRole Role, DateTimeOffset ReportedAt,
    DateTimeOffset? Deadline, bool Overdue, int? HandlerCrewId, long? DuplicateOf, string? Description,
    string? AssetCode = null, string? AssetKind = null, long? FaultId = null, string? PoolCommunity = null);

/// <summary>POST /api/incidents/{id}/transitions.</summary>
public sealed record TransitionRequest(string? Action, string? Note, int? Score, double? ExtendHours, DateTimeOffset? Deadline, int? TeamId);

internal static class IncidentMapping
{
    public static bool IsOverdue(IncidentStatus status, DateTimeOffset? deadline, DateTimeOffset now) =>
        deadline is { } d && d < now && IncidentWorkflow.RunningStates.Contains(status);

    public static (double Lon, double Lat) LonLat(Point p) => (Math.Round(p.X, 7), Math.Round(p.Y, 7));
}
