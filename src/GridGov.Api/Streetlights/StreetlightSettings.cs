namespace GridGov.Api.Streetlights;

/// <summary>Configuration section <c>Streetlights</c>: how reports find their lamp and when they roll up into a fault.</summary>
public sealed class StreetlightSettings
{
    /// <summary>A lamp report without a code snaps to the nearest lamp within this distance (FixMyStreet's asset layers use ~50 m).</summary>
    public double SnapM { get; set; } = 50;
    /// <summary>A report naming a lamp but placed farther than this from it is refused: one of the two is wrong.</summary>
    public double MismatchM { get; set; } = 500;
    /// <summary>Lamp-out reports count toward a circuit fault while they are this recent and open.</summary>
    public double FaultWindowHours { get; set; } = 6;
    /// <summary>This many dark lamps on one circuit within the window predict a circuit fault…</summary>
    public int FaultCount { get; set; } = 3;
    /// <summary>…or this share of the circuit's lamps, whichever comes first (never fewer than two reports).</summary>
    public double FaultShare { get; set; } = 0.3;
    /// <summary>Circuits of one cabinet with open faults that predict a cabinet fault…</summary>
    public int CabinetFaultCount { get; set; } = 3;
    /// <summary>…or this share of the cabinet's circuits (never fewer than two).</summary>
    public double CabinetFaultShare { get; set; } = 0.5;
    /// <summary>Categories about a lamp (go to the repair group, roll up into circuit faults).</summary>
    public string[] LampCategories { get; set; } = ["01037"];
    /// <summary>Categories about a power cabinet (go to the line group).</summary>
    public string[] CabinetCategories { get; set; } = ["01060"];
    /// <summary>Every circuit is checked by a night patrol at least once in this many nights.</summary>
    public int PatrolNights { get; set; } = 3;
}
