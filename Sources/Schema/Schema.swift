import Foundation
import Yams

/// What users extract: a JSON Schema subset (written as JSON, or YAML) describing one row.
///
/// ```json
/// {"title": "invoice", "type": "object",
///  "properties": {
///    "invoice_number": {"type": "string", "description": "The invoice's identifier"},
///    "invoice_date": {"type": "string", "format": "date"},
///    "total": {"type": "number", "minimum": 0},
///    "parties": {"type": "array", "items": {"type": "string"}},
///    "line_items": {"type": "array", "items": {"type": "object", "properties": {...}}}},
///  "required": ["invoice_number", "total"],
///  "x-quarry-rules": ["total == subtotal + tax ± 0.01", {"rule": "due_date >= invoice_date"}]}
/// ```
/// Properties keep the order of the file; it becomes the column order.
public struct Schema: Sendable {
    public let title: String?
    public let description: String?
    public let fields: [Field]
    /// Cross-field rules, as written (`x-quarry-rules`).
    public let rules: [RuleSpec]

    public init(title: String?, description: String?, fields: [Field], rules: [RuleSpec]) {
        self.title = title; self.description = description; self.fields = fields; self.rules = rules
    }

    /// A cross-field rule with its optional tolerance and message.
    public struct RuleSpec: Sendable, Equatable {
        public let source: String
        public let tolerance: Double
        public let message: String?
        /// JSON pointer of the rule in the schema file, for error messages.
        public let pointer: String

        public init(source: String, tolerance: Double, message: String?, pointer: String) {
            self.source = source; self.tolerance = tolerance; self.message = message; self.pointer = pointer
        }
    }

    /// The field named `name`, if any.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// Reads a schema file (JSON or YAML).
    public static func load(_ path: String) throws(SchemaError) -> Schema {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidSchema(file: path, pointer: "", reason: "the file cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses schema text; `file` names it in errors.
    public static func parse(_ text: String, file: String = "schema") throws(SchemaError) -> Schema {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw .invalidSchema(file: file, pointer: "", reason: "not valid JSON or YAML: \(error)")
        }
        guard let root else { throw .invalidSchema(file: file, pointer: "", reason: "the file is empty") }
        return try SchemaParser(file: file).schema(root)
    }
}

/// One column of the row.
public struct Field: Sendable {
    public let name: String
    public let description: String?
    public let required: Bool
    public let kind: Kind

    public init(name: String, description: String?, required: Bool, kind: Kind) {
        self.name = name; self.description = description; self.required = required; self.kind = kind
    }

    /// The shape of a field's value.
    public indirect enum Kind: Sendable {
        /// One value.
        case scalar(ScalarType)
        /// Several values of one type (e.g. the parties of a contract), stored as a JSON array.
        case list(ScalarType, minItems: Int?, maxItems: Int?)
        /// Rows of sub-fields (e.g. line items), stored in a child table.
        case table([Field])
    }

    /// The scalar type of a scalar or list field.
    public var scalarType: ScalarType? {
        switch kind {
        case .scalar(let t), .list(let t, _, _): t
        case .table: nil
        }
    }
}

/// A scalar's type and the constraints on it.
public struct ScalarType: Sendable, Equatable {
    /// The JSON Schema types Quarry supports.
    public enum Base: String, Sendable, Equatable { case string, number, integer, boolean }
    /// String formats with typed storage or checks.
    public enum Format: String, Sendable, Equatable {
        case date
        case dateTime = "date-time"
        case email, uri
    }

    public var base: Base
    public var format: Format?
    public var enumValues: [String]?
    public var pattern: String?
    public var minimum: Double?
    public var maximum: Double?
    public var minLength: Int?
    public var maxLength: Int?

    public init(
        base: Base, format: Format? = nil, enumValues: [String]? = nil, pattern: String? = nil, minimum: Double? = nil,
        maximum: Double? = nil, minLength: Int? = nil, maxLength: Int? = nil
    ) {
        self.base = base; self.format = format; self.enumValues = enumValues; self.pattern = pattern
        self.minimum = minimum; self.maximum = maximum; self.minLength = minLength; self.maxLength = maxLength
    }
}
