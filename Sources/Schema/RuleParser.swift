/// A lexical token: `symbol` holds normalised operators and the keywords `and or not in`.
struct RuleToken: Sendable {
    enum Kind: Equatable, Sendable {
        case number(Double)
        case string(String)
        case path([String])
        case literal(Value)
        case symbol(String)
        case end
    }
    let kind: Kind
    let range: Range<Int>

    func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }
}

/// Recursive-descent parser for the rule language (grammar in `Rule`'s documentation).
struct RuleParser {
    private let tokens: [RuleToken]
    private let source: [Character]
    private var index = 0
    private var depth = 0

    /// Parses a whole rule, which must be a condition.
    static func parse(_ source: String) throws(SchemaError) -> RuleNode {
        let characters = Array(source)
        let tokens = try RuleLexer.tokens(characters)
        // Bounds the tree's depth, so parsing and evaluation cannot exhaust the stack.
        guard tokens.count <= 500 else { throw SchemaError.invalidRule(message: "rule is too long (over 500 tokens)", position: 0) }
        var parser = RuleParser(tokens: tokens, source: characters)
        let root = try parser.expression()
        guard parser.peek.kind == .end else { throw parser.unexpected("expected end of rule") }
        try condition(root)
        return root
    }

    private init(tokens: [RuleToken], source: [Character]) { self.tokens = tokens; self.source = source }

    private static func condition(_ node: RuleNode) throws(SchemaError) {
        guard node.isCondition else {
            throw SchemaError.invalidRule(message: "expected a condition (a comparison, 'in', 'and', 'or' or 'not')", position: node.range.lowerBound)
        }
    }

    private var peek: RuleToken { tokens[min(index, tokens.count - 1)] }

    private mutating func accept(_ symbol: String) -> RuleToken? {
        guard peek.isSymbol(symbol) else { return nil }
        defer { index += 1 }
        return peek
    }

    private mutating func expect(_ symbol: String) throws(SchemaError) -> RuleToken {
        guard let token = accept(symbol) else { throw SchemaError.invalidRule(message: "expected '\(symbol)'", position: peek.range.lowerBound) }
        return token
    }

    private func unexpected(_ context: String) -> SchemaError {
        if peek.kind == .end { return SchemaError.invalidRule(message: "\(context), found end of rule", position: peek.range.lowerBound) }
        let text = String(source[peek.range])
        return SchemaError.invalidRule(message: "\(context), found '\(text)'", position: peek.range.lowerBound)
    }

    private func node(_ kind: RuleNode.Kind, _ from: RuleNode, _ to: RuleNode) -> RuleNode {
        RuleNode(kind: kind, range: from.range.lowerBound..<to.range.upperBound)
    }

    /// expression = conjunction { "or" conjunction }
    private mutating func expression() throws(SchemaError) -> RuleNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 64 else { throw SchemaError.invalidRule(message: "rule is nested too deeply", position: peek.range.lowerBound) }
        var left = try conjunction()
        while accept("or") != nil {
            let right = try conjunction()
            try Self.condition(left); try Self.condition(right)
            left = node(.logic(isAnd: false, left, right), left, right)
        }
        return left
    }

    /// conjunction = negation { "and" negation }
    private mutating func conjunction() throws(SchemaError) -> RuleNode {
        var left = try negation()
        while accept("and") != nil {
            let right = try negation()
            try Self.condition(left); try Self.condition(right)
            left = node(.logic(isAnd: true, left, right), left, right)
        }
        return left
    }

    /// negation = "not" negation | comparison
    private mutating func negation() throws(SchemaError) -> RuleNode {
        guard let keyword = accept("not") else { return try comparison() }
        let inner = try negation()
        try Self.condition(inner)
        return RuleNode(kind: .not(inner), range: keyword.range.lowerBound..<inner.range.upperBound)
    }

    /// comparison = sum [ ("==" | "!=" | "<" | "<=" | ">" | ">=") sum [ "±" number ] | ["not"] "in" sum ]
    private mutating func comparison() throws(SchemaError) -> RuleNode {
        let left = try additive()
        if peek.isSymbol("in") || (peek.isSymbol("not") && tokens[min(index + 1, tokens.count - 1)].isSymbol("in")) {
            let negated = accept("not") != nil
            index += 1
            let right = try additive()
            return node(.membership(left, right, negated: negated), left, right)
        }
        guard let op = ComparisonOperator.allCases.first(where: { peek.isSymbol($0.rawValue) }) else { return left }
        index += 1
        let right = try additive()
        var tolerance: Double?
        var end = right.range.upperBound
        if accept("±") != nil {
            guard case .number(let t) = peek.kind else { throw unexpected("expected a number after '±'") }
            tolerance = t
            end = peek.range.upperBound
            index += 1
        }
        if ComparisonOperator.allCases.contains(where: { peek.isSymbol($0.rawValue) }) {
            throw SchemaError.invalidRule(message: "comparisons cannot be chained; join them with 'and'", position: peek.range.lowerBound)
        }
        return RuleNode(kind: .compare(op, left, right, tolerance: tolerance), range: left.range.lowerBound..<end)
    }

    /// sum = term { ("+" | "-") term }
    private mutating func additive() throws(SchemaError) -> RuleNode {
        var left = try term()
        while let op = accept("+").map({ _ in ArithmeticOperator.add }) ?? accept("-").map({ _ in .subtract }) {
            let right = try term()
            left = node(.arithmetic(op, left, right), left, right)
        }
        return left
    }

    /// term = unary { ("*" | "/") unary }
    private mutating func term() throws(SchemaError) -> RuleNode {
        var left = try unary()
        while let op = accept("*").map({ _ in ArithmeticOperator.multiply }) ?? accept("/").map({ _ in .divide }) {
            let right = try unary()
            left = node(.arithmetic(op, left, right), left, right)
        }
        return left
    }

    /// unary = "-" unary | primary
    private mutating func unary() throws(SchemaError) -> RuleNode {
        guard let minus = accept("-") else { return try primary() }
        let inner = try unary()
        return RuleNode(kind: .negate(inner), range: minus.range.lowerBound..<inner.range.upperBound)
    }

    /// primary = number | string | "true" | "false" | "null" | path | name "(" list ")" | "(" expression ")" | "[" list "]"
    private mutating func primary() throws(SchemaError) -> RuleNode {
        let token = peek
        switch token.kind {
        case .number(let n): index += 1; return RuleNode(kind: .literal(.number(n)), range: token.range)
        case .string(let s): index += 1; return RuleNode(kind: .literal(.string(s)), range: token.range)
        case .literal(let v): index += 1; return RuleNode(kind: .literal(v), range: token.range)
        case .path(let path):
            index += 1
            guard peek.isSymbol("(") else { return RuleNode(kind: .path(path), range: token.range) }
            let name = path.joined(separator: ".")
            guard let function = RuleFunction(rawValue: name) else {
                throw SchemaError.invalidRule(message: "unknown function '\(name)'", position: token.range.lowerBound)
            }
            index += 1
            let (arguments, close) = try items(until: ")")
            guard function.arity.contains(arguments.count) else {
                throw SchemaError.invalidRule(
                    message: "\(name) takes \(function.arityDescription), got \(arguments.count)",
                    position: token.range.lowerBound)
            }
            return RuleNode(kind: .call(function, arguments), range: token.range.lowerBound..<close.range.upperBound)
        case .symbol("("):
            index += 1
            let inner = try expression()
            let close = try expect(")")
            return RuleNode(kind: inner.kind, range: token.range.lowerBound..<close.range.upperBound)
        case .symbol("["):
            index += 1
            let (elements, close) = try items(until: "]")
            return RuleNode(kind: .list(elements), range: token.range.lowerBound..<close.range.upperBound)
        default:
            throw unexpected("expected a value")
        }
    }

    /// A comma-separated, possibly empty list of expressions and its closing token.
    private mutating func items(until close: String) throws(SchemaError) -> ([RuleNode], RuleToken) {
        var result: [RuleNode] = []
        if let end = accept(close) { return (result, end) }
        repeat { result.append(try expression()) } while accept(",") != nil
        return (result, try expect(close))
    }
}

