import Foundation
import QuarryKit

extension Tune {
    /// What a tuning or training run did, in a few lines.
    static func summary(_ r: TuneReport) -> String {
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        let verb = r.method == .supervised ? "Trained" : "Tuned"
        let unit = r.method == .supervised ? "\(r.likelihood.count) epochs" : "\(r.steps.count) steps\(r.stoppedEarly ? " (stopped early)" : "")"
        var lines = [
            "\(verb) \(r.table): version \(r.version) from \(r.base) on \(r.training) documents "
                + "(\(r.heldBack) held back), \(unit) "
                + "in \(String(format: "%.1f", r.prepareSeconds + r.tuneSeconds)) s "
                + "(preparing \(String(format: "%.1f", r.prepareSeconds)) s)."
        ]
        for guideline in r.unrecognisedGuidelines { lines.append("Guideline not understood, not used: \(guideline)") }
        for k in r.restored {
            lines.append(
                "Kept the starting weights of \(k.field): tuning filled it in \(k.after) of \(k.documents) held-back documents instead of \(k.before)."
            )
        }
        if let b = r.before, let a = r.after {
            lines.append("Held back: mean reward \(f(b.meanReward)) → \(f(a.meanReward)), valid rows \(f(b.validRows)) → \(f(a.validRows)).")
            let judges = b.judges.keys.sorted().map { "\($0) \(f(b.judges[$0]!)) → \(f(a.judges[$0] ?? .nan))" }
            if !judges.isEmpty { lines.append("  judges: " + judges.joined(separator: ", ")) }
        }
        if let g = r.gold {
            lines.append(
                "Gold (\(g.documents) held-back documents\(r.method == .tao ? ", report only" : ""): micro-F1 \(f(g.before.micro.f1)) → \(f(g.after.micro.f1)), "
                    + "macro-F1 \(f(g.before.macroF1)) → \(f(g.after.macroF1)).")
            for (b, a) in zip(g.before.fields, g.after.fields) { lines.append("  \(b.field): F1 \(f(b.f1)) → \(f(a.f1))") }
            let after = Dictionary(g.judgesAfter.map { ($0.judge, $0.auc) }, uniquingKeysWith: { a, _ in a })
            let separation = g.judgesBefore.map { "\($0.judge) \($0.auc.map(f) ?? "–") → \((after[$0.judge] ?? nil).map(f) ?? "–")" }
            if !separation.isEmpty { lines.append("  judges' AUC at telling right values from wrong: " + separation.joined(separator: ", ")) }
        }
        lines.append(
            r.promoted
                ? "Promoted: quarry extract uses \(r.version) for \(r.table) (\(r.promotion))."
                : "Not promoted: \(r.promotion). Promote it with: quarry models promote \(r.version)")
        return lines.joined(separator: "\n")
    }
}
