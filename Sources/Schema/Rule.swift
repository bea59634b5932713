/// A cross-field check from a schema's `x-quarry-rules`, evaluated on one row's top-level fields.
///
/// Grammar (keywords are case-insensitive; `=`, `≠ ≤ ≥`, `&&`, `||`, `!` and `+/-` are accepted as aliases):
///
///     rule       = expression ;                                  (* must be a condition *)
///     expression = conjunction { "or" conjunction } ;
///     conjunction= negation { "and" negation } ;
///     negation   = "not" negation | comparison ;
///     comparison = sum [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) sum [ "±" number ]
///                      | [ "not" ] "in" sum ] ;
///     sum        = term { ( "+" | "-" ) term } ;
///     term       = unary { ( "*" | "/" ) unary } ;
///     unary      = "-" unary | primary ;
///     primary    = number | string | "true" | "false" | "null" | path | function "(" [ items ] ")"
///                | "(" expression ")" | "[" [ items ] "]" ;
///     items      = expression { "," expression } ;
///     path       = name { "." name } ;                           (* name = letter|"_" { letter|digit|"_" } *)
///     function   = "abs" | "min" | "max" | "round" | "sum" | "count" ;
///
/// Semantics: numbers compare within the tolerance (`a == b` when |a − b| ≤ t, `a <= b` when a ≤ b + t,
/// `a < b` when b − a > t); dates compare by day, `date − date` is a number of days and `date ± n` a date;
/// a null or missing operand makes the rule not applicable, except in `x == null` / `x != null`;
/// `and` / `or` follow three-valued logic (`false and ?` is false, `true or ?` is true).
public struct Rule: Sendable {
    /// The rule as written.
    public let source: String
    /// The allowed difference in numeric comparisons; an inline `± t` overrides it for its comparison.
    public let tolerance: Double
    let root: RuleNode
    let characters: [Character]

    /// Parses `source`; throws with the character offset of the first problem.
    public init(_ source: String, tolerance: Double = 0) throws(SchemaError) {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw SchemaError.invalidRule(message: "tolerance must be a non-negative number, got \(tolerance)", position: 0)
        }
        self.source = source
        self.tolerance = tolerance
        self.characters = Array(source)
        self.root = try RuleParser.parse(source)
    }

    /// The top-level field names the rule reads (`line_items` for `sum(line_items.amount)`).
    public var fields: Set<String> { Set(root.paths.compactMap(\.path.first)) }

    /// Checks the rule against one row; the failure message quotes the values involved.
    public func evaluate(_ row: [String: Value]) -> RuleOutcome {
        let evaluator = RuleEvaluator(row: row, tolerance: tolerance, source: characters)
        do throws(RuleStop) {
            let truth = try evaluator.truth(root)
            return truth.holds ? .passed : .failed(truth.reason)
        } catch {
            switch error {
            case .notApplicable: return .notApplicable
            case .failed(let message): return .failed(message)
            }
        }
    }
}

/// The result of checking a rule on a row.
public enum RuleOutcome: Sendable, Equatable {
    case passed
    /// The rule does not hold, or cannot be computed (incompatible types, division by zero); the message says why.
    case failed(String)
    /// A field the rule needs is null or missing, so it cannot be checked.
    case notApplicable
}

/// A node of a parsed rule; `range` is its span in the source, in characters.
struct RuleNode: Sendable {
    /// What the node computes.
    indirect enum Kind: Sendable {
        case literal(Value)
        /// A field, or a dotted path into array-of-object / object fields (`line_items.amount`).
        case path([String])
        case list([RuleNode])
        case call(RuleFunction, [RuleNode])
        case negate(RuleNode)
        case arithmetic(ArithmeticOperator, RuleNode, RuleNode)
        /// A comparison, with its inline `± t` tolerance if written.
        case compare(ComparisonOperator, RuleNode, RuleNode, tolerance: Double?)
        case membership(RuleNode, RuleNode, negated: Bool)
        case not(RuleNode)
        case logic(isAnd: Bool, RuleNode, RuleNode)
    }

    let kind: Kind
    let range: Range<Int>

    /// The dotted paths the node reads, in source order, with their ranges.
    var paths: [(path: [String], range: Range<Int>)] {
        switch kind {
        case .literal: []
        case .path(let p): [(p, range)]
        case .list(let items), .call(_, let items): items.flatMap(\.paths)
        case .negate(let n), .not(let n): n.paths
        case .arithmetic(_, let l, let r), .compare(_, let l, let r, _), .membership(let l, let r, _), .logic(_, let l, let r):
            l.paths + r.paths
        }
    }

    /// Whether the node can yield true/false (a condition rather than a number or text).
    var isCondition: Bool {
        switch kind {
        case .compare, .membership, .not, .logic, .path, .literal(.boolean): true
        default: false
        }
    }
}

/// `+ - * /`.
enum ArithmeticOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
}

/// `== != < <= > >=`.
enum ComparisonOperator: String, Sendable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// How messages print the operator.
    var symbol: String {
        switch self {
        case .equal: "="
        case .notEqual: "≠"
        case .less: "<"
        case .lessOrEqual: "≤"
        case .greater: ">"
        case .greaterOrEqual: "≥"
        }
    }

    /// The operator that holds exactly when this one does not.
    var negated: ComparisonOperator {
        switch self {
        case .equal: .notEqual
        case .notEqual: .equal
        case .less: .greaterOrEqual
        case .lessOrEqual: .greater
        case .greater: .lessOrEqual
        case .greaterOrEqual: .less
        }
    }
}

/// The functions a rule may call.
enum RuleFunction: String, Sendable {
    case abs, min, max, round, sum, count

    var arity: ClosedRange<Int> {
        switch self {
        case .abs, .sum, .count: 1...1
        case .round: 1...2
        case .min, .max: 1...64
        }
    }

    var arityDescription: String {
        switch self {
        case .abs, .sum, .count: "1 argument"
        case .round: "1 or 2 arguments"
        case .min, .max: "at least 1 argument"
        }
    }
}