/// Splits rule source into tokens; positions are character offsets.
enum RuleLexer {
    /// Operator spellings and the token each stands for, longest first.
    private static let symbols: [(String, String)] = [
        ("+/-", "±"), ("==", "=="), ("!=", "!="), ("<=", "<="), (">=", ">="), ("&&", "and"), ("||", "or"),
        ("=", "=="), ("≠", "!="), ("≤", "<="), ("≥", ">="), ("<", "<"), (">", ">"), ("!", "not"), ("±", "±"),
        ("+", "+"), ("-", "-"), ("−", "-"), ("*", "*"), ("×", "*"), ("/", "/"),
        ("(", "("), (")", ")"), ("[", "["), ("]", "]"), (",", ","),
    ].map { (String($0.0), $0.1) }

    private static let keywords: [String: RuleToken.Kind] = [
        "and": .symbol("and"), "or": .symbol("or"), "not": .symbol("not"), "in": .symbol("in"),
        "true": .literal(.boolean(true)), "false": .literal(.boolean(false)), "null": .literal(.null),
    ]

    static func tokens(_ chars: [Character]) throws(SchemaError) -> [RuleToken] {
        var tokens: [RuleToken] = []
        var i = 0
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        func startsName(_ c: Character) -> Bool { c.isLetter || c == "_" }
        while i < chars.count {
            let start = i, c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                while i < chars.count, isDigit(chars[i]) { i += 1 }
                if i + 1 < chars.count, chars[i] == ".", isDigit(chars[i + 1]) {
                    i += 1
                    while i < chars.count, isDigit(chars[i]) { i += 1 }
                }
                guard let n = Double(String(chars[start..<i])) else { throw SchemaError.invalidRule(message: "malformed number", position: start) }
                tokens.append(RuleToken(kind: .number(n), range: start..<i))
            } else if startsName(c) {
                var path: [String] = []
                while true {
                    let segment = i
                    while i < chars.count, startsName(chars[i]) || isDigit(chars[i]) { i += 1 }
                    path.append(String(chars[segment..<i]))
                    guard i < chars.count, chars[i] == "." else { break }
                    i += 1
                    guard i < chars.count, startsName(chars[i]) else {
                        throw SchemaError.invalidRule(message: "expected a field name after '.'", position: i)
                    }
                }
                let keyword = path.count == 1 ? keywords[path[0].lowercased()] : nil
                tokens.append(RuleToken(kind: keyword ?? .path(path), range: start..<i))
            } else if c == "\"" || c == "'" {
                var text = ""
                i += 1
                while i < chars.count, chars[i] != c {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    text.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { throw SchemaError.invalidRule(message: "unterminated string", position: start) }
                i += 1
                tokens.append(RuleToken(kind: .string(text), range: start..<i))
            } else if let (spelling, symbol) = symbols.first(where: { chars[i...].starts(with: $0.0) }) {
                i += spelling.count
                tokens.append(RuleToken(kind: .symbol(symbol), range: start..<i))
            } else {
                throw SchemaError.invalidRule(message: "unexpected character '\(c)'", position: start)
            }
        }
        tokens.append(RuleToken(kind: .end, range: chars.count..<chars.count))
        return tokens
    }
}
