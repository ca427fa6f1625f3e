using System.Globalization;
using GridGov.Api.Auth;
using static GridGov.Api.Incidents.IncidentStatus;

namespace GridGov.Api.Incidents;

/// <summary>The actions of the contract, in request bodies as camelCase (sendBack, …).</summary>
public enum IncidentAction
{
    Register,
    Dispatch,
    Accept,
    Start,
    Handle,
    Verify,
    Close,
    SendBack,
    Extend,
    Park,
    Void,
    Reopen,
}

/// <summary>Who asks: their roles and, for crews, their team.</summary>
public sealed record Actor(string Name, IReadOnlyCollection<string> Roles, int? TeamId, int? CrewId)
{
    public bool Is(string role) => Roles.Contains(role);

    /// <summary>
    /// The one team whose cases a crew-only user may see (-1 when it has no team, so it sees none); null for roles
    /// that see every team.
    /// </summary>
    public int? ConfinedToTeam => Is(Auth.Roles.Crew) && !Is(Auth.Roles.Admin) && !Is(Auth.Roles.Dispatcher) && !Is(Auth.Roles.Leader)
        ? TeamId ?? -1
        : null;
}

/// <summary>What the workflow needs to know of a case to decide who may act on it.</summary>
/// <param name="HandlerCrewId">The crew holding the case (it may be a supporting crew of another team).</param>
/// <param name="OfferedCrewId">The crew whose open offer of the case is being accepted, if any.</param>
public sealed record CaseFacts(IncidentStatus Status, int? TeamId, int? HandlerCrewId = null, int? OfferedCrewId = null)
{
    public static CaseFacts Of(Incident i, int? offeredCrewId = null) => new(i.Status, i.TeamId, i.HandlerCrewId, offeredCrewId);

    /// <summary>
    /// A crew acts on its own team's cases; a crew of another team (跨网格支援) on the case it holds, and on the case it
    /// was offered when it accepts.
    /// </summary>
    public bool ActsFor(Actor actor, IncidentAction action) =>
        (actor.TeamId is { } team && team == TeamId)
        || (actor.CrewId is { } crew && (crew == HandlerCrewId || (action == IncidentAction.Accept && crew == OfferedCrewId)));
}

/// <summary>
/// The closed loop as an explicit table: for each action, the states it leaves, the state it reaches, and who may
/// take it. <c>admin</c> may take any action. Pure and immutable; safe from any thread.
/// </summary>
public static class IncidentWorkflow
{
    public sealed record Rule(IncidentAction Action, IncidentStatus[] From, string[] Roles, bool NoteRequired, string Meaning)
    {
        /// <summary>The state reached from <paramref name="from"/>.</summary>
        public IncidentStatus To(IncidentStatus from) => Action switch
        {
            IncidentAction.Register => Registered,
            IncidentAction.Dispatch => Dispatched,
            IncidentAction.Accept => Accepted,
            IncidentAction.Start => InProgress,
            IncidentAction.Handle => Handled,
            IncidentAction.Verify => Verified,
            IncidentAction.Close => Closed,
            IncidentAction.SendBack => from is Handled or Verified ? InProgress : Registered,
            IncidentAction.Extend => from,
            IncidentAction.Park => Parked,
            IncidentAction.Void => Voided,
            IncidentAction.Reopen => Dispatched,
            _ => throw new ArgumentOutOfRangeException(nameof(from)),
        };
    }

    private static readonly string[] Dispatch = [Auth.Roles.Dispatcher];
    private static readonly string[] TeamCrew = [Auth.Roles.Crew];
    private static readonly string[] CrewOrDispatch = [Auth.Roles.Crew, Auth.Roles.Dispatcher];

