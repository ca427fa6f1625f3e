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
    /// <summary>A community worker opens the case to the community's member pool (社区派单); POST /api/incidents/{id}/order only.</summary>
    Order,
}

/// <summary>Who asks: their roles and, for crews, their team; for members and community workers, their communities.</summary>
public sealed record Actor(string Name, IReadOnlyCollection<string> Roles, int? TeamId, int? CrewId)
{
    /// <summary>The member behind a <c>member</c> user.</summary>
    public int? MemberId { get; init; }

    /// <summary>
    /// The communities a community worker serves or a member's pools belong to; filled by the orders API from the
    /// database (never from the token, so a change to a pool counts at once).
    /// </summary>
    public IReadOnlyCollection<string> Communities { get; init; } = [];

    public bool Is(string role) => Roles.Contains(role);

    /// <summary>The communities, as a refusal names them.</summary>
    public string CommunitiesText => Communities.Count == 0 ? "no community" : string.Join(", ", Communities);

    /// <summary>Dispatchers, leaders, planners and admins see every team's cases.</summary>
    public bool SeesAllTeams => Is(Auth.Roles.Admin) || Is(Auth.Roles.Dispatcher) || Is(Auth.Roles.Leader) || Is(Auth.Roles.Planner);

    /// <summary>
    /// The one team whose cases a crew may see (-1 when it has no team, so it sees none); null for roles that see
    /// every team. A community worker or member sees no team's cases as such (-1), only their communities' (see Visible).
    /// </summary>
    public int? ConfinedToTeam => SeesAllTeams ? null : Is(Auth.Roles.Crew) ? TeamId ?? -1 : -1;

    /// <summary>A community worker or member who is nothing else: confined to their communities' cases and orders.</summary>
    public bool InCommunityOnly => !SeesAllTeams && !Is(Auth.Roles.Crew) && (Is(Auth.Roles.Community) || Is(Auth.Roles.Member));
}

