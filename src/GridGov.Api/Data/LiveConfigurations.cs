using GridGov.Api.Live;
using GridGov.Api.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GridGov.Api.Data;

internal sealed class CrewPositionConfiguration : IEntityTypeConfiguration<CrewPosition>
{
    public void Configure(EntityTypeBuilder<CrewPosition> b)
    {
        b.ToTable("crew_positions");
        b.HasKey(p => p.CrewId);
        b.Property(p => p.CrewId).ValueGeneratedNever();
        b.HasOne<Crew>().WithOne().HasForeignKey<CrewPosition>(p => p.CrewId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.Location).HasColumnType("geometry(Point,4490)");
        b.HasIndex(p => p.Location).HasMethod("gist");
    }
}

internal sealed class PositionFixConfiguration : IEntityTypeConfiguration<PositionFix>
{
    public void Configure(EntityTypeBuilder<PositionFix> b)
    {
        // A table partitioned by day cannot be declared to EF: the Live migration creates it in SQL.
        b.ToTable("position_history", t => t.ExcludeFromMigrations());
        b.HasKey(p => new { p.CrewId, p.T });
        b.Property(p => p.Location).HasColumnType("geometry(Point,4490)");
    }
}

internal sealed class IncidentOfferConfiguration : IEntityTypeConfiguration<IncidentOffer>
{
    public void Configure(EntityTypeBuilder<IncidentOffer> b)
    {
        b.ToTable("incident_offers");
        b.Property(o => o.Id).UseIdentityAlwaysColumn();
        b.Property(o => o.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(o => o.OfferedBy).HasMaxLength(64);
        b.Property(o => o.Reason).HasMaxLength(500);
        b.Property(o => o.Version).IsRowVersion();
        b.HasOne<Incidents.Incident>().WithMany().HasForeignKey(o => o.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Crew>().WithMany().HasForeignKey(o => o.CrewId).OnDelete(DeleteBehavior.Cascade);
        // At most one open offer per incident: a second assign withdraws the first in the same transaction.
        b.HasIndex(o => o.IncidentId).IsUnique().HasFilter("status = 'Pending'").HasDatabaseName("ux_incident_offers_pending");
        b.HasIndex(o => new { o.Status, o.ExpiresAt });
        b.HasIndex(o => new { o.CrewId, o.Status });
    }
}
