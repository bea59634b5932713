import Foundation

/// One thing wrong with a row.
public struct Violation: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The field (`line_items[2].amount` inside a table), or the rule's fields for a cross-field rule.
    public let field: String
    /// What was checked: `required`, `type`, `format`, `enum`, `pattern`, `minimum`, `maximum`,
    /// `minLength`, `maxLength`, `minItems`, `maxItems`, or `rule: <source>`.
    public let rule: String
    public let message: String

    public var description: String { "\(field): \(message)" }
}

/// What a validator says about a row: the violations, and a validity score in [0, 1] (the share of
/// checks passed; a rule that cannot be checked because its fields are empty does not count).
public struct ValidationReport: Sendable, Equatable {
    public let violations: [Violation]
    public let checks: Int
    public var passed: Int { checks - violations.count }
    public var score: Double { checks == 0 ? 1 : Double(passed) / Double(checks) }
    public var isValid: Bool { violations.isEmpty }
}

/// Checks rows against a schema: presence of required fields, types and formats, enums, patterns,
/// ranges, lengths, item counts, the fields of every table row, and the cross-field rules.
public struct Validator: Sendable {
    public let schema: Schema
    let rules: [(spec: Schema.RuleSpec, rule: Rule)]

    /// Compiles the schema's rules; a rule that does not parse is reported with its JSON pointer.
    public init(schema: Schema, file: String = "schema") throws(SchemaError) {
        self.schema = schema
        var compiled: [(Schema.RuleSpec, Rule)] = []
        for spec in schema.rules {
            do { compiled.append((spec, try Rule(spec.source, tolerance: spec.tolerance))) } catch {
                throw .invalidSchema(file: file, pointer: spec.pointer, reason: "\(error)")
            }
        }
        rules = compiled
    }

    public func validate(_ row: [String: Value]) -> ValidationReport {
        var violations: [Violation] = []
        var checks = 0
        check(row, fields: schema.fields, prefix: "", violations: &violations, checks: &checks)
        // Rules see a field with the wrong type as empty: it is already reported, and a rule cannot
        // say anything sensible about it.
        var typed = row
        for v in violations where v.rule == "type" || v.rule == "format" { typed[v.field] = nil }
        for (spec, rule) in rules {
            switch rule.evaluate(typed) {
            case .passed: checks += 1
            case .notApplicable: break
            case .failed(let message):
                checks += 1
                violations.append(
                    Violation(
                        field: rule.fields.sorted().joined(separator: ", "), rule: "rule: \(spec.source)",
                        message: spec.message.map { "\($0) (\(message))" } ?? message))
            }
        }
        return ValidationReport(violations: violations, checks: checks)
    }

    private func check(_ row: [String: Value], fields: [Field], prefix: String, violations: inout [Violation], checks: inout Int) {
        for field in fields {
            let name = prefix + field.name
            let value = row[field.name] ?? .null
            let empty: Bool =
                switch value {
                case .null: true
                case .array(let items): items.isEmpty
                case .string(let s): s.isEmpty
                default: false
                }
            if field.required {
                checks += 1
                if empty { violations.append(Violation(field: name, rule: "required", message: "is required but empty")); continue }
            }
            if empty { continue }
            switch field.kind {
            case .scalar(let type):
                Self.checkScalar(value, type, name, &violations, &checks)
            case .list(let type, let minItems, let maxItems):
                guard case .array(let items) = value else {
                    checks += 1
                    violations.append(Violation(field: name, rule: "type", message: "expected a list of \(type.base.rawValue) values, got \(value)"))
                    continue
                }
                for (i, item) in items.enumerated() { Self.checkScalar(item, type, "\(name)[\(i)]", &violations, &checks) }
                if let minItems {
                    checks += 1;
                    if items.count < minItems {
                        violations.append(
                            Violation(field: name, rule: "minItems", message: "has \(items.count) values, at least \(minItems) expected"))
                    }
                }
                if let maxItems {
                    checks += 1;
                    if items.count > maxItems {
                        violations.append(
                            Violation(field: name, rule: "maxItems", message: "has \(items.count) values, at most \(maxItems) expected"))
                    }
                }
            case .table(let inner):
                guard case .array(let rows) = value else {
                    checks += 1
                    violations.append(Violation(field: name, rule: "type", message: "expected rows, got \(value)"))
                    continue
                }
                for (i, item) in rows.enumerated() {
                    guard case .object(let sub) = item else {
                        checks += 1
                        violations.append(Violation(field: "\(name)[\(i)]", rule: "type", message: "expected a row of fields, got \(item)"))
                        continue
                    }
                    check(sub, fields: inner, prefix: "\(name)[\(i)].", violations: &violations, checks: &checks)
                }
            }
        }
    }

