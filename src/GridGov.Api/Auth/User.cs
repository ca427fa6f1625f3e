namespace GridGov.Api.Auth;

public sealed class User
{
    public int Id { get; set; }
    public required string Username { get; set; }
    public required string PasswordHash { get; set; }
    public required string[] Roles { get; set; }
    public int? TeamId { get; set; }
    public int? CrewId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>A disabled user cannot sign in, and the tokens it holds stop working at once.</summary>
    public bool Active { get; set; } = true;
    /// <summary>Goes up when the user is disabled, re-enabled, changes roles or password: older tokens are refused.</summary>
    public int TokenVersion { get; set; }
}

/// <summary>The five roles of the contract, and the policies built from them.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Dispatcher = "dispatcher";
    public const string Planner = "planner";
    public const string Crew = "crew";
    public const string Leader = "leader";

    public static readonly string[] All = [Admin, Dispatcher, Planner, Crew, Leader];
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
}
