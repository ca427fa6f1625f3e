using GridGov.Api.Auth;
using GridGov.Api.Basemap;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GridGov.Api.Data;

internal sealed class GridConfiguration : IEntityTypeConfiguration<Grid>
{
    public void Configure(EntityTypeBuilder<Grid> b)
    {
        b.ToTable("grids");
        b.HasKey(g => g.Code);
        b.Property(g => g.Code).HasMaxLength(20).UseCollation("C");
        b.Property(g => g.Level).HasConversion<string>().HasMaxLength(12);
        b.Property(g => g.Name).HasMaxLength(100);
        b.Property(g => g.ParentCode).HasMaxLength(20).UseCollation("C");
        b.Property(g => g.Geometry).HasColumnType("geometry(MultiPolygon,4490)");
        b.HasIndex(g => g.Level);
        b.HasIndex(g => g.ParentCode);
        b.HasIndex(g => g.Geometry).HasMethod("gist");
        b.HasOne<Grid>().WithMany().HasForeignKey(g => g.ParentCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Team>().WithMany().HasForeignKey(g => g.TeamId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class KeyPostConfiguration : IEntityTypeConfiguration<KeyPost>
{
    public void Configure(EntityTypeBuilder<KeyPost> b)
    {
        b.ToTable("key_posts");
        b.HasKey(p => p.Code);
        b.Property(p => p.Code).HasMaxLength(20);
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.Location).HasColumnType("geometry(Point,4490)");
        b.Property(p => p.LargeGridCode).HasMaxLength(20).UseCollation("C");
        b.HasIndex(p => p.Location).HasMethod("gist");
        b.HasOne<Team>().WithMany().HasForeignKey(p => p.TeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Grid>().WithMany().HasForeignKey(p => p.LargeGridCode).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("teams");
        b.Property(t => t.Id).UseIdentityByDefaultColumn();
        b.Property(t => t.Name).HasMaxLength(100);
        b.HasIndex(t => t.Name).IsUnique();
        b.Property(t => t.Kind).HasConversion<string>().HasMaxLength(12);
        b.Property(t => t.LargeGridCode).HasMaxLength(20).UseCollation("C");
        b.Property(t => t.RoleMix).HasMaxLength(20);
        b.Property(t => t.Duty).HasConversion<string>().HasMaxLength(12);
        b.HasIndex(t => t.LargeGridCode).IsUnique();
        b.HasIndex(t => t.Duty).IsUnique();
        b.HasMany(t => t.Members).WithOne().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CrewConfiguration : IEntityTypeConfiguration<Crew>
{
    public void Configure(EntityTypeBuilder<Crew> b)
    {
        b.ToTable("crews");
        b.Property(c => c.Id).UseIdentityByDefaultColumn();
        b.Property(c => c.Phone).HasMaxLength(20);

        b.Property(c => c.Name).HasMaxLength(50);
        b.Property(c => c.EmployeeNo).HasMaxLength(20);
        b.Property(c => c.Role).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Shift).HasConversion<string>().HasMaxLength(10);
        b.HasIndex(c => c.EmployeeNo).IsUnique();
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.Property(u => u.Username).HasMaxLength(64);
        b.HasIndex(u => u.Username).IsUnique();
        // Usernames are also unique regardless of case ("Zhang" and "zhang" are one person): ux_users_username_lower, in the People migration.
        b.Property(u => u.PasswordHash).HasMaxLength(200);
        b.Property(u => u.Roles).HasColumnType("text[]");
        b.Property(u => u.Communities).HasColumnType("text[]").HasDefaultValueSql("'{}'::text[]");
        b.HasIndex(u => u.MemberId).IsUnique().HasFilter("member_id IS NOT NULL");
        b.HasOne<Community.Member>().WithMany().HasForeignKey(u => u.MemberId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Team>().WithMany().HasForeignKey(u => u.TeamId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Crew>().WithMany().HasForeignKey(u => u.CrewId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class RoadConfiguration : IEntityTypeConfiguration<Road>
{
    public void Configure(EntityTypeBuilder<Road> b)
    {
        b.ToTable("roads");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Class).HasMaxLength(20);
        b.Property(r => r.Walk).HasDefaultValue(true);
        b.Property(r => r.Drive).HasDefaultValue(true);
        b.Property(r => r.Name).HasMaxLength(50);
        b.Property(r => r.Geometry).HasColumnType("geometry(LineString,4490)");
        b.HasIndex(r => r.Geometry).HasMethod("gist");
        b.HasIndex(r => r.Source);
        b.HasIndex(r => r.Target);
    }
}

internal sealed class BuildingConfiguration : IEntityTypeConfiguration<Building>
{
    public void Configure(EntityTypeBuilder<Building> b)
    {
        b.ToTable("buildings");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Kind).HasMaxLength(20);
        b.Property(x => x.Geometry).HasColumnType("geometry(Polygon,4490)");
        b.Property(x => x.UnitGridCode).HasMaxLength(20).UseCollation("C");
        b.HasIndex(x => x.Geometry).HasMethod("gist");
    }
}

internal sealed class FacilityConfiguration : IEntityTypeConfiguration<Facility>
{
    public void Configure(EntityTypeBuilder<Facility> b)
    {
        b.ToTable("facilities");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Kind).HasMaxLength(40);
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.OsmRef).HasMaxLength(24);
        b.Property(x => x.Location).HasColumnType("geometry(Point,4490)");
        b.Property(x => x.UnitGridCode).HasMaxLength(20).UseCollation("C");
        b.HasIndex(x => x.Location).HasMethod("gist");
        b.HasIndex(x => x.Kind);
    }
}

internal sealed class StreetlightConfiguration : IEntityTypeConfiguration<Streetlight>
{
    public void Configure(EntityTypeBuilder<Streetlight> b)
    {
        b.ToTable("streetlights");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(17).IsFixedLength();
        b.Property(x => x.Component).HasMaxLength(5).IsFixedLength();
        b.Property(x => x.Location).HasColumnType("geometry(Point,4490)");
        b.Property(x => x.CabinetCode).HasMaxLength(17);
        b.Property(x => x.CircuitCode).HasMaxLength(20);
        b.Property(x => x.UnitGridCode).HasMaxLength(20).UseCollation("C");
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.PoleCode).HasMaxLength(40);
        b.Property(x => x.LampType).HasMaxLength(40);
        b.HasIndex(x => x.Location).HasMethod("gist");
        b.HasIndex(x => new { x.CircuitCode, x.CircuitSeq });
        b.HasIndex(x => x.Status).HasFilter("status <> 'normal'");
        b.HasOne<Road>().WithMany().HasForeignKey(x => x.RoadId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CircuitCheckConfiguration : IEntityTypeConfiguration<CircuitCheck>
{
    public void Configure(EntityTypeBuilder<CircuitCheck> b)
    {
        b.ToTable("circuit_checks");
        b.Property(x => x.Id).UseIdentityByDefaultColumn();
        b.Property(x => x.CircuitCode).HasMaxLength(20);
        b.Property(x => x.CheckedBy).HasMaxLength(100);
        // One check per circuit and night: a patrol's retry records nothing twice.
        b.HasIndex(x => new { x.CircuitCode, x.Night }).IsUnique();
        b.HasIndex(x => x.Night);
    }
}

internal sealed class CircuitConfiguration : IEntityTypeConfiguration<Circuit>
{
    public void Configure(EntityTypeBuilder<Circuit> b)
    {
        b.ToTable("circuits");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(20);
        b.Property(x => x.CabinetCode).HasMaxLength(17);
        b.Property(x => x.Status).HasMaxLength(20);
        b.HasIndex(x => x.CabinetCode);
    }
}

internal sealed class AppStateConfiguration : IEntityTypeConfiguration<AppState>
{
    public void Configure(EntityTypeBuilder<AppState> b)
    {
        b.ToTable("app_state");
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(64);
    }
}

internal sealed class IncidentPhotoConfiguration : IEntityTypeConfiguration<GridGov.Api.Photos.IncidentPhoto>
{
    public void Configure(EntityTypeBuilder<GridGov.Api.Photos.IncidentPhoto> b)
    {
        b.ToTable("incident_photos");
        b.Property(x => x.Id).UseIdentityByDefaultColumn();
        b.Property(x => x.Kind).HasMaxLength(10);
        b.Property(x => x.ContentType).HasMaxLength(40);
        b.Property(x => x.StorageKey).HasMaxLength(200);
        b.Property(x => x.ThumbKey).HasMaxLength(200);
        b.Property(x => x.By).HasMaxLength(10);
        b.Property(x => x.Actor).HasMaxLength(100);
        b.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Cascade);
        // The same bytes sent twice to one case are one photo: a retried upload returns the first.
        b.HasIndex(x => new { x.IncidentId, x.UploadSha256 }).IsUnique();
        b.HasIndex(x => new { x.IncidentId, x.Kind });
    }
}
