using System.Globalization;

namespace GridGov.Api.Streetlights;

/// <summary>
/// The roll-up rule of outage management: when the open reports under one node of the radial tree (a circuit's lamps,
/// a cabinet's circuits) reach a count or a share of its members within the window, the fault is predicted at that
/// node. Pure and allocation-light: the figure "roll-up decision per report" times this.
/// </summary>
public static class FaultRule
{
    /// <summary>What the rule found, with the sentence the case history keeps.</summary>
    public readonly record struct Verdict(bool Fault, int Reported, int Members, int Threshold, string Explanation);

    /// <summary>The reports needed: the count, or the share of the members if that comes first, and never fewer than two.</summary>
    public static int Threshold(int members, int count, double share) =>
        Math.Max(2, Math.Min(count, (int)Math.Ceiling(share * Math.Max(members, 1) - 1e-9)));

    /// <param name="node">The circuit's or cabinet's code.</param>
    /// <param name="level">circuit or cabinet.</param>
    /// <param name="members">Lamps on the circuit, or circuits of the cabinet.</param>
    /// <param name="reported">Distinct lamps (circuits) with an open report (fault) within the window, this one included.</param>
    public static Verdict Judge(string node, string level, int members, int reported, int count, double share, double windowHours)
    {
        var threshold = Threshold(members, count, share);
        var fault = reported >= threshold;
        var shareNow = members > 0 ? (double)reported / members : 0;
        var (unit, memberUnit, upstream) = level == "circuit" ? ("盏灯", "盏", "回路") : ("条回路", "条", "配电箱");
        var ci = CultureInfo.InvariantCulture;
        var rule = string.Create(ci, $"阈值 {threshold} {memberUnit}（{count} {memberUnit}或 {share:P0}，取先到者）");
        var explanation = fault
            ? string.Create(ci, $"{upstream} {node} 共 {members} {unit}，{windowHours:0.#} 小时内 {reported} {memberUnit}报修（{shareNow:P0}），达到{rule}：研判为{upstream}故障，转线路组 ({level} fault predicted: {reported} of {members} within {windowHours:0.#} h, threshold {threshold})")
            : string.Create(ci, $"{upstream} {node} 共 {members} {unit}，{windowHours:0.#} 小时内 {reported} {memberUnit}报修（{shareNow:P0}），未达{rule} ({reported} of {members}, threshold {threshold}: no {level} fault)");
        return new Verdict(fault, reported, members, threshold, explanation);
    }
}
