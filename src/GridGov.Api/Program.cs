using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Open311;
using GridGov.Api.Platform;
using GridGov.Api.Tiles;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGridGovData();
builder.AddGridGovAuth();
builder.Services.AddSingleton<GridCatalog>();
builder.AddIncidents();

var app = builder.Build();
await app.PrepareDatabaseAsync();
await app.Services.GetRequiredService<GridCatalog>().ReloadAsync();
await app.LoadIncidentCatalogsAsync();

app.UseServiceDefaults();
app.MapHealth();
app.MapAuthApi();
app.MapGridsApi();
app.MapIncidentsApi();
app.MapCatalogApi();
app.MapListsApi();
app.MapOpen311Api();
app.MapTilesApi();
app.MapFallbacks();
app.Run();

public partial class Program;
