using System.ComponentModel;
using System.Diagnostics;

namespace GridGov.Api.LifeCircles;

/// <summary>Why an OpenStreetMap import or export stopped, in a sentence for the county's admin. Nothing was written.</summary>
public sealed class OsmImportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The field's OSM tools (osmium-tool, osm2pgrouting) run as child processes, their output captured.</summary>
internal static class OsmTools
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr, int ProcessId)
    {
        /// <summary>The tool's own explanation: the last meaningful line of its error output (or standard output).</summary>
        public string Message
        {
            get
            {
                var lines = (Stderr.Trim().Length > 0 ? Stderr : Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return lines.Length == 0 ? $"exit code {ExitCode}" : lines[^1];
            }
        }
    }

    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["osmium"] = "osmium-tool",
        ["osm2pgrouting"] = "osm2pgrouting",
    };

    /// <summary>Runs TOOL ARGS…; a tool that is not installed is an <see cref="OsmImportException"/> naming its package.</summary>
    public static async Task<Run> RunAsync(string tool, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment, CancellationToken ct)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception ex)
        {
            throw new OsmImportException($"{tool} is not installed: install the Debian package {Packages.GetValueOrDefault(tool, tool)} (./gridgov installs it when run as root).", ex);
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return new Run(process.ExitCode, await stdout, await stderr, process.Id);
        }
    }

    /// <summary>Runs osmium with ARGS and throws with <paramref name="failure"/> and osmium's message when it fails.</summary>
    public static async Task<Run> OsmiumAsync(string workingDirectory, string failure, CancellationToken ct, params string[] args)
    {
        var run = await RunAsync("osmium", args, workingDirectory, null, ct);
        if (run.ExitCode != 0) throw new OsmImportException($"{failure}: {run.Message}");
        return run;
    }
}
