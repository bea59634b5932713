/// Arithmetic, functions and message formatting for `RuleEvaluator`.
extension RuleEvaluator {
    func arithmetic(_ op: ArithmeticOperator, _ left: RuleNode, _ right: RuleNode, _ node: RuleNode) throws(RuleStop) -> Value {
        let a = try operand(left), b = try operand(right)
        if let x = a.numeric, let y = b.numeric {
            switch op {
            case .add: return .number(x + y)
            case .subtract: return .number(x - y)
            case .multiply: return .number(x * y)
            case .divide:
                guard y != 0 else { throw .failed("division by zero in \(text(node)) (\(describe(right, b)))") }
                return .number(x / y)
            }
        }
        switch (op, a, b) {
        case (.subtract, .date(let x), .date(let y)): return .number(Double(x.dayNumber - y.dayNumber))
        case (.add, .date(let d), _): if let n = b.numeric { return try shift(d, by: n, node) }
        case (.subtract, .date(let d), _): if let n = b.numeric { return try shift(d, by: -n, node) }
        case (.add, _, .date(let d)): if let n = a.numeric { return try shift(d, by: n, node) }
        default: break
        }
        throw .failed("cannot apply '\(op.rawValue)' to \(describe(left, a)) (\(kind(a))) and \(describe(right, b)) (\(kind(b)))")
    }

    /// `date ± days`: the days must be whole and the result a valid date.
    private func shift(_ date: LocalDate, by days: Double, _ node: RuleNode) throws(RuleStop) -> Value {
        guard days == days.rounded(), Swift.abs(days) < 4_000_000,
            let result = LocalDate(dayNumber: date.dayNumber + Int(days))
        else {
            throw .failed("\(text(node)) is not a valid date (\(date.iso) and \(format(.number(days))) days)")
        }
        return .date(result)
    }

    func call(_ function: RuleFunction, _ arguments: [RuleNode]) throws(RuleStop) -> Value {
        guard let first = arguments.first else { throw .failed("\(function.rawValue) needs an argument") }
        switch function {
        case .abs:
            return .number(Swift.abs(try number(first, function)))
        case .round:
            let x = try number(first, function)
            let digits = arguments.count > 1 ? try number(arguments[1], function) : 0
            guard digits == digits.rounded(), (0...12).contains(digits) else {
                throw .failed("round needs 0 to 12 digits, got \(format(.number(digits)))")
            }
            let scale = (0..<Int(digits)).reduce(1.0) { p, _ in p * 10 }
            // Nudge by a relative epsilon so 2.675 (stored as 2.67499…) rounds to 2.68 as written.
            let scaled = x * scale
            return .number((scaled + scaled.sign.factor * 1e-9 * Swift.max(1, Swift.abs(scaled))).rounded() / scale)
        case .sum:
            var total = 0.0
            for item in try elements(first) {
                if item.isNull { throw .notApplicable }
                guard let n = item.numeric else { throw .failed("sum(\(text(first))) needs numbers, got \(format(item))") }
                total += n
            }
            return .number(total)
        case .count:
            return .integer(Int64(try elements(first).filter { !$0.isNull }.count))
        case .min, .max:
            var values: [Value] = []
            for argument in arguments { values += try elements(argument) }
            if values.isEmpty || values.contains(where: \.isNull) { throw .notApplicable }
            var best = values[0]
            for v in values.dropFirst() {
                guard let less = holds(.less, v, best, tolerance: 0) else {
                    throw .failed("\(function.rawValue) cannot compare \(format(best)) (\(kind(best))) with \(format(v)) (\(kind(v)))")
                }
                let greater = holds(.greater, v, best, tolerance: 0) ?? false
                if function == .min ? less : greater { best = v }
            }
            return best
        }
    }

    private func number(_ node: RuleNode, _ function: RuleFunction) throws(RuleStop) -> Double {
        let v = try operand(node)
        guard let d = v.numeric else { throw .failed("\(function.rawValue) needs a number, got \(describe(node, v))") }
        return d
    }

    /// The items of a list argument, or the single value of any other (null makes the rule not applicable).
    private func elements(_ node: RuleNode) throws(RuleStop) -> [Value] {
        let v = try operand(node)
        if case .array(let items) = v { return items }
        return [v]
    }

    // MARK: Messages

    func text(_ node: RuleNode) -> String { String(source[node.range]) }

    /// A side of a comparison for messages: `total 110`, `12`, or `subtotal + tax = 100 + 12 = 112`.
    func describe(_ node: RuleNode, _ value: Value) -> String {
        switch node.kind {
        case .literal: return format(value)
        case .list where node.paths.isEmpty: return format(value)
        case .path: return "\(text(node)) \(format(value))"
        default:
            let written = text(node), substituted = self.substituted(node)
            if written == substituted { return written == format(value) ? written : "\(written) = \(format(value))" }
            return "\(written) = \(substituted) = \(format(value))"
        }
    }

    /// The node's source with each field replaced by its value.
    private func substituted(_ node: RuleNode) -> String {
        var result = ""
        var position = node.range.lowerBound
        for (path, range) in node.paths {
            result += String(source[position..<range.lowerBound])
            result += (try? lookup(path)).map(format) ?? "?"
            position = range.upperBound
        }
        return result + String(source[position..<node.range.upperBound])
    }

    /// A value for messages: text quoted, numbers to at most 6 decimals, long lists shortened.
    func format(_ value: Value) -> String {
        switch value {
        case .string(let s): return "\"\(s)\""
        case .number(let d):
            guard d.isFinite, Swift.abs(d) < 1e12 else { return value.description }
            return Value.number((d * 1e6).rounded() / 1e6 + 0).description
        case .array(let items) where items.count > 6:
            return "[" + items.prefix(5).map(format).joined(separator: ", ") + ", … \(items.count) values]"
        case .array(let items):
            return "[" + items.map(format).joined(separator: ", ") + "]"
        default: return value.description
        }
    }

    func kind(_ value: Value) -> String {
        switch value {
        case .string: "text"
        case .number, .integer: "number"
        case .boolean: "true/false"
        case .date: "date"
        case .dateTime: "date-time"
        case .array: "list"
        case .object: "object"
        case .null: "null"
        }
    }
}

extension FloatingPointSign {
    fileprivate var factor: Double { self == .minus ? -1 : 1 }
}