    public static readonly IReadOnlyDictionary<IncidentAction, Rule> Rules = new Rule[]
    {
        new(IncidentAction.Register, [Reported], Dispatch, false, "check (核实) and register (立案)"),
        new(IncidentAction.Dispatch, [Reported, Registered, Parked, Unrouted], Dispatch, false, "dispatch (派遣) to the grid team"),
        new(IncidentAction.Accept, [Dispatched], TeamCrew, false, "the team accepts the task"),
        new(IncidentAction.Start, [Accepted], TeamCrew, false, "handling starts on site"),
        new(IncidentAction.Handle, [Accepted, InProgress], TeamCrew, true, "handled, with the handler's feedback (处置反馈)"),
        new(IncidentAction.Verify, [Handled], Dispatch, false, "verified on site (核查), scored 1-5"),
        new(IncidentAction.Close, [Verified], Dispatch, false, "closed and struck off (结案销号)"),
        new(IncidentAction.SendBack, [Dispatched, Accepted, InProgress, Handled, Verified], CrewOrDispatch, true, "send back (回退)"),
        new(IncidentAction.Extend, [Registered, Dispatched, Accepted, InProgress, Parked], Dispatch, true, "extend the deadline (延期)"),
        new(IncidentAction.Park, [Registered, Dispatched, Accepted, InProgress], Dispatch, true, "park a long-term case (挂账)"),
        new(IncidentAction.Void, [Reported, Unrouted, Registered, Dispatched, Parked], Dispatch, true, "void (作废)"),
        new(IncidentAction.Reopen, [Closed], Dispatch, true, "reopen for rework (返工)"),
    }.ToDictionary(r => r.Action);

    public static readonly IncidentStatus[] OpenStates = [Reported, Registered, Dispatched, Accepted, InProgress, Handled, Verified, Unrouted, Parked];

    /// <summary>
    /// States in which a case may be offered to a crew (and an offer stays open): before a crew holds it. A parked or
    /// unrouted case must first be dispatched to a team.
    /// </summary>
    public static readonly IncidentStatus[] Offerable = [Reported, Registered, Dispatched];

    /// <summary>States whose deadline is still running (parked cases stop the clock).</summary>
    public static readonly IncidentStatus[] RunningStates = [Reported, Registered, Dispatched, Accepted, InProgress, Unrouted];

    public abstract record Decision;
    public sealed record Allowed(IncidentStatus To) : Decision;
    public sealed record Forbidden(string Reason) : Decision;
    public sealed record Conflict(string Reason) : Decision;

    /// <summary>Whether <paramref name="actor"/> may take <paramref name="action"/> on the case described by <paramref name="facts"/>.</summary>
    public static Decision Decide(CaseFacts facts, IncidentAction action, Actor actor)
    {
        var rule = Rules[action];
        if (!actor.Is(Auth.Roles.Admin))
        {
            var asDispatcher = actor.Is(Auth.Roles.Dispatcher) && rule.Roles.Contains(Auth.Roles.Dispatcher);
            var asCrew = actor.Is(Auth.Roles.Crew) && rule.Roles.Contains(Auth.Roles.Crew);
            if (!asDispatcher && !asCrew)
                return new Forbidden($"Only {string.Join(" or ", rule.Roles.Append(Auth.Roles.Admin))} may {Name(action)}; you are {string.Join(", ", actor.Roles)}.");
            if (!asDispatcher && !facts.ActsFor(actor, action))
                return new Forbidden($"A crew acts only on its own team's incidents (or one it took in support); this one belongs to team {facts.TeamId?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, you to team {actor.TeamId?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}.");
        }
        if (!rule.From.Contains(facts.Status))
        {
            var possible = AllowedFrom(facts.Status).Select(Name).ToArray();
            return new Conflict($"'{Name(action)}' is not possible while the incident is {Name(facts.Status)}; it must be {string.Join(" or ", rule.From.Select(Name))}. "
                + (possible.Length > 0 ? $"Possible now: {string.Join(", ", possible)}." : "No action is possible now."));
        }
        return new Allowed(rule.To(facts.Status));
    }

    public static IEnumerable<IncidentAction> AllowedFrom(IncidentStatus status) =>
        Rules.Values.Where(r => r.From.Contains(status)).Select(r => r.Action);

    /// <summary>The actions this actor could take now (for the UI's buttons).</summary>
    public static IEnumerable<IncidentAction> Available(CaseFacts facts, Actor actor) =>
        AllowedFrom(facts.Status).Where(a => Decide(facts, a, actor) is Allowed);

    /// <summary>Whether a transition from <paramref name="from"/> to <paramref name="to"/> takes the case out of a crew's reach for offers.</summary>
    public static bool LeavesOfferable(IncidentStatus from, IncidentStatus to) => Offerable.Contains(from) && !Offerable.Contains(to);

    public static string Name(IncidentAction action) => Platform.JsonNames.Of(action);

    public static string Name(IncidentStatus status) => Platform.JsonNames.Of(status);
}
