using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Community;

/// <summary>Community work stations, member pools, points and four-party meetings: the routes (each part in its own file).</summary>
public static partial class CommunityApi
{
    public static IEndpointRouteBuilder MapCommunityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stations", Stations).AllowAnonymous().WithTags("Community")
            .WithSummary("Community work stations (社区城管工作室) as GeoJSON points: address, opening hours, staff on duty, phone. Public.");
        app.MapGet("/api/stations/nearest", Nearest).AllowAnonymous().RequireRateLimiting(IncidentsApi.ResidentRateLimit).WithTags("Community")
            .WithSummary("The station nearest to lon/lat, with its distance. Public (the resident page).");
        app.MapPut("/api/stations/{code}", PutStation).RequireAuthorization(Policies.Community).WithTags("Community")
            .WithSummary("Add or change a station { community, name, address, hours, phone?, staff[], lon, lat }: an admin, or the worker who serves its community.");

        var members = app.MapGroup("/api/members").WithTags("Community").RequireAuthorization(Policies.Community);
        members.MapGet("/", ListMembers).WithSummary("Members of the pools of your communities (community=code to narrow).");
        members.MapPost("/", AddMember).WithSummary("Add a member { name, kind: postedOfficer|partyMember|volunteer|buildingHead, phone?, skills[], available?, communities[] }.");
        members.MapPut("/{id:int}", PutMember).WithSummary("Replace a member's name, kind, phone, skills, availability and communities (within those you serve).");
        app.MapPost("/api/members/me/availability", SetAvailability).RequireAuthorization(Policies.Orders).WithTags("Community")
            .WithSummary("A member says whether they take orders now { available }; an unavailable member is not told of new orders.");

        app.MapGet("/api/points/monthly", Monthly).RequireAuthorization(Policies.PointsReading).WithTags("Community")
            .WithSummary("积分: points per member for a month (month=yyyy-MM, default this month; community=code), ranked: the community's leaderboard. format=csv for a spreadsheet, html for a printable report.");
        app.MapGet("/api/points/communities", Communities).RequireAuthorization(Policies.CommunityReading).WithTags("Community")
            .WithSummary("Per community for a month: orders opened, scored, escalated, still open; points; members who scored.");

        var meetings = app.MapGroup("/api/meetings").WithTags("Community").RequireAuthorization(Policies.CommunityReading);
        meetings.MapGet("/", ListMeetings).WithSummary("Four-party meetings (四方协调议事) of your communities, newest first (community=code).");
        meetings.MapGet("/{id:long}", GetMeeting).WithSummary("One meeting with its attendees, issues and decisions.");
        meetings.MapPost("/", AddMeeting).RequireAuthorization(Policies.Community)
            .WithSummary("Record a meeting { community, heldOn: yyyy-MM-dd, place?, topic, attendees[{ name, party: community|officer|property|resident }], issues[{ text }], decisions? }.");
        meetings.MapPost("/{id:long}/issues/{n:int}/raise", RaiseIssue).RequireAuthorization(Policies.Community)
            .WithSummary("Turn issue n (from 1) into a case { as: order|case, category, lon, lat, takeWithinMinutes? }: a case from source community, for the pool (order) or the grid team (case). A retry answers the same case.");
        return app;
    }

    /// <summary>Which communities the caller may read (null: all), or the refusal.</summary>
    private static IResult? Scope(Actor actor, string? community, out string[]? allowed)
    {
        allowed = null;
        if (!actor.InCommunityOnly) return null;
        allowed = actor.Communities.ToArray();
        if (community is not null && !allowed.Contains(community))
            return OrderDesk.Problem(403, "Another community", $"You {(actor.Is(Roles.Community) ? "serve" : "are a member of")} {actor.CommunitiesText}, not {Validation.Clip(community)}.");
        return null;
    }
}
