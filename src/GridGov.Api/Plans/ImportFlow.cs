using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Plans;

/// <summary>What an import into a plan (and its publish, when asked) came to.</summary>
public sealed record ImportFlowResult(PlanImportResult? Import, Plan? Plan, PublishResult? Published, PlanPublisher.Refused? Refused, PlanRefusal? Refusal);

/// <summary>
/// The import of <c>./gridgov import grids</c> and <c>POST /api/import/grids</c>: a level into a named draft (made
/// from the published plan when it does not exist) or into a fresh draft, then a publish when asked. A fresh draft
/// whose import or publish fails is dropped again, so nothing is half-imported.
/// </summary>
public sealed class ImportFlow(GridGovDb db, PlanPublisher publisher, TimeProvider clock)
{
    public async Task<ImportFlowResult> RunAsync(Stream file, PlanImportOptions options, string? planName, bool publish, Actor actor,
        Validation v, Action<string>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Plan? draft;
        bool fresh;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            draft = planName is null ? null : await db.Plans.FirstOrDefaultAsync(p => p.Name == planName && p.Status == PlanStatus.Draft, ct);
            fresh = draft is null;
            draft ??= await PlanStore.CreateDraftAsync(db, planName ?? $"导入{GridGov.Api.Grids.GridImporter.Chinese(options.Level)} {now:yyyy-MM-dd HH:mm}",
                await PlanStore.PublishedAsync(db, ct), actor.Name, now, ct);
            var (plan, refusal) = await PlanStore.TakeDraftAsync(db, draft.Id, null, ct);
            if (plan is null) return new ImportFlowResult(null, null, null, null, refusal);
            var imported = await PlanImport.ImportAsync(db, plan, file, options, actor.Name, now, v, progress, ct);
            if (imported is null) return new ImportFlowResult(null, null, null, null, null); // rolled back, fresh draft too
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            draft = plan;
            if (!publish) return new ImportFlowResult(imported, plan, null, null, null);
            progress?.Invoke($"publishing plan {plan.Id} ({plan.Name}) ...");
            var (published, refused) = await publisher.PublishAsync(plan.Id, null, actor, clock.GetUtcNow(), ct);
            if (refused is not null && fresh)
            {
                db.ChangeTracker.Clear();
                await db.Plans.Where(p => p.Id == plan.Id && p.Status == PlanStatus.Draft).ExecuteDeleteAsync(CancellationToken.None);
            }
            return new ImportFlowResult(imported, plan, published, refused, null);
        }
    }
}