    private static func checkScalar(_ value: Value, _ type: ScalarType, _ name: String, _ violations: inout [Violation], _ checks: inout Int) {
        func fail(_ rule: String, _ message: String) { violations.append(Violation(field: name, rule: rule, message: message)) }
        checks += 1
        guard Self.matches(value, type) else {
            let expected = type.format.map { "a \($0.rawValue)" } ?? "a value of type \(type.base.rawValue)"
            fail(type.format == nil ? "type" : "format", "expected \(expected), got \(value)")
            return
        }
        if let options = type.enumValues {
            checks += 1
            if !options.contains(value.description) { fail("enum", "\(value) is not one of \(options.joined(separator: ", "))") }
        }
        if case .string(let s) = value {
            if let pattern = type.pattern {
                checks += 1
                if s.range(of: pattern, options: .regularExpression) == nil { fail("pattern", "\"\(s)\" does not match \(pattern)") }
            }
            let length = s.count
            if let min = type.minLength { checks += 1; if length < min { fail("minLength", "is \(length) characters, at least \(min) expected") } }
            if let max = type.maxLength { checks += 1; if length > max { fail("maxLength", "is \(length) characters, at most \(max) expected") } }
            if type.format == .email { checks += 1; if !Self.isEmail(s) { fail("format", "\"\(s)\" is not an email address") } }
            if type.format == .uri { checks += 1; if !Self.isURI(s) { fail("format", "\"\(s)\" is not a URI") } }
        }
        if let number = value.numeric {
            if let min = type.minimum { checks += 1; if number < min { fail("minimum", "\(value) is below the minimum \(Value.number(min))") } }
            if let max = type.maximum { checks += 1; if number > max { fail("maximum", "\(value) is above the maximum \(Value.number(max))") } }
        }
    }

    /// Whether a single value passes every check of its type (shape, enum, pattern, range, length).
    package static func accepts(_ value: Value, _ type: ScalarType) -> Bool {
        var violations: [Violation] = []
        var checks = 0
        Validator.checkScalar(value, type, "", &violations, &checks)
        return violations.isEmpty
    }

    /// Whether a value has the shape the type stores (dates as `.date`, date-times as `.dateTime`).
    static func matches(_ value: Value, _ type: ScalarType) -> Bool {
        switch (type.base, type.format, value) {
        case (.string, .date?, .date), (.string, .dateTime?, .dateTime): true
        case (.string, .date?, _), (.string, .dateTime?, _): false
        case (.string, _, .string), (.number, _, .number), (.number, _, .integer), (.integer, _, .integer), (.boolean, _, .boolean): true
        case (.integer, _, .number(let d)): d == d.rounded()
        default: false
        }
    }

    /// What `format: email` requires (also enforced while decoding by `JSONConstraint`).
    package static let emailPattern = #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#

    static func isEmail(_ s: String) -> Bool {
        s.range(of: emailPattern, options: .regularExpression) != nil
    }

    static func isURI(_ s: String) -> Bool {
        guard let url = URL(string: s), let scheme = url.scheme else { return false }
        return !scheme.isEmpty && (url.host != nil || scheme == "mailto" || scheme == "urn")
    }
}
