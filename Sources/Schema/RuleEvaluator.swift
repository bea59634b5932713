/// Why evaluation stopped: a needed value is null or missing, or the rule cannot be computed.
enum RuleStop: Error {
    case notApplicable
    case failed(String)
}

/// Whether a condition holds, and a sentence with the values that decide it.
struct Truth {
    let holds: Bool
    let reason: String
}

/// Evaluates a parsed rule against one row.
struct RuleEvaluator {
    let row: [String: Value]
    let tolerance: Double
    let source: [Character]

    /// Evaluates a condition; `and` / `or` use three-valued logic over not-applicable operands.
    func truth(_ node: RuleNode) throws(RuleStop) -> Truth {
        switch node.kind {
        case .compare(let op, let left, let right, let inline):
            return try compare(op, left, right, tolerance: inline ?? tolerance)
        case .membership(let left, let right, let negated):
            let value = try operand(left), list = try operand(right)
            guard case .array(let items) = list else { throw .failed("'in' needs a list, got \(describe(right, list))") }
            let found = items.contains { holds(.equal, value, $0, tolerance: tolerance) == true }
            return Truth(holds: found != negated, reason: "\(describe(left, value)) \(found ? "in" : "not in") \(describe(right, list))")
        case .not(let inner):
            let truth = try truth(inner)
            return Truth(holds: !truth.holds, reason: truth.reason)
        case .logic(let isAnd, let left, let right):
            // `and` is decided by a false operand, `or` by a true one, even if the other is unknown.
            let a = try truthOrUnknown(left)
            if let a, a.holds != isAnd { return a }
            let b = try truthOrUnknown(right)
            if let b, b.holds != isAnd { return b }
            guard let a, let b else { throw .notApplicable }
            return Truth(holds: isAnd, reason: "\(a.reason)\(isAnd ? " and " : "; ")\(b.reason)")
        default:
            let value = try operand(node)
            guard case .boolean(let b) = value else { throw .failed("\(describe(node, value)) is not true or false") }
            return Truth(holds: b, reason: describe(node, value))
        }
    }

    private func truthOrUnknown(_ node: RuleNode) throws(RuleStop) -> Truth? {
        do { return try truth(node) } catch {
            if case .notApplicable = error { return nil }
            throw error
        }
    }

    private func compare(_ op: ComparisonOperator, _ left: RuleNode, _ right: RuleNode, tolerance t: Double) throws(RuleStop) -> Truth {
        if op == .equal || op == .notEqual, let other = presenceOperand(left, right) {
            var value = Value.null
            do { value = try self.value(other) } catch { if case .failed = error { throw error } }
            let present = !value.isNull
            let reason = present ? "\(describe(other, value)) is present" : "\(text(other)) is missing"
            return Truth(holds: present == (op == .notEqual), reason: reason)
        }
        let a = try operand(left), b = try operand(right)
        guard let result = holds(op, a, b, tolerance: t) else {
            throw .failed("cannot compare \(describe(left, a)) (\(kind(a))) with \(describe(right, b)) (\(kind(b)))")
        }
        var notes: [String] = []
        if let x = a.numeric, let y = b.numeric {
            if op == .equal || op == .notEqual, x != y { notes.append("off by \(format(.number(Swift.abs(x - y))))") }
            if t > 0 { notes.append("tolerance ± \(format(.number(t)))") }
        }
        let symbol = result ? op.symbol : op.negated.symbol
        let suffix = notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))"
        return Truth(holds: result, reason: "\(describe(left, a)) \(symbol) \(describe(right, b))\(suffix)")
    }

    /// The other side of a comparison with the literal `null`, which tests presence.
    private func presenceOperand(_ left: RuleNode, _ right: RuleNode) -> RuleNode? {
        if case .literal(.null) = right.kind { return left }
        if case .literal(.null) = left.kind { return right }
        return nil
    }

    /// Whether `a op b` holds, or nil when the two values cannot be compared.
    func holds(_ op: ComparisonOperator, _ a: Value, _ b: Value, tolerance t: Double) -> Bool? {
        let delta: Double, slack: Double
        if let x = a.numeric, let y = b.numeric {
            // The relative term absorbs binary rounding (0.1 + 0.2 == 0.3).
            delta = x - y
            slack = t + 1e-9 * Swift.max(1, Swift.abs(x), Swift.abs(y))
        } else if let order = order(a, b) {
            delta = Double(order)
            slack = 0
        } else if op == .equal || op == .notEqual, let same = sameKindEquality(a, b) {
            return same == (op == .equal)
        } else {
            return nil
        }
        switch op {
        case .equal: return Swift.abs(delta) <= slack
        case .notEqual: return Swift.abs(delta) > slack
        case .less: return delta < -slack
        case .lessOrEqual: return delta <= slack
        case .greater: return delta > slack
        case .greaterOrEqual: return delta >= -slack
        }
    }

    /// Day difference for dates, sign of the text order for text and date-times; nil when not ordered.
    private func order(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.date(let x), .date(let y)): return x.dayNumber - y.dayNumber
        case (.date, .string(let s)), (.date, .dateTime(let s)):
            return LocalDate(iso: String(s.prefix(10))).flatMap { order(a, .date($0)) }
        case (.string(let s), .date), (.dateTime(let s), .date):
            return LocalDate(iso: String(s.prefix(10))).flatMap { order(.date($0), b) }
        case (.string(let x), .string(let y)), (.dateTime(let x), .dateTime(let y)):
            return x == y ? 0 : (x < y ? -1 : 1)
        default: return nil
        }
    }

    private func sameKindEquality(_ a: Value, _ b: Value) -> Bool? {
        switch (a, b) {
        case (.boolean, .boolean), (.array, .array), (.object, .object): a == b
        default: nil
        }
    }

    /// A value that must be present: null makes the rule not applicable.
    func operand(_ node: RuleNode) throws(RuleStop) -> Value {
        let v = try value(node)
        if v.isNull { throw .notApplicable }
        return v
    }

    func value(_ node: RuleNode) throws(RuleStop) -> Value {
        switch node.kind {
        case .literal(let v): return v
        case .path(let path): return try lookup(path)
        case .list(let items):
            var values: [Value] = []
            for item in items { values.append(try value(item)) }
            return .array(values)
        case .call(let function, let arguments): return try call(function, arguments)
        case .negate(let inner):
            let v = try operand(inner)
            guard let d = v.numeric else { throw .failed("cannot negate \(describe(inner, v))") }
            return .number(-d)
        case .arithmetic(let op, let left, let right):
            return try arithmetic(op, left, right, node)
        case .compare, .membership, .not, .logic:
            return .boolean(try truth(node).holds)
        }
    }

    /// A field, or the values at a dotted path (arrays are mapped over and flattened).
    func lookup(_ path: [String]) throws(RuleStop) -> Value {
        guard let name = path.first else { return .null }
        var current = row[name] ?? .null
        for (i, key) in path.enumerated().dropFirst() {
            current = try step(current, key, prefix: path[..<i].joined(separator: "."))
        }
        return current
    }

    private func step(_ value: Value, _ key: String, prefix: String) throws(RuleStop) -> Value {
        switch value {
        case .null: return .null
        case .object(let fields): return fields[key] ?? .null
        case .array(let items):
            var result: [Value] = []
            for item in items {
                let v = try step(item, key, prefix: prefix)
                if case .array(let inner) = v { result += inner } else { result.append(v) }
            }
            return .array(result)
        default: throw .failed("\(prefix) is \(format(value)), not an object or a list of objects")
        }
    }
}
