using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Teams;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Streetlights;

/// <summary>
/// Rolls lamp-out reports up the radial tree (lamp → circuit → cabinet) the way outage management locates a fault at
/// the lowest common upstream device: after each lamp report is stored, the open reports of its circuit within the
/// window are counted; at the rule's threshold (<see cref="FaultRule"/>) one circuit-fault case for the line group is
/// opened and the reports are linked to it; later reports on the circuit join it. The same one level up for a cabinet.
/// Every decision, fault or not, is written into the report's history. One cabinet's roll-ups are serialised by an
/// advisory lock, so two reports arriving together cannot open two faults. It also makes linked cases follow their
/// fault (<see cref="ICaseLinks"/>): closing a fault closes what it absorbed; voiding it sends them back.
/// </summary>
public sealed partial class FaultDesk(
    IServiceScopeFactory scopes, StreetlightIndex index, StreetlightStatus status, StreetlightSettings settings, GridCatalog grids,
    CategoryCatalog categories, CalendarProvider calendar, ICaseOffers offers, TimeProvider clock, ILogger<FaultDesk> logger)
    : IIncidentRollUp, ICaseLinks
{
    /// <summary>The channel of the cases the roll-up opens.</summary>
    public const string Channel = "rollup";

    private static readonly Actor System = new("(故障研判)", ["system"], null, null);

    public void AssetsChanged() => status.Invalidate();

    public async Task<RollUpResult?> AfterIntakeAsync(long incidentId, CancellationToken ct)
    {
        try
        {
            return await RollUpAsync(incidentId, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The report itself is stored; the next report on the circuit counts it again.
            LogFailed(logger, incidentId, ex);
            return null;
        }
    }

    private async Task<RollUpResult?> RollUpAsync(long incidentId, CancellationToken ct)
    {
        var snap = await index.CurrentAsync(ct);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        var transitions = scope.ServiceProvider.GetRequiredService<CaseTransitions>();
        var probe = await db.Incidents.AsNoTracking().Where(i => i.Id == incidentId).Select(i => new { i.AssetKind, i.AssetCode }).FirstOrDefaultAsync(ct);
        if (probe is not { AssetKind: "lamp", AssetCode: { } code } || !snap.ByCode.TryGetValue(code, out var at)) return null;
        var lamp = snap.All[at];
        if (lamp.CircuitCode is not { } circuit) return null;

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext({"streetlight-cabinet:" + lamp.CabinetCode}))", ct);
        var report = await db.Incidents.FirstAsync(i => i.Id == incidentId, ct);
        if (report.FaultId is not null || report.DuplicateOf is not null || !IncidentWorkflow.OpenStates.Contains(report.Status)) return null;

        var groups = await status.CurrentAsync(ct);
        var changed = new List<Incident>();
        var withdrawn = new List<WithdrawnOffer>();
        RollUpResult result;
        var circuitFault = await OpenFaultAsync(db, "circuit", circuit, ct);
        var cabinetFault = circuitFault is null ? await OpenFaultAsync(db, "cabinet", lamp.CabinetCode, ct) : null;
        if ((circuitFault ?? cabinetFault) is { } open)
        {
            var level = open == circuitFault ? "回路" : "配电箱";
            var note = $"{level} {open.AssetCode} 已研判为故障（#{open.Id}），本报修并入 (joins the open {open.AssetKind} fault #{open.Id})";
            withdrawn.AddRange(await LinkAsync(db, [report], open, note, now, ct));
            AddEvent(db, open, "link", now, $"并入报修 #{report.Id}（{report.AssetCode}）");
            changed.Add(report);
            changed.Add(open);
            result = new RollUpResult(open.Id, open.AssetKind!, false, note);
        }
        else
        {
            var reports = await OpenReportsAsync(db, circuit, now, ct);
            if (!reports.Contains(report)) reports.Add(report);
            var verdict = FaultRule.Judge(circuit, "circuit", snap.CircuitLamps.TryGetValue(circuit, out var members) ? members.Length : 1,
                reports.Select(r => r.AssetCode).Distinct().Count(), settings.FaultCount, settings.FaultShare, settings.FaultWindowHours);
            if (!verdict.Fault)
            {
                AddEvent(db, report, "rollup", now, verdict.Explanation);
                result = new RollUpResult(null, null, false, verdict.Explanation);
            }
            else
            {
                // The fault sits upstream of the dark lamp nearest the cabinet: that is where the line group starts.
                var first = reports.MinBy(r => CircuitSeqOf(snap, r.AssetCode!))!;
                var fault = await OpenFaultCaseAsync(db, "circuit", circuit, first.Location.X, first.Location.Y, verdict.Explanation,
                    $"回路故障（研判）：回路 {circuit}，{verdict.Reported}/{verdict.Members} 盏灯报修", reports.Min(r => r.Id), groups, now, ct);
                withdrawn.AddRange(await LinkAsync(db, reports, fault, $"{verdict.Explanation}；并入回路故障 #{fault.Id}", now, ct));
                AddEvent(db, fault, "link", now, "并入报修 " + string.Join("、", reports.OrderBy(r => r.Id).Select(r => $"#{r.Id}")));
                changed.AddRange(reports);
                changed.Add(fault);
                result = new RollUpResult(fault.Id, "circuit", true, verdict.Explanation);
                await db.SaveChangesAsync(ct);

                // One level up: several faulted circuits of the cabinet mean the cabinet.
                var circuitsOfCabinet = snap.CabinetCircuits.GetValueOrDefault(lamp.CabinetCode, [circuit]);
                var faults = await db.Incidents.Where(i => i.AssetKind == "circuit" && i.Channel == Channel && i.FaultId == null
                        && circuitsOfCabinet.Contains(i.AssetCode!) && IncidentWorkflow.OpenStates.Contains(i.Status)
                        && i.ReportedAt > now.AddHours(-settings.FaultWindowHours)).ToListAsync(ct);
                var up = FaultRule.Judge(lamp.CabinetCode, "cabinet", circuitsOfCabinet.Length, faults.Select(f => f.AssetCode).Distinct().Count(),
                    settings.CabinetFaultCount, settings.CabinetFaultShare, settings.FaultWindowHours);
                if (!up.Fault) AddEvent(db, fault, "rollup", now, up.Explanation);
                else if (snap.ByCode.TryGetValue(lamp.CabinetCode, out var cab))
                {
                    var cabinet = snap.All[cab];
                    var big = await OpenFaultCaseAsync(db, "cabinet", cabinet.Code, cabinet.Lon, cabinet.Lat, up.Explanation,
                        $"配电箱故障（研判）：配电箱 {cabinet.Code}，{up.Reported}/{up.Members} 条回路故障", faults.Min(f => f.Id), groups, now, ct);
                    withdrawn.AddRange(await LinkAsync(db, faults, big, $"{up.Explanation}；并入配电箱故障 #{big.Id}", now, ct));
                    AddEvent(db, big, "link", now, "并入回路故障 " + string.Join("、", faults.OrderBy(f => f.Id).Select(f => $"#{f.Id}")));
                    changed.AddRange(faults);
                    changed.Add(big);
                    result = new RollUpResult(big.Id, "cabinet", true, up.Explanation);
                }
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await transitions.PublishFollowersAsync(new FollowedCases(changed.Distinct().ToList(), withdrawn), now);
        return result;
    }

    private static int CircuitSeqOf(StreetlightIndex.Snapshot snap, string code) => snap.ByCode.TryGetValue(code, out var i) ? snap.All[i].CircuitSeq ?? int.MaxValue : int.MaxValue;

    private static Task<Incident?> OpenFaultAsync(GridGovDb db, string kind, string code, CancellationToken ct) =>
        db.Incidents.Where(i => i.AssetKind == kind && i.AssetCode == code && i.Channel == Channel && IncidentWorkflow.OpenStates.Contains(i.Status))
            .OrderBy(i => i.Id).FirstOrDefaultAsync(ct);

    /// <summary>The circuit's open lamp reports within the window that no fault has absorbed yet.</summary>
    private async Task<List<Incident>> OpenReportsAsync(GridGovDb db, string circuit, DateTimeOffset now, CancellationToken ct)
    {
        var since = now.AddHours(-settings.FaultWindowHours);
        var ids = await db.Database.SqlQuery<long>($"""
                SELECT i.id AS "Value" FROM streetlights s JOIN incidents i ON i.asset_code = s.code::text
                WHERE s.circuit_code = {circuit} AND i.asset_kind = 'lamp' AND i.status NOT IN ('Closed', 'Voided')
                  AND i.fault_id IS NULL AND i.duplicate_of IS NULL AND i.reported_at > {since}
                """).ToListAsync(ct);
        return await db.Incidents.Where(i => ids.Contains(i.Id)).ToListAsync(ct);
    }

    private async Task<Incident> OpenFaultCaseAsync(GridGovDb db, string kind, string code, double lon, double lat, string explanation,
        string description, long firstReport, StreetlightStatus.Snapshot groups, DateTimeOffset now, CancellationToken ct)
    {
        var category = categories.Find(kind == "circuit" ? settings.LampCategories[0] : settings.CabinetCategories[0])
            ?? throw new InvalidOperationException("The streetlight categories are not in the catalog.");
        var route = grids.RouteAt(lon, lat, 200);
        var line = groups.Group(StreetlightDuty.Line);
        var key = $"rollup:{kind}:{code}:{firstReport}";
        var fault = new Incident
        {
            RequestKey = key, RequestHash = SHA256.HashData(Encoding.UTF8.GetBytes(key)), CategoryCode = category.Code,
            Source = IncidentSource.Other, Status = IncidentStatus.Registered,
            Location = new Point(lon, lat) { SRID = 4490 }, Description = description, AssetCode = code, AssetKind = kind,
            Channel = Channel, UnitGridCode = route?.UnitGridCode, LargeGridCode = route?.LargeGridCode, TeamId = line?.Id ?? route?.TeamId,
            Role = category.Role, Routing = route is null ? RoutingRule.Unrouted : route.DistanceM > 0 ? RoutingRule.NearestGrid : RoutingRule.InGrid,
            RoutingDistanceM = route?.DistanceM, RoutingNote = $"{explanation}；归{line?.Name ?? "网格班组"}",
            ReportedAt = now, UpdatedAt = now, RegisteredAt = now,
            Deadline = calendar.Current.Deadline(now, category.DeadlineValue, category.DeadlineUnit), DeadlineRule = category.DeadlineRule,
        };
        db.Incidents.Add(fault);
        await db.SaveChangesAsync(ct);
        AddEvent(db, fault, "report", now, $"系统研判立案：{explanation}", from: null);
        return fault;
    }

    /// <summary>Links reports under a fault: those no crew has taken take its team (their open offers are withdrawn); each gets a history entry.</summary>
    private async Task<IReadOnlyList<WithdrawnOffer>> LinkAsync(GridGovDb db, IReadOnlyCollection<Incident> children, Incident fault, string note, DateTimeOffset now, CancellationToken ct)
    {
        var moved = new List<Incident>();
        foreach (var c in children)
        {
            c.FaultId = fault.Id;
            // A report a crew has taken stays with that crew (it closes with the fault all the same).
            if (CaseTransitions.FollowsNewTeam(c.Status) && c.TeamId != fault.TeamId)
            {
                moved.Add(c);
                c.TeamId = fault.TeamId;
            }
            c.UpdatedAt = now;
            AddEvent(db, c, "link", now, note);
        }
        return await offers.WithdrawOpenAsync(db, moved, $"并入故障 #{fault.Id}，转线路组", System, now, ct);
    }

    private static void AddEvent(GridGovDb db, Incident i, string action, DateTimeOffset now, string note, IncidentStatus? from = default) =>
        db.IncidentEvents.Add(new IncidentEvent
        {
            IncidentId = i.Id, At = now, Actor = System.Name, ActorRole = "system", Action = action,
            FromStatus = action == "report" ? from : i.Status, ToStatus = i.Status, Note = note,
        });

    public async Task<FollowedCases?> FollowAsync(GridGovDb db, Incident incident, IncidentStatus to, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        if (incident.Channel != Channel || to is not (IncidentStatus.Closed or IncidentStatus.Voided)) return null;
        var cases = new List<Incident>();
        var parents = new List<Incident> { incident };
        var groups = await status.CurrentAsync(ct);
        // Down the tree: a cabinet fault's circuit faults, and their lamp reports.
        while (parents.Count > 0)
        {
            var ids = parents.Select(p => p.Id).ToList();
            var children = await db.Incidents.Where(i => i.FaultId != null && ids.Contains(i.FaultId.Value) && IncidentWorkflow.OpenStates.Contains(i.Status)).ToListAsync(ct);
            foreach (var c in children)
            {
                var parent = parents.First(p => p.Id == c.FaultId);
                var from = c.Status;
                string note;
                if (to == IncidentStatus.Closed)
                {
                    c.Status = IncidentStatus.Closed;
                    c.ClosedAt = now;
                    note = $"随{(parent.AssetKind == "cabinet" ? "配电箱" : "回路")}故障 #{parent.Id} 结案 (closed with fault #{parent.Id})";
                }
                else
                {
                    // A voided prediction lets its reports go back to the group that owns their asset.
                    c.FaultId = null;
                    c.TeamId = (c.AssetKind == "lamp" ? groups.Group(StreetlightDuty.Repair) : groups.Group(StreetlightDuty.Line))?.Id ?? c.TeamId;
                    note = $"故障 #{parent.Id} 已作废，退回{(c.AssetKind == "lamp" ? "维修组" : "线路组")} (fault #{parent.Id} voided)";
                }
                c.UpdatedAt = now;
                db.IncidentEvents.Add(new IncidentEvent
                {
                    IncidentId = c.Id, At = now, Actor = actor.Name, ActorRole = string.Join(",", actor.Roles),
                    Action = to == IncidentStatus.Closed ? "closeWithFault" : "unlink", FromStatus = from, ToStatus = c.Status, Note = note,
                });
                cases.Add(c);
            }
            // Only a closing goes further down: a voided cabinet fault frees its circuit faults, which keep their own reports.
            parents = to == IncidentStatus.Closed ? children.Where(c => c.AssetKind != "lamp").ToList() : [];
        }
        if (cases.Count == 0) return null;
        var withdrawn = await offers.WithdrawOpenAsync(db, to == IncidentStatus.Closed ? cases : [], "故障已结案", actor, now, ct);
        return new FollowedCases(cases, withdrawn);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Streetlight roll-up after report {IncidentId} failed; the next report on the circuit counts it again")]
    private static partial void LogFailed(ILogger logger, long incidentId, Exception exception);
}
