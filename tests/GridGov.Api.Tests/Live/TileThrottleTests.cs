using GridGov.Api.Live;

namespace GridGov.Api.Tests.Live;

public class TileThrottleTests
{
    [Fact]
    public void An_idle_tile_sends_at_once_and_a_busy_one_once_per_tick()
    {
        var throttle = new TileThrottle(500);
        Assert.True(throttle.TryTake("14/1/1", 1_000));   // never sent: at once
        Assert.False(throttle.TryTake("14/1/1", 1_050));  // within the tick: waits
        Assert.False(throttle.TryTake("14/1/1", 1_499));
        Assert.True(throttle.TryTake("14/2/2", 1_050));   // another tile is not held up
        Assert.True(throttle.TryTake("14/1/1", 1_500));   // a whole tick later
        Assert.False(throttle.TryTake("14/1/1", 1_600));
        Assert.True(throttle.TryTake("14/1/1", 1_600, force: true)); // a flush sends whatever
        Assert.False(throttle.TryTake("14/1/1", 2_000));  // and counts as the tile's send
        Assert.True(throttle.TryTake("14/1/1", 2_100));
    }
}
