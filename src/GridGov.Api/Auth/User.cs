namespace GridGov.Api.Auth;

public sealed class User
{
    public int Id { get; set; }
    public required string Username { get; set; }
    public required string PasswordHash { get; set; }
    public required string[] Roles { get; set; }
    public int? TeamId { get; set; }
    public int? CrewId { get; set; }
    /// <summary>For a <c>member</c> user: the pool member they are.</summary>
    public int? MemberId { get; set; }
    /// <summary>For a <c>community</c> worker: the community codes they serve.</summary>
    public string[] Communities { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>A disabled user cannot sign in, and the tokens it holds stop working at once.</summary>
    public bool Active { get; set; } = true;
    /// <summary>Goes up when the user is disabled, re-enabled, changes roles or password: older tokens are refused.</summary>
    public int TokenVersion { get; set; }
}

/// <summary>The roles of the contract: the five staff roles, and the community's own two.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Dispatcher = "dispatcher";
    public const string Planner = "planner";
    public const string Crew = "crew";
    public const string Leader = "leader";
    /// <summary>A community worker (社区工作者): takes requests at the station, dispatches orders, scores them.</summary>
    public const string Community = "community";
    /// <summary>A member of a community pool (posted officer, party member, volunteer, building head): takes orders.</summary>
    public const string Member = "member";

    /// <summary>The staff roles: they see the map, the cases and the lists.</summary>
    public static readonly string[] All = [Admin, Dispatcher, Planner, Crew, Leader];

    /// <summary>Every role a user may hold.</summary>
    public static readonly string[] Known = [.. All, Community, Member];
}

public static class Policies
{
    /// <summary>Any signed-in staff role.</summary>
    public const string Staff = "staff";
    public const string Admin = "admin";
    public const string Planning = "planning";
    /// <summary>Reading plans (their grids, problems, balance, comparisons): planners, leaders and admins.</summary>
    public const string PlanReading = "planReading";
    public const string Dispatch = "dispatch";
    /// <summary>The live map and crews: dispatchers, leaders and admins see all, a crew its own team.</summary>
    public const string Live = "live";
    /// <summary>Posting positions and answering offers: crews (for themselves) and admins.</summary>
    public const string Positions = "positions";
    /// <summary>Any signed-in user, staff or community (their own profile, the categories).</summary>
    public const string SignedIn = "signedIn";
    /// <summary>The community's side: community workers and admins (orders, members, meetings).</summary>
    public const string Community = "community";
    /// <summary>Community orders: community workers, members and admins; each handler narrows to their communities.</summary>
    public const string Orders = "orders";
    /// <summary>Reading meetings and the communities' month: community workers, dispatchers, leaders and admins.</summary>
    public const string CommunityReading = "communityReading";
    /// <summary>The monthly points: the community readers, and members (their own communities' leaderboard).</summary>
    public const string PointsReading = "pointsReading";
}
