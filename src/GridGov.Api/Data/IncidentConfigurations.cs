using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Open311;
using GridGov.Api.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GridGov.Api.Data;

internal sealed class CategoryConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> b)
    {
        b.ToTable("categories");
        b.HasKey(c => c.Code);
        b.Property(c => c.Code).HasMaxLength(5).UseCollation("C");
        b.Property(c => c.Major).HasMaxLength(2);
        b.Property(c => c.Name).HasMaxLength(60);
        b.Property(c => c.NameEn).HasMaxLength(100);
        b.Property(c => c.Role).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.DeadlineUnit).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Urgency).HasConversion<string>().HasMaxLength(12);
        b.Ignore(c => c.DeadlineRule);
    }
}

internal sealed class HolidayConfiguration : IEntityTypeConfiguration<Holiday>
{
    public void Configure(EntityTypeBuilder<Holiday> b)
    {
        b.ToTable("holidays");
        b.HasKey(h => h.Date);
        b.Property(h => h.Name).HasMaxLength(40);
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.ToTable("incidents", t =>
        {
            t.HasCheckConstraint("ck_incidents_score", "score IS NULL OR score BETWEEN 1 AND 5");
            t.HasCheckConstraint("ck_incidents_description", "char_length(description) <= 4000");
        });
        b.Property(i => i.Id).UseIdentityAlwaysColumn();
        b.Property(i => i.RequestKey).HasMaxLength(110).UseCollation("C");
        b.HasIndex(i => i.RequestKey).IsUnique();
        b.Property(i => i.ClientRequestId).HasMaxLength(100);
        b.Property(i => i.CategoryCode).HasMaxLength(5).UseCollation("C");
        b.Property(i => i.Source).HasConversion<string>().HasMaxLength(12);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(i => i.Role).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.Routing).HasConversion<string>().HasMaxLength(12);
        b.Property(i => i.Location).HasColumnType("geometry(Point,4490)");
        b.Property(i => i.AssetCode).HasMaxLength(40);
        b.Property(i => i.AssetKind).HasMaxLength(10);
        b.Property(i => i.Channel).HasMaxLength(120);
        b.Property(i => i.ReportedBy).HasMaxLength(64);
        b.Property(i => i.ReporterPhone).HasMaxLength(20);
        b.Property(i => i.PoolCommunity).HasMaxLength(20);
        b.Property(i => i.UnitGridCode).HasMaxLength(20).UseCollation("C");
        b.Property(i => i.LargeGridCode).HasMaxLength(20).UseCollation("C");
        b.Property(i => i.DeadlineRule).HasMaxLength(40);
        b.Property(i => i.Version).IsRowVersion();
        b.HasIndex(i => i.Location).HasMethod("gist");
        // The duplicate check's own index: open reports that are not duplicates themselves (few near any point).
        b.HasIndex(i => i.Location, "OpenLocation").HasDatabaseName("ix_incidents_open_location").HasMethod("gist")
            .HasFilter("duplicate_of IS NULL AND status NOT IN ('Closed', 'Voided')");
        // Duplicates of a case, by key; reports that are no duplicate (nearly all) are left out, so the duplicate
        // check can never take this index for "duplicate_of IS NULL" and read every report.
        b.HasIndex(i => i.DuplicateOf).HasFilter("duplicate_of IS NOT NULL");
        // The open cases of an asset (a lamp's reports, a circuit's fault), for the roll-up and the lamp's status.
        b.HasIndex(i => i.AssetCode, "OpenAsset").HasDatabaseName("ix_incidents_open_asset")
            .HasFilter("asset_code IS NOT NULL AND status NOT IN ('Closed', 'Voided')");
        b.HasIndex(i => i.FaultId).HasFilter("fault_id IS NOT NULL");
        b.HasOne<Incident>().WithMany().HasForeignKey(i => i.FaultId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(i => new { i.Status, i.Deadline });
        b.HasIndex(i => new { i.TeamId, i.Status });
        b.HasIndex(i => new { i.LargeGridCode, i.ReportedAt });
        b.HasIndex(i => new { i.CategoryCode, i.ReportedAt });
        b.HasIndex(i => i.ClosedAt);
        // The responsibility list's "handled in the period" per member.
        b.HasIndex(i => i.HandledAt).HasFilter("handled_at IS NOT NULL");
        b.HasIndex(i => new { i.HandlerCrewId, i.Status });
        // A crew member's work log: the cases they found on a day.
        b.HasIndex(i => new { i.ReporterCrewId, i.ReportedAt }).HasFilter("reporter_crew_id IS NOT NULL");
        b.HasOne<Category>().WithMany().HasForeignKey(i => i.CategoryCode).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(i => i.UnitGridCode);
        // No foreign key to grids: a case keeps the codes it was filed under after a new plan removes them (the
        // archived plan still has those grids).
        b.HasOne<Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Crew>().WithMany().HasForeignKey(i => i.HandlerCrewId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Incident>().WithMany().HasForeignKey(i => i.DuplicateOf).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IncidentEventConfiguration : IEntityTypeConfiguration<IncidentEvent>
{
    public void Configure(EntityTypeBuilder<IncidentEvent> b)
    {
        b.ToTable("incident_events");
        b.Property(e => e.Id).UseIdentityAlwaysColumn();
        b.Property(e => e.Actor).HasMaxLength(120);
        b.Property(e => e.ActorRole).HasMaxLength(60);
        b.Property(e => e.Action).HasMaxLength(20);
        b.Property(e => e.FromStatus).HasConversion<string>().HasMaxLength(12);
        b.Property(e => e.ToStatus).HasConversion<string>().HasMaxLength(12);
        b.HasIndex(e => new { e.IncidentId, e.Id });
        b.HasIndex(e => new { e.CrewId, e.At });
        b.HasOne<Incident>().WithMany().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NoticeConfiguration : IEntityTypeConfiguration<Notice>
{
    public void Configure(EntityTypeBuilder<Notice> b)
    {
        b.ToTable("notices");
        b.Property(n => n.Id).UseIdentityAlwaysColumn();
        b.Property(n => n.Kind).HasMaxLength(20);
        b.Property(n => n.Audience).HasMaxLength(12);
        b.HasIndex(n => new { n.Audience, n.Id });
        b.HasIndex(n => new { n.IncidentId, n.Kind, n.Audience });
        b.HasOne<Incident>().WithMany().HasForeignKey(n => n.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CrewPointsConfiguration : IEntityTypeConfiguration<CrewPoints>
{
    public void Configure(EntityTypeBuilder<CrewPoints> b)
    {
        b.ToTable("crew_points");
        b.Property(p => p.Id).UseIdentityAlwaysColumn();
        b.Property(p => p.Reason).HasMaxLength(12);
        b.HasIndex(p => new { p.CrewId, p.At });
        b.HasOne<Crew>().WithMany().HasForeignKey(p => p.CrewId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Incident>().WithMany().HasForeignKey(p => p.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class Open311KeyConfiguration : IEntityTypeConfiguration<Open311Key>
{
    public void Configure(EntityTypeBuilder<Open311Key> b)
    {
        b.ToTable("open311_keys");
        b.Property(k => k.Id).UseIdentityAlwaysColumn();
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.KeyHash).HasMaxLength(64).UseCollation("C");
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.RevokedBy).HasMaxLength(100);
        b.HasIndex(k => k.KeyHash).IsUnique();
        // A revoked key keeps its name (its reports name it); a new key may take the name again.
        b.HasIndex(k => k.Name).IsUnique().HasFilter("NOT revoked");
    }
}
