using NetTopologySuite.Geometries;

namespace GridGov.Api.Community;

/// <summary>A community work station (社区城管工作室 / 城管工作联络站): where residents walk in or call.</summary>
public sealed class Station
{
    public required string Code { get; set; }
    public required string CommunityCode { get; set; }
    public required string Name { get; set; }
    public required string Address { get; set; }
    public required Point Location { get; set; }
    /// <summary>Opening hours as people write them, e.g. "周一至周五 08:30-17:30".</summary>
    public required string Hours { get; set; }
    public string? Phone { get; set; }
    /// <summary>Who is on duty there (names of the posted officers and community workers).</summary>
    public string[] Staff { get; set; } = [];
}

/// <summary>What kind of member a pool holds.</summary>
public enum MemberKind
{
    /// <summary>An enforcement officer posted to the community (下沉城管队员).</summary>
    PostedOfficer,
    /// <summary>A party member in work who registered with the community (在职党员进社区报到).</summary>
    PartyMember,
    Volunteer,
    /// <summary>A building head (楼栋长).</summary>
    BuildingHead,
}

/// <summary>A member of one or more communities' pools: takes orders from the phone app.</summary>
public sealed class Member
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public MemberKind Kind { get; set; }
    public string? Phone { get; set; }
    /// <summary>Category codes or 2-digit majors the member can help with; a category matches a skill it starts with.</summary>
    public string[] Skills { get; set; } = [];
    /// <summary>Takes orders now; an unavailable member is not pushed new orders (they still see the list).</summary>
    public bool Available { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public List<MemberCommunity> Communities { get; set; } = [];

    public bool HasSkillFor(string categoryCode) => Skills.Any(categoryCode.StartsWith);
}

public sealed class MemberCommunity
{
    public int MemberId { get; set; }
    public required string CommunityCode { get; set; }
}

/// <summary>The state of a community order (三单).</summary>
public enum OrderStatus
{
    /// <summary>In the pool, waiting for a member to take it (社区派单).</summary>
    Open,
    /// <summary>A member took it (党员接单).</summary>
    Taken,
    /// <summary>The member reported it done, with a photo; waits for the community's score.</summary>
    Done,
    /// <summary>The community confirmed and scored it; the case is closed and the points are counted.</summary>
    Scored,
    /// <summary>No member took it in time: the case went on to the grid team.</summary>
    Escalated,
    /// <summary>The case was voided, parked or handed on while the order was open.</summary>
    Withdrawn,
}

/// <summary>One case opened to a community's member pool.</summary>
public sealed class CommunityOrder
{
    public long Id { get; set; }
    public long IncidentId { get; set; }
    public required string CommunityCode { get; set; }
    public OrderStatus Status { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public required string OpenedBy { get; set; }
    /// <summary>When the order goes on to the grid team if nobody has taken it.</summary>
    public DateTimeOffset EscalateAt { get; set; }
    public int? MemberId { get; set; }
    public DateTimeOffset? TakenAt { get; set; }
    /// <summary>False when the taker has no skill for the category: allowed, but the community sees the flag.</summary>
    public bool? SkillMatch { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    public string? DoneNote { get; set; }
    public int? Score { get; set; }
    public DateTimeOffset? ScoredAt { get; set; }
    public string? ScoredBy { get; set; }
    /// <summary>积分 earned: score × points per score × the category's weight, rounded.</summary>
    public int? Points { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>PostgreSQL xmin: the one who takes an order changes it from a version nobody else changed.</summary>
    public uint Version { get; set; }
}

/// <summary>Who sits at a four-party meeting (社区、城管队员、物业、居民代表).</summary>
public enum MeetingParty
{
    Community,
    Officer,
    Property,
    Resident,
}

/// <summary>A four-party meeting (四方协调议事) of one community: who came, what was raised, what was decided.</summary>
public sealed class Meeting
{
    public long Id { get; set; }
    public required string CommunityCode { get; set; }
    public DateOnly HeldOn { get; set; }
    public string? Place { get; set; }
    public required string Topic { get; set; }
    public List<MeetingAttendee> Attendees { get; set; } = [];
    public List<MeetingIssue> Issues { get; set; } = [];
    public string? Decisions { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class MeetingAttendee
{
    public required string Name { get; set; }
    public MeetingParty Party { get; set; }
}

/// <summary>An issue raised at a meeting; it may become a case (and an order).</summary>
public sealed class MeetingIssue
{
    public required string Text { get; set; }
    public long? IncidentId { get; set; }
    public long? OrderId { get; set; }
}
