using GridGov.Api.Data;
using GridGov.Api.Incidents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GridGov.Api.Community;

public static class CommunitySetup
{
    public static IServiceCollection AddCommunity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Orders").Get<OrdersSettings>() ?? new OrdersSettings());
        services.AddScoped<OrderBook>();
        services.AddScoped<ICaseOrders>(sp => sp.GetRequiredService<OrderBook>());
        services.AddScoped<OrderDesk>();
        services.AddSingleton<OrderNotifier>();
        services.AddSingleton<MemberConnections>();
        services.AddHostedService<OrderEscalator>();
        return services;
    }

    public static IEndpointRouteBuilder MapCommunity(this IEndpointRouteBuilder app) => app.MapOrdersApi().MapCommunityApi();
}

/// <summary>Sends untaken orders on to their grid teams when their time is up (every node may run it: each order is one transaction on its row).</summary>
public sealed partial class OrderEscalator(IServiceScopeFactory scopes, OrdersSettings settings, ILogger<OrderEscalator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, settings.EscalateScanSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<OrderDesk>().EscalateDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order escalation scan failed; the next scan tries again")]
    private partial void LogFailed(Exception exception);
}

internal sealed class StationConfiguration : IEntityTypeConfiguration<Station>
{
    public void Configure(EntityTypeBuilder<Station> b)
    {
        b.ToTable("stations");
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(40);
        b.Property(x => x.CommunityCode).HasMaxLength(20);
        b.Property(x => x.Name).HasMaxLength(80);
        b.Property(x => x.Address).HasMaxLength(200);
        b.Property(x => x.Hours).HasMaxLength(100);
        b.Property(x => x.Phone).HasMaxLength(20);
        b.Property(x => x.Staff).HasColumnType("text[]");
        b.Property(x => x.Location).HasColumnType("geometry(Point,4490)");
        b.HasIndex(x => x.Location).HasMethod("gist");
        b.HasIndex(x => x.CommunityCode);
    }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> b)
    {
        b.ToTable("members");
        b.Property(x => x.Name).HasMaxLength(40);
        b.Property(x => x.Phone).HasMaxLength(20);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Skills).HasColumnType("text[]");
        b.HasMany(x => x.Communities).WithOne().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MemberCommunityConfiguration : IEntityTypeConfiguration<MemberCommunity>
{
    public void Configure(EntityTypeBuilder<MemberCommunity> b)
    {
        b.ToTable("member_communities");
        b.HasKey(x => new { x.MemberId, x.CommunityCode });
        b.Property(x => x.CommunityCode).HasMaxLength(20);
        b.HasIndex(x => x.CommunityCode);
    }
}

internal sealed class CommunityOrderConfiguration : IEntityTypeConfiguration<CommunityOrder>
{
    public void Configure(EntityTypeBuilder<CommunityOrder> b)
    {
        b.ToTable("community_orders");
        b.Property(x => x.Id).UseIdentityByDefaultColumn();
        b.Property(x => x.CommunityCode).HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(x => x.OpenedBy).HasMaxLength(64);
        b.Property(x => x.ScoredBy).HasMaxLength(64);
        b.Property(x => x.DoneNote).HasMaxLength(2000);
        b.Property(x => x.Version).IsRowVersion();
        b.HasOne<Incident>().WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        // One order of a case in a pool at a time: a second "order" of the same case cannot slip in beside it.
        b.HasIndex(x => x.IncidentId).IsUnique().HasDatabaseName("ux_community_orders_active").HasFilter("status IN ('Open', 'Taken', 'Done')");
        // A case's orders, latest first (its detail, the order that follows a transition), whatever their state.
        b.HasIndex(x => new { x.IncidentId, x.Id });
        b.HasIndex(x => new { x.CommunityCode, x.Status });
        b.HasIndex(x => x.EscalateAt).HasFilter("status = 'Open'");
        b.HasIndex(x => new { x.MemberId, x.ScoredAt });
    }
}

internal sealed class MeetingConfiguration : IEntityTypeConfiguration<Meeting>
{
    public void Configure(EntityTypeBuilder<Meeting> b)
    {
        b.ToTable("meetings");
        b.Property(x => x.Id).UseIdentityByDefaultColumn();
        b.Property(x => x.CommunityCode).HasMaxLength(20);
        b.Property(x => x.Place).HasMaxLength(200);
        b.Property(x => x.Topic).HasMaxLength(200);
        b.Property(x => x.CreatedBy).HasMaxLength(64);
        b.OwnsMany(x => x.Attendees, a => a.ToJson());
        b.OwnsMany(x => x.Issues, a => a.ToJson());
        b.HasIndex(x => new { x.CommunityCode, x.HeldOn });
    }
}
