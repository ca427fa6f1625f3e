using GridGov.Api.Teams;
using GridGov.Geo.Roads;

namespace GridGov.Api.Live;

/// <summary>
/// A crew that can take the incident, with how far it is and how soon it can be there. <paramref name="Support"/>: the
/// crew is of another team than the case's (跨网格支援).
/// </summary>
public sealed record Candidate(int CrewId, string Name, int TeamId, string TeamName, CrewRole Role, double DistanceM, double EtaS, bool ByRoad, double StraightM, bool Support);

/// <summary>A crew left out, and why (reason codes: offDuty, offShift, wrongRole, atCapacity, stale, noPosition, declined, offered).</summary>
public sealed record Exclusion(int CrewId, string Name, string Reason, string Detail);

public sealed record CandidateRanking(long IncidentId, IReadOnlyList<Candidate> Candidates, IReadOnlyList<Exclusion> Excluded);

/// <summary>What the ranking needs to know beyond the crews themselves.</summary>
/// <param name="Workload">Cases each crew holds now (accepted, in progress, offered).</param>
/// <param name="Declined">Crews that declined or let an offer of this incident time out.</param>
/// <param name="OfferedTo">The crew holding the incident's open offer, if any.</param>
public sealed record RankingContext(IReadOnlyDictionary<int, int> Workload, IReadOnlySet<int> Declined, int? OfferedTo);

/// <summary>
/// Ranks crews for an incident (and incidents for a crew) by road time: straight-line fallback where a point is off
/// the network or no graph is loaded. The responsible team's crews come first; crews of other teams follow as support.
/// Every exclusion is explained. Pure over its inputs; thread-safe.
/// </summary>
public sealed class CrewRanker(CrewDirectory crews, RoadNetwork roads, ShiftSchedule shifts, LiveSettings settings)
{
    public CandidateRanking Rank(long incidentId, double lon, double lat, CrewRole role, int? teamId, RankingContext context, DateTimeOffset now)
    {
        var excluded = new List<Exclusion>();
        var eligible = new List<(CrewState Crew, LiveFix Fix)>();
        foreach (var crew in crews.All.OrderBy(c => c.Id))
        {
            var fix = crews.LastFix(crew.Id);
            var reason = Exclude(crew, fix, role, context, now);
            if (reason is var (code, detail) && code is not null) excluded.Add(new Exclusion(crew.Id, crew.Name, code, detail!));
            else eligible.Add((crew, fix!));
        }

        var distances = Distances(lon, lat, eligible.Select(e => (e.Fix.Lon, e.Fix.Lat)).ToList());
        var candidates = eligible.Select((e, i) =>
        {
            var straight = Geodesy.Metres(lon, lat, e.Fix.Lon, e.Fix.Lat);
            var (metres, byRoad) = distances[i] ?? (straight, false);
            return new Candidate(e.Crew.Id, e.Crew.Name, e.Crew.TeamId, e.Crew.TeamName, e.Crew.Role,
                Math.Round(metres, 1), Math.Round(metres / settings.CrewSpeedMps, 1), byRoad, Math.Round(straight, 1),
                Support: teamId is { } team && e.Crew.TeamId != team);
        }).OrderBy(c => c.Support).ThenBy(c => c.EtaS).ThenBy(c => c.CrewId).ToList();
        return new CandidateRanking(incidentId, candidates, excluded);
    }

    /// <summary>Road distances (or null: rank by straight line) from one point to many, with one Dijkstra.</summary>
    public (double Metres, bool ByRoad)?[] Distances(double lon, double lat, IReadOnlyList<(double Lon, double Lat)> targets)
    {
        var result = new (double, bool)?[targets.Count];
        var graph = roads.Graph;
        if (graph?.Snap(lon, lat, settings.MaxSnapM) is not { } origin) return result;
        var snaps = targets.Select(t => graph.Snap(t.Lon, t.Lat, settings.MaxSnapM)).ToList();
        var metres = graph.Distances(origin, snaps);
        for (var i = 0; i < targets.Count; i++)
            if (snaps[i] is not null && double.IsFinite(metres[i])) result[i] = (metres[i], true);
        return result;
    }

    private (string? Code, string? Detail) Exclude(CrewState crew, LiveFix? fix, CrewRole role, RankingContext context, DateTimeOffset now)
    {
        if (crew.Role != role)
            return ("wrongRole", $"{crew.Name} is {crew.Role.ToString().ToLowerInvariant()}; this case needs {role.ToString().ToLowerInvariant()}.");
        if (crews.OffDutySince(crew.Id) is { } off)
            return ("offDuty", $"{crew.Name} signed off duty at {off:HH:mm} UTC (下班) in the phone app.");
        if (!shifts.IsOn(crew.Shift, now))
            return ("offShift", $"{crew.Name}'s {crew.Shift.ToString().ToLowerInvariant()} shift ({shifts.Describe(crew.Shift)}) is not on now.");
        if (context.OfferedTo == crew.Id)
            return ("offered", $"The case is offered to {crew.Name} already and awaits an answer.");
        if (context.Declined.Contains(crew.Id))
            return ("declined", $"{crew.Name} declined this case or let its offer time out.");
        var load = context.Workload.GetValueOrDefault(crew.Id);
        if (load >= settings.WorkloadCap)
            return ("atCapacity", $"{crew.Name} holds {load} cases; the cap is {settings.WorkloadCap}.");
        if (fix is null)
            return ("noPosition", $"{crew.Name}'s phone has not reported a position.");
        var age = now - fix.T;
        if (age.TotalMinutes > settings.FreshMinutes)
            return ("stale", $"{crew.Name}'s latest position is {age.TotalMinutes:0} min old (fresh means under {settings.FreshMinutes:0} min).");
        return (null, null);
    }
}
