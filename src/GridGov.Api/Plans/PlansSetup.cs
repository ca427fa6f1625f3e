namespace GridGov.Api.Plans;

public static class PlansSetup
{
    public static IServiceCollection AddPlans(this IServiceCollection services) =>
        services.AddScoped<PlanPublisher>().AddScoped<ImportFlow>();

    /// <summary>The web service also follows publishes made elsewhere (another node, the import command).</summary>
    public static IServiceCollection AddGridChangeListener(this IServiceCollection services) =>
        services.AddHostedService<Grids.GridChangeListener>();
}
