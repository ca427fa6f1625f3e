using GridGov.Api.Grids;
using GridGov.Api.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GridGov.Api.Data;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> b)
    {
        b.ToTable("plans");
        b.Property(p => p.Id).UseIdentityByDefaultColumn();
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(p => p.CreatedBy).HasMaxLength(50);
        // Exactly one plan is published: at most one by this index, at least one by every publish (one transaction).
        b.HasIndex(p => p.Status).IsUnique().HasFilter("status = 'Published'").HasDatabaseName("ux_plans_one_published");
        b.HasOne<Plan>().WithMany().HasForeignKey(p => p.BasedOnId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class PlanGridConfiguration : IEntityTypeConfiguration<PlanGrid>
{
    public void Configure(EntityTypeBuilder<PlanGrid> b)
    {
        b.ToTable("plan_grids");
        b.HasKey(g => new { g.PlanId, g.Code });
        b.Property(g => g.Code).HasMaxLength(20).UseCollation("C");
        b.Property(g => g.Level).HasConversion<string>().HasMaxLength(12);
        b.Property(g => g.Name).HasMaxLength(100);
        b.Property(g => g.ParentCode).HasMaxLength(20).UseCollation("C");
        b.Property(g => g.Geometry).HasColumnType("geometry(MultiPolygon,4490)");
        b.HasIndex(g => new { g.PlanId, g.Level });
        b.HasIndex(g => g.Geometry).HasMethod("gist");
        b.HasOne<Plan>().WithMany().HasForeignKey(g => g.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PlanEditConfiguration : IEntityTypeConfiguration<PlanEdit>
{
    public void Configure(EntityTypeBuilder<PlanEdit> b)
    {
        b.ToTable("plan_edits");
        b.Property(e => e.Id).UseIdentityByDefaultColumn();
        b.Property(e => e.Op).HasMaxLength(20);
        b.Property(e => e.Summary).HasMaxLength(500);
        b.Property(e => e.Actor).HasMaxLength(50);
        b.HasIndex(e => new { e.PlanId, e.Seq }).IsUnique();
        b.HasOne<Plan>().WithMany().HasForeignKey(e => e.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PlanEditGridConfiguration : IEntityTypeConfiguration<PlanEditGrid>
{
    public void Configure(EntityTypeBuilder<PlanEditGrid> b)
    {
        b.ToTable("plan_edit_grids");
        b.Property(e => e.Id).UseIdentityByDefaultColumn();
        b.Property(g => g.Code).HasMaxLength(20).UseCollation("C");
        b.Property(g => g.Level).HasConversion<string>().HasMaxLength(12);
        b.Property(g => g.Name).HasMaxLength(100);
        b.Property(g => g.ParentCode).HasMaxLength(20).UseCollation("C");
        b.Property(g => g.Geometry).HasColumnType("geometry(MultiPolygon,4490)");
        b.HasIndex(g => g.EditId);
        b.HasOne<PlanEdit>().WithMany().HasForeignKey(g => g.EditId).OnDelete(DeleteBehavior.Cascade);
    }
}
