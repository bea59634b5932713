import Documents
import Extraction
import Foundation
import Schema

/// Compiles an expert's sentence into a `Guideline`: it normalises the wording (`must be`,
/// `should always be`, `are` → `is`; `must not`, `never`, `doesn't` → `not`), recognises one of a
/// fixed set of sentence forms, and finds the fields its subject names. The forms, with X the
/// subject:
///
/// - X is present / required / not empty / never empty / has a value
/// - X is (in / written in) upper case / capitals / lower case
/// - X includes / ends with / has / keeps the legal suffix; X does not include… / is without the legal suffix
/// - X has / is at most / at least / exactly / up to N words / characters (long)
/// - X is at least / at most / more than / less than / above / below / between… a number, or a length of time (`5 years`)
/// - X is positive / negative / non-negative; X does not exceed N
/// - X is one of / either / any of a, b or c
/// - X is a duration / a length of time / a period
/// - X starts / ends with "text" (quoted, or one word)
/// - X is the … of Y, not (of) Z; X is Y, not Z; X refers to / is about / concerns Y
///
/// The subject names a field by its name in words (`party names` names `parties` and
/// `party_name`; singular and plural agree), or, failing that, by part of the name of exactly one
/// field (`the vendor` for `vendor_name`), or by the words of the field's description (at least
/// half of the subject's words). Anything else is `TuningError.unrecognisedGuideline`.
extension GuidelineJudge {
    /// The check `text` states, or why there is none.
    public static func compile(_ text: String, schema: Schema) -> Result<Guideline, TuningError> {
        let sentence = normalised(text)
        guard let (subject, check) = recognise(sentence) else {
            let named = fields(in: sentence, schema: schema)
            let reason =
                named.isEmpty
                ? "neither a form the guideline judge understands nor one that names a field"
                : "names \(named.joined(separator: ", ")) but is not a form the guideline judge understands"
            return .failure(.unrecognisedGuideline(guideline: text, reason: reason))
        }
        let named = fields(in: subject, schema: schema)
        guard !named.isEmpty else {
            return .failure(.unrecognisedGuideline(guideline: text, reason: "\"\(subject)\" names no field of the schema"))
        }
        return .success(Guideline(text: text, fields: named, check: check))
    }

