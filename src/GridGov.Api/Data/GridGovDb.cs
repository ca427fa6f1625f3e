using GridGov.Api.Auth;
using GridGov.Api.Basemap;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Live;
using GridGov.Api.Open311;
using GridGov.Api.Plans;
using GridGov.Api.Teams;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Data;

public sealed class GridGovDb(DbContextOptions<GridGovDb> options) : DbContext(options)
{
    public DbSet<Grid> Grids => Set<Grid>();
    public DbSet<KeyPost> KeyPosts => Set<KeyPost>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<Crew> Crews => Set<Crew>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Road> Roads => Set<Road>();
    public DbSet<Building> Buildings => Set<Building>();
    public DbSet<Facility> Facilities => Set<Facility>();
    public DbSet<Streetlight> Streetlights => Set<Streetlight>();
    public DbSet<Circuit> Circuits => Set<Circuit>();
    public DbSet<CircuitCheck> CircuitChecks => Set<CircuitCheck>();
    public DbSet<AppState> AppState => Set<AppState>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Holiday> Holidays => Set<Holiday>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<IncidentEvent> IncidentEvents => Set<IncidentEvent>();
    public DbSet<Notice> Notices => Set<Notice>();
    public DbSet<CrewPoints> CrewPoints => Set<CrewPoints>();
    public DbSet<Open311Key> Open311Keys => Set<Open311Key>();
    public DbSet<CrewPosition> CrewPositions => Set<CrewPosition>();
    public DbSet<PositionFix> PositionHistory => Set<PositionFix>();
    public DbSet<IncidentOffer> IncidentOffers => Set<IncidentOffer>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<PlanGrid> PlanGrids => Set<PlanGrid>();
    public DbSet<PlanEdit> PlanEdits => Set<PlanEdit>();
    public DbSet<PlanEditGrid> PlanEditGrids => Set<PlanEditGrid>();
    public DbSet<GridGov.Api.Photos.IncidentPhoto> IncidentPhotos => Set<GridGov.Api.Photos.IncidentPhoto>();
    public DbSet<Community.Station> Stations => Set<Community.Station>();
    public DbSet<Community.Member> Members => Set<Community.Member>();
    public DbSet<Community.MemberCommunity> MemberCommunities => Set<Community.MemberCommunity>();
    public DbSet<Community.CommunityOrder> CommunityOrders => Set<Community.CommunityOrder>();
    public DbSet<Community.Meeting> Meetings => Set<Community.Meeting>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("postgis");
        modelBuilder.HasPostgresExtension("pgrouting");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GridGovDb).Assembly);
    }
}

/// <summary>Key/value facts about the database itself, e.g. when the demo county was loaded.</summary>
public sealed class AppState
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