/// <summary>What the workflow needs to know of a case to decide who may act on it.</summary>
/// <param name="HandlerCrewId">The crew holding the case (it may be a supporting crew of another team).</param>
/// <param name="OfferedCrewId">The crew whose open offer of the case is being accepted, if any.</param>
/// <param name="PoolCommunity">The community whose member pool holds the case (an open or taken order), if any.</param>
/// <param name="MemberId">The member who took the case's order.</param>
/// <param name="Community">The community the case lies in (known to the orders API; null elsewhere).</param>
public sealed record CaseFacts(IncidentStatus Status, int? TeamId, int? HandlerCrewId = null, int? OfferedCrewId = null,
    string? PoolCommunity = null, int? MemberId = null, string? Community = null)
{
    public static CaseFacts Of(Incident i, int? offeredCrewId = null, string? community = null) =>
        new(i.Status, i.TeamId, i.HandlerCrewId, offeredCrewId, i.PoolCommunity, i.MemberId, community);

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
            IncidentAction.Order => Dispatched,
            _ => throw new ArgumentOutOfRangeException(nameof(from)),
        };
    }

    private static readonly string[] Dispatch = [Auth.Roles.Dispatcher];
    private static readonly string[] TeamCrew = [Auth.Roles.Crew];
    private static readonly string[] CrewOrDispatch = [Auth.Roles.Crew, Auth.Roles.Dispatcher];
    private static readonly string[] DispatchOrCommunity = [Auth.Roles.Dispatcher, Auth.Roles.Community];
    private static readonly string[] CrewOrMember = [Auth.Roles.Crew, Auth.Roles.Member];
    private static readonly string[] CommunityOnly = [Auth.Roles.Community];

    public static readonly IReadOnlyDictionary<IncidentAction, Rule> Rules = new Rule[]
    {
        new(IncidentAction.Register, [Reported], Dispatch, false, "check (核实) and register (立案)"),
        new(IncidentAction.Dispatch, [Reported, Registered, Parked, Unrouted], DispatchOrCommunity, false, "dispatch (派遣) to the grid team"),
        new(IncidentAction.Accept, [Dispatched], CrewOrMember, false, "the team accepts the task, or a member takes the order (接单)"),
        new(IncidentAction.Start, [Accepted], TeamCrew, false, "handling starts on site"),
        new(IncidentAction.Handle, [Accepted, InProgress], CrewOrMember, true, "handled, with the handler's feedback (处置反馈)"),
        new(IncidentAction.Verify, [Handled], DispatchOrCommunity, false, "verified on site (核查), scored 1-5"),
        new(IncidentAction.Close, [Verified], DispatchOrCommunity, false, "closed and struck off (结案销号)"),
        new(IncidentAction.SendBack, [Dispatched, Accepted, InProgress, Handled, Verified], CrewOrDispatch, true, "send back (回退)"),
        new(IncidentAction.Extend, [Registered, Dispatched, Accepted, InProgress, Parked], Dispatch, true, "extend the deadline (延期)"),
        new(IncidentAction.Park, [Registered, Dispatched, Accepted, InProgress], Dispatch, true, "park a long-term case (挂账)"),
        new(IncidentAction.Void, [Reported, Unrouted, Registered, Dispatched, Parked], Dispatch, true, "void (作废)"),
        new(IncidentAction.Reopen, [Closed], Dispatch, true, "reopen for rework (返工)"),
        new(IncidentAction.Order, [Reported, Registered, Dispatched], CommunityOnly, false, "open to the community's member pool (社区派单)"),
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
            var asCrew = actor.Is(Auth.Roles.Crew) && rule.Roles.Contains(Auth.Roles.Crew) && facts.ActsFor(actor, action);
            var asCommunity = actor.Is(Auth.Roles.Community) && rule.Roles.Contains(Auth.Roles.Community);
            var asMember = actor.Is(Auth.Roles.Member) && rule.Roles.Contains(Auth.Roles.Member);
            if (!asDispatcher && !asCrew && !asCommunity && !asMember)
            {
                if (actor.Is(Auth.Roles.Crew) && rule.Roles.Contains(Auth.Roles.Crew))
                    return new Forbidden($"A crew acts only on its own team's incidents (or one it took in support); this one belongs to team {facts.TeamId?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, you to team {actor.TeamId?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}.");
                return new Forbidden($"Only {string.Join(" or ", rule.Roles.Append(Auth.Roles.Admin))} may {Name(action)}; you are {string.Join(", ", actor.Roles)}.");
            }
            if (!asDispatcher && !asCrew && asCommunity && CommunityRefusal(facts, action, actor) is { } c) return c;
            if (!asDispatcher && !asCrew && !asCommunity && asMember && MemberRefusal(facts, action, actor) is { } m) return m;
        }
        if (!rule.From.Contains(facts.Status))
        {
            var possible = AllowedFrom(facts.Status).Where(a => a != IncidentAction.Order).Select(Name).ToArray();
            return new Conflict($"'{Name(action)}' is not possible while the incident is {Name(facts.Status)}; it must be {string.Join(" or ", rule.From.Select(Name))}. "
                + (possible.Length > 0 ? $"Possible now: {string.Join(", ", possible)}." : "No action is possible now."));
        }
        // While a community's members hold the case, the grid team's crews leave it to them (it comes back if nobody takes it).
        if (facts.PoolCommunity is { } pool && action is IncidentAction.Accept or IncidentAction.Start or IncidentAction.Handle
            && !(actor.Is(Auth.Roles.Member) && actor.Communities.Contains(pool)) && !actor.Is(Auth.Roles.Admin))
            return new Conflict($"The case is with community {pool}'s member pool (社区派单); it comes to the grid team only if no member takes it in time.");
        if (action == IncidentAction.Order && facts.PoolCommunity is { } held)
            return new Conflict($"The case is already with community {held}'s member pool.");
        if (action == IncidentAction.Accept && facts.PoolCommunity is not null && facts.MemberId is not null)
            return new Conflict("A member has taken this order already.");
        return new Allowed(rule.To(facts.Status));
    }

    /// <summary>A community worker acts on the cases of the communities they serve: ordering one, handing it to the grid team, scoring it.</summary>
    private static Forbidden? CommunityRefusal(CaseFacts facts, IncidentAction action, Actor actor)
    {
        var community = action is IncidentAction.Verify or IncidentAction.Close ? facts.PoolCommunity : facts.PoolCommunity ?? facts.Community;
        if (community is null)
            return new Forbidden(action is IncidentAction.Verify or IncidentAction.Close
                ? "A community worker confirms only the orders of their community's members; this case is the grid team's, for the dispatch center to verify."
                : "This case lies in no community you serve.");
        return actor.Communities.Contains(community) ? null
            : new Forbidden($"The case is community {community}'s; you serve {actor.CommunitiesText}.");
    }

    /// <summary>A member takes an open order of their communities and reports done on the one they took.</summary>
    private static Forbidden? MemberRefusal(CaseFacts facts, IncidentAction action, Actor actor)
    {
        if (facts.PoolCommunity is not { } pool)
            return new Forbidden("This case is not a community order; members act only on their communities' orders.");
        if (!actor.Communities.Contains(pool))
            return new Forbidden($"The order is community {pool}'s; you are a member of {actor.CommunitiesText}.");
        if (action != IncidentAction.Accept && facts.MemberId != actor.MemberId)
            return new Forbidden("Only the member who took the order reports it done.");
        return null;
    }

    public static IEnumerable<IncidentAction> AllowedFrom(IncidentStatus status) =>
        Rules.Values.Where(r => r.From.Contains(status)).Select(r => r.Action);

    /// <summary>The transitions-endpoint actions this actor could take now (for the UI's buttons; ordering has its own endpoint).</summary>
    public static IEnumerable<IncidentAction> Available(CaseFacts facts, Actor actor) =>
        AllowedFrom(facts.Status).Where(a => a != IncidentAction.Order && Decide(facts, a, actor) is Allowed);

    /// <summary>Whether a transition from <paramref name="from"/> to <paramref name="to"/> takes the case out of a crew's reach for offers.</summary>
    public static bool LeavesOfferable(IncidentStatus from, IncidentStatus to) => Offerable.Contains(from) && !Offerable.Contains(to);

    public static string Name(IncidentAction action) => Platform.JsonNames.Of(action);

    public static string Name(IncidentStatus status) => Platform.JsonNames.Of(status);
}