    /// Lower case, straight quotes, no final period, modal verbs reduced to `is` and `not`.
    static func normalised(_ text: String) -> String {
        var s = text.lowercased()
            .replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "'")
            .replacingOccurrences(of: "\u{201C}", with: "\"").replacingOccurrences(of: "\u{201D}", with: "\"")
        s = s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while let last = s.last, ".;!".contains(last) { s.removeLast() }
        let rewrites: [(String, String)] = [
            (#"\b(must|should|shall|will) always be\b"#, "is"),
            (#"\b(must|should|shall|will|has to|have to|needs to|need to|ought to) be\b"#, "is"),
            (#"\b(is|are) always\b"#, "is"),
            (#"\bare\b"#, "is"),
            (#"\b(must|should|shall|do|does|will|can|may) not\b"#, "not"),
            (#"\b(doesn't|don't|mustn't|shouldn't|cannot|can't|never|won't)\b"#, "not"),
            (#"\b(must|should|shall|always|will) "#, ""),
        ]
        for (pattern, replacement) in rewrites {
            if let regex = try? Regex(pattern) { s = s.replacing(regex, with: replacement) }
        }
        return s.split(separator: " ").joined(separator: " ")
    }

    /// The subject and the check of a normalised sentence, when it has a known form.
    static func recognise(_ s: String) -> (subject: String, check: Guideline.Check)? {
        let subject = "(.+?)"
        let atLeast =
            "at least|no less than|not less than|no fewer than|not fewer than|greater than or equal to|more than or equal to|equal to or greater than|equal to or more than|>="
        let atMost = "at most|no more than|not more than|less than or equal to|equal to or less than|up to|<="
        let above = "greater than|more than|larger than|higher than|above|over|>"
        let below = "less than|fewer than|smaller than|lower than|below|under|<"
        func bounds(_ phrase: String, _ x: Double) -> Guideline.Bounds {
            let among = { (options: String) in options.split(separator: "|").contains { $0 == phrase } }
            if among(atLeast) { return .init(minimum: x) }
            if among(atMost) { return .init(maximum: x) }
            if among(above) { return .init(minimum: x, strict: true) }
            return .init(maximum: x, strict: true)
        }
        let bound = "(\(atLeast)|\(atMost)|\(above)|\(below))"
        let legal =
            "(?:the |a |an |their |its |any )?(?:full |company |company's |corporate |entity )?legal (?:suffix|suffixes|form|forms|entity suffix|entity type)(?: .*)?"
        let topical = "(?:is|refers to|is about|means|concerns|describes|measures|covers)"

        if let m = match(
            "^\(subject) (?:is )?(?:not empty|not blank|not null|not missing|present|required|mandatory|given|filled in|filled|has a value|exists|not omitted|not left empty|not left blank)$",
            s)
        {
            return (m[0], .present)
        }
        if let m = match(
            "^\(subject) is (?:in |written in |all |in all |entirely |entirely in )?(upper ?case|uppercase|capitals|capital letters|all caps|caps|lower ?case|lowercase|small letters)(?: letters)?$",
            s)
        {
            return (m[0], .upperCase(!(m[1].hasPrefix("lower") || m[1] == "small letters")))
        }
        if let m = match(
            "^\(subject) (not )?(?:include|includes|including|end with|ends with|end in|ends in|contain|contains|carry|carries|keep|keeps|retain|retains|has|have|is with|come with|comes with|is written with|is given with|with|show|shows|give|gives) \(legal)$",
            s)
        {
            return (m[0], .legalSuffix(m[1].isEmpty))
        }
        if let m = match("^\(subject) (?:is )?(?:given |written )?without \(legal)$", s) {
            return (m[0], .legalSuffix(false))
        }
        if let m = match(
            "^\(subject) (?:is|has|have|contain|contains|is made of|consist of|consists of|use|uses) (\(atLeast)|\(atMost)|exactly) (\\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty) (words?|characters?|letters?|chars?)(?: long)?$",
            s),
            let n = count(m[2])
        {
            let limits = m[1] == "exactly" ? Guideline.Bounds(minimum: n, maximum: n) : bounds(m[1], n)
            return (m[0], m[3].hasPrefix("word") ? .words(limits) : .characters(limits))
        }
        if let m = match("^\(subject) is \(bound) (.+ (?:days?|weeks?|months?|years?))$", s), let days = Guideline.Check.days(m[2]) {
            return (m[0], .durationDays(bounds(m[1], days)))
        }
        if let m = match("^\(subject) is \(bound) (\\S+)$", s), let x = ValueParser.number(m[2]) {
            return (m[0], .number(bounds(m[1], x)))
        }
        if let m = match("^\(subject) is between (\\S+) and (\\S+)$", s), let a = ValueParser.number(m[1]), let b = ValueParser.number(m[2]) {
            return (m[0], .number(.init(minimum: min(a, b), maximum: max(a, b))))
        }
        if let m = match("^\(subject) is (positive|negative|non-negative|nonnegative|not negative|zero or more|zero or greater)$", s) {
            let limits: Guideline.Bounds =
                m[1] == "positive"
                ? .init(minimum: 0, strict: true)
                : m[1] == "negative" ? .init(maximum: 0, strict: true) : .init(minimum: 0)
            return (m[0], .number(limits))
        }
        if let m = match("^\(subject) (not )?(?:exceed|exceeds) (\\S+)$", s), let x = ValueParser.number(m[2]) {
            return (m[0], .number(m[1].isEmpty ? .init(minimum: x, strict: true) : .init(maximum: x)))
        }
        if let m = match(
            "^\(subject) is (?:one of|either|any of|among|chosen from|taken from|limited to|restricted to)(?: the following)?:? (.+)$", s)
        {
            let items = m[1].split(omittingEmptySubsequences: true) { ",;/".contains($0) }
                .flatMap { $0.components(separatedBy: " or ") }.flatMap { $0.components(separatedBy: " and ") }
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"'()[]{}")) }
                .map { $0.hasPrefix("or ") ? String($0.dropFirst(3)) : $0.hasPrefix("and ") ? String($0.dropFirst(4)) : $0 }
                .filter { !$0.isEmpty }
            if items.count >= 2 { return (m[0], .oneOf(items)) }
        }
        if let m = match(
            "^\(subject) is (?:given |stated |expressed |written )?(?:as |in )?(?:a |an )?(?:duration|length of time|period of time|time period|period|span of time|time span|number of (?:days|weeks|months|years))$",
            s)
        {
            return (m[0], .duration)
        }
        if let m = match("^\(subject) (not )?(start|starts|begin|begins|end|ends) with (\"[^\"]+\"|'[^']+'|\\S+)$", s) {
            let literal = m[3].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            let starts = m[2].hasPrefix("start") || m[2].hasPrefix("begin")
            return (m[0], starts ? .prefix(literal, m[1].isEmpty) : .suffix(literal, m[1].isEmpty))
        }
        // For these the order of the captures is subject, [head,] topic, contrast.
        if let m = match(
            "^\(subject) \(topical) (?:the |a |an )?(.+?) (?:of|for|about|under|in) (.+?),? (?:and |but )?not (?:of |for |about |under |in )?(?:the |a |an )?(.+)$",
            s)
        {
            return (m[0], .about(m[2], not: m[3]))
        }
        if let m = match("^\(subject) \(topical) (?:the |a |an )?(.+?),? (?:and |but )?not (?:the |a |an )?(.+)$", s) {
            return (m[0], .about(m[1], not: m[2]))
        }
        if let m = match("^\(subject) (?:refers to|is about|concerns|relates to) (?:the |a |an )?(.+)$", s) {
            return (m[0], .about(m[1], not: nil))
        }
        return nil
    }

    /// The fields a subject names: by name (the longest names win where they overlap), else by
    /// part of one field's name, else by the words of their descriptions.
    static func fields(in subject: String, schema: Schema) -> [String] {
        let stems = Words.stems(subject)
        var found: [(name: String, range: Range<Int>)] = []
        for field in schema.fields {
            let name = Words.stems(words(ofName: field.name))
            guard !name.isEmpty, name.count <= stems.count else { continue }
            if let start = (0...(stems.count - name.count)).first(where: { s in zip(name, stems[s...]).allSatisfy(Words.agree) }) {
                found.append((field.name, start..<(start + name.count)))
            }
        }
        let named = found.filter { f in
            !found.contains { o in
                o.range.count > f.range.count && o.range.lowerBound <= f.range.lowerBound && f.range.upperBound <= o.range.upperBound
            }
        }
        if !named.isEmpty { return named.map(\.name) }
        let wanted = Set(Words.content(subject))
        guard !wanted.isEmpty else { return [] }
        // Part of one field's name (`the vendor` for `vendor_name`), when no other field shares it.
        let partial = schema.fields.filter { field in
            let name = Words.stems(words(ofName: field.name))
            return wanted.allSatisfy { w in name.contains { Words.agree($0, w) } }
        }
        if partial.count == 1 { return partial.map(\.name) }
        let overlaps = schema.fields.map { field in
            let described = Words.content(field.description ?? "")
            return (field.name, wanted.filter { w in described.contains { Words.agree($0, w) } }.count)
        }
        guard let best = overlaps.map(\.1).max(), best > 0, 2 * best >= wanted.count else { return [] }
        return overlaps.filter { $0.1 == best }.map(\.0)
    }

    /// A field's name in words: `party_name` and `partyName` are `party name`.
    static func words(ofName name: String) -> String {
        var out = ""
        for c in name {
            if c.isUppercase, let last = out.last, last.isLowercase { out += " " }
            out.append(c == "_" || c == "-" ? " " : c)
        }
        return out
    }

    /// The captures of a whole match, empty strings for groups that did not take part.
    private static func match(_ pattern: String, _ text: String) -> [String]? {
        guard let regex = try? Regex(pattern), let m = try? regex.wholeMatch(in: text) else { return nil }
        return (1..<m.output.count).map { m.output[$0].substring.map(String.init) ?? "" }
    }

    private static func count(_ word: String) -> Double? {
        let words = [
            "one": 1.0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "twelve": 12, "twenty": 20,
        ]
        return Double(word) ?? words[word]
    }
}
