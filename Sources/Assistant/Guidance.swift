import Documents
import Foundation
import Store

/// An expert's guidance compiled into document preferences that retrieval and answering apply.
///
/// Understood forms (case-insensitive; the descriptions name documents by words of their path or
/// title):
/// - "prefer A over B" (also "to B", "rather than B"): passages of A-documents gain, of B lose;
/// - "prefer A" (also "favour"/"favor", "trust"): A-documents gain;
/// - "avoid A" (also "distrust", "deprioritise"/"deprioritize"): A-documents lose;
/// - "ignore A" (also "do not use", "don't use", "never use", "exclude"): A-documents are left out;
/// - "only use A" (also "use only"): everything else is left out.
/// A document matches a description when every content word of it agrees with a word of the
/// document's path or title (`annual reports` matches `amcor-annual-report-2023.pdf`). Guidance
/// in another form compiles to no rule (`compile` lists it); generative answers get it as advice.
public struct Guidance: Sendable, Equatable {
    /// What one note asks for.
    public enum Rule: Sendable, Equatable {
        case prefer(String)
        case avoid(String)
        case exclude(String)
        case only(String)
    }

    public let rules: [Rule]
    /// How much a preferred document's passages gain (and an avoided one's lose), in score.
    public var weight = 0.1

    public init(rules: [Rule]) { self.rules = rules }

    /// The rules of one note, or nil when it is in no understood form.
    public static func compile(_ note: String) -> [Rule]? {
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ".!"))
        let lower = text.lowercased()
        func rest(after prefixes: [String]) -> String? {
            for p in prefixes where lower.hasPrefix(p + " ") {
                let r = String(text.dropFirst(p.count + 1)).trimmingCharacters(in: .whitespaces)
                return r.isEmpty ? nil : r
            }
            return nil
        }
        if let r = rest(after: ["prefer", "favour", "favor", "trust"]) {
            for separator in [" over ", " to ", " rather than ", " instead of "] {
                if let range = r.range(of: separator, options: .caseInsensitive) {
                    let a = String(r[..<range.lowerBound]), b = String(r[range.upperBound...])
                    if !described(a).isEmpty && !described(b).isEmpty { return [.prefer(a), .avoid(b)] }
                }
            }
            return described(r).isEmpty ? nil : [.prefer(r)]
        }
        if let r = rest(after: ["only use", "use only"]) { return described(r).isEmpty ? nil : [.only(r)] }
        if let r = rest(after: ["ignore", "do not use", "don't use", "never use", "exclude"]) {
            return described(r).isEmpty ? nil : [.exclude(r)]
        }
        if let r = rest(after: ["avoid", "distrust", "deprioritise", "deprioritize"]) { return described(r).isEmpty ? nil : [.avoid(r)] }
        return nil
    }

    /// The guidance of some notes, and the notes it did not understand.
    public static func compile(_ notes: [GuidanceNote]) -> (guidance: Guidance, unrecognised: [GuidanceNote]) {
        var rules: [Rule] = [], unrecognised: [GuidanceNote] = []
        for note in notes {
            if let r = compile(note.text) { rules += r } else { unrecognised.append(note) }
        }
        return (Guidance(rules: rules), unrecognised)
    }

    /// The stems of a description's content words ("the annual reports" → annual, report).
    static func described(_ description: String) -> [String] {
        Words.split(description).filter { !Words.stopwords.contains($0) && !["document", "documents", "file", "files"].contains($0) }
            .map(Words.stem)
    }

    /// Whether a document (by its path and title) fits a description.
    public static func matches(_ description: String, path: String, title: String?) -> Bool {
        let wanted = described(description)
        let have = Words.stems(path + " " + (title ?? ""))
        return !wanted.isEmpty && wanted.allSatisfy { w in have.contains { Words.agree($0, w) } }
    }

    /// The documents left in scope: without excluded ones, and only the `only` ones when given.
    public func allowed(_ documents: [DocumentRecord]) -> [DocumentRecord] {
        documents.filter { d in
            for rule in rules {
                switch rule {
                case .exclude(let a) where Self.matches(a, path: d.path, title: d.title): return false
                case .only(let a) where !Self.matches(a, path: d.path, title: d.title): return false
                default: continue
                }
            }
            return true
        }
    }

    /// The change to a passage's score for being in this document.
    public func adjustment(path: String, title: String?) -> Double {
        rules.reduce(0) { total, rule in
            switch rule {
            case .prefer(let a) where Self.matches(a, path: path, title: title): total + weight
            case .avoid(let a) where Self.matches(a, path: path, title: title): total - weight
            default: total
            }
        }
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// Whether any rule narrows the documents searched.
    var restrictsScope: Bool {
        rules.contains { if case .prefer = $0 { false } else if case .avoid = $0 { false } else { true } }
    }
}

extension Guidance.Rule: CustomStringConvertible {
    public var description: String {
        switch self {
        case .prefer(let a): "prefer documents matching \"\(a)\""
        case .avoid(let a): "rank documents matching \"\(a)\" lower"
        case .exclude(let a): "leave out documents matching \"\(a)\""
        case .only(let a): "use only documents matching \"\(a)\""
        }
    }
}
