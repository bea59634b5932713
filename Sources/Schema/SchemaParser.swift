import Foundation
import Yams

/// Walks a schema's YAML/JSON tree, checking every key and value and naming the JSON pointer of
/// whatever is wrong.
struct SchemaParser {
    let file: String

    private static let objectKeys: Set<String> = [
        "$schema", "$id", "title", "description", "type", "properties", "required",
        "additionalProperties", "x-quarry-rules",
    ]
    private static let fieldKeys: Set<String> = [
        "type", "description", "title", "format", "enum", "pattern", "minimum", "maximum",
        "minLength", "maxLength", "items", "minItems", "maxItems", "examples", "default",
        "properties", "required",
    ]

    func schema(_ root: Node) throws(SchemaError) -> Schema {
        let map = try mapping(root, "", allowed: Self.objectKeys)
        if let type = map["type"], try string(type, "/type") != "object" {
            throw fail("/type", "the top level must be an object (\"type\": \"object\") describing one row")
        }
        guard let properties = map["properties"] else { throw fail("/properties", "a schema needs properties: the fields to extract") }
        let required = try names(map["required"], "/required")
        let fields = try self.fields(properties, "/properties", required: required, nested: false)
        let rules = try self.rules(map["x-quarry-rules"], fields: fields)
        return Schema(
            title: try map["title"].map { (n: Node) throws(SchemaError) in try string(n, "/title") },
            description: try map["description"].map { (n: Node) throws(SchemaError) in try string(n, "/description") },
            fields: fields, rules: rules)
    }

    private func fields(_ node: Node, _ pointer: String, required: [String], nested: Bool) throws(SchemaError) -> [Field] {
        guard let entries = node.mapping, !entries.isEmpty else { throw fail(pointer, "expected an object of fields, one or more") }
        var fields: [Field] = []
        var seen = Set<String>()
        for (key, value) in entries {
            guard let name = key.string, !name.isEmpty else { throw fail(pointer, "field names must be text") }
            let path = pointer + "/" + escape(name)
            guard name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
                throw fail(path, "field names must be letters, digits and _ (starting with a letter or _), as they become SQL columns")
            }
            guard seen.insert(name.lowercased()).inserted else { throw fail(path, "two fields named \(name) (SQL names ignore case)") }
            guard !Self.reservedColumns.contains(name.lowercased()) else {
                throw fail(path, "\(name) is reserved for Quarry's own columns (\(Self.reservedColumns.sorted().joined(separator: ", ")))")
            }
            fields.append(try field(name, value, path, required: required.contains(name), nested: nested))
        }
        for name in required where !seen.contains(name.lowercased()) {
            throw fail(
                pointer.replacingOccurrences(of: "/properties", with: "/required", options: .backwards),
                "required field \(name) is not among the properties")
        }
        return fields
    }

    private static let reservedColumns: Set<String> = ["id", "row_id", "document_id", "document_path", "parent_id", "extracted_at", "model"]

    private func field(_ name: String, _ node: Node, _ pointer: String, required: Bool, nested: Bool) throws(SchemaError) -> Field {
        let map = try mapping(node, pointer, allowed: Self.fieldKeys)
        let description = try map["description"].map { (n: Node) throws(SchemaError) in try string(n, pointer + "/description") }
        guard let typeNode = map["type"] else {
            throw fail(pointer + "/type", "every field needs a type (string, number, integer, boolean or array)")
        }
        let type = try string(typeNode, pointer + "/type")
        if type == "array" {
            guard let items = map["items"] else { throw fail(pointer + "/items", "an array needs items describing its elements") }
            let itemMap = try mapping(items, pointer + "/items", allowed: Self.fieldKeys)
            let itemType = try itemMap["type"].map { (n: Node) throws(SchemaError) in try string(n, pointer + "/items/type") }
            if itemType == "object" {
                guard !nested else { throw fail(pointer + "/items", "arrays of objects cannot be nested inside another array of objects") }
                guard let properties = itemMap["properties"] else {
                    throw fail(pointer + "/items/properties", "an array of objects needs properties")
                }
                let inner = try names(itemMap["required"], pointer + "/items/required")
                return Field(
                    name: name, description: description, required: required,
                    kind: .table(try fields(properties, pointer + "/items/properties", required: inner, nested: true)))
            }
            let scalar = try scalarType(itemMap, pointer + "/items")
            let minItems = try map["minItems"].map { (n: Node) throws(SchemaError) in try count(n, pointer + "/minItems") }
            let maxItems = try map["maxItems"].map { (n: Node) throws(SchemaError) in try count(n, pointer + "/maxItems") }
            if let minItems, let maxItems, minItems > maxItems {
                throw fail(pointer + "/minItems", "minItems \(minItems) is above maxItems \(maxItems)")
            }
            return Field(name: name, description: description, required: required, kind: .list(scalar, minItems: minItems, maxItems: maxItems))
        }
        return Field(name: name, description: description, required: required, kind: .scalar(try scalarType(map, pointer)))
    }

    private func scalarType(_ map: [String: Node], _ pointer: String) throws(SchemaError) -> ScalarType {
        guard let typeNode = map["type"] else { throw fail(pointer + "/type", "a type is needed (string, number, integer or boolean)") }
        let name = try string(typeNode, pointer + "/type")
        guard let base = ScalarType.Base(rawValue: name) else {
            throw fail(pointer + "/type", "unsupported type \(name) (use string, number, integer, boolean, or array)")
        }
        var type = ScalarType(base: base)
        if let node = map["format"] {
            let f = try string(node, pointer + "/format")
            guard let format = ScalarType.Format(rawValue: f) else {
                throw fail(pointer + "/format", "unknown format \(f) (known: date, date-time, email, uri)")
            }
            guard base == .string else { throw fail(pointer + "/format", "format applies to strings only") }
            type.format = format
        }
        if let node = map["enum"] {
            guard let values = node.sequence, !values.isEmpty else { throw fail(pointer + "/enum", "expected a non-empty list of values") }
            type.enumValues = try values.enumerated().map { (i, n) throws(SchemaError) in try string(n, pointer + "/enum/\(i)") }
        }
        if let node = map["pattern"] {
            let pattern = try string(node, pointer + "/pattern")
            guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                throw fail(pointer + "/pattern", "not a valid regular expression: \(pattern)")
            }
            type.pattern = pattern
        }
        for (key, keyPath) in [("minimum", \ScalarType.minimum), ("maximum", \ScalarType.maximum)] {
            guard let node = map[key] else { continue }
            guard base == .number || base == .integer else { throw fail(pointer + "/" + key, "\(key) applies to numbers only") }
            guard let value = node.float else { throw fail(pointer + "/" + key, "expected a number") }
            type[keyPath: keyPath] = value
        }
        if let lo = type.minimum, let hi = type.maximum, lo > hi { throw fail(pointer + "/minimum", "minimum \(lo) is above maximum \(hi)") }
        for (key, keyPath) in [("minLength", \ScalarType.minLength), ("maxLength", \ScalarType.maxLength)] {
            guard let node = map[key] else { continue }
            guard base == .string else { throw fail(pointer + "/" + key, "\(key) applies to strings only") }
            type[keyPath: keyPath] = try count(node, pointer + "/" + key)
        }
        if let lo = type.minLength, let hi = type.maxLength, lo > hi {
            throw fail(pointer + "/minLength", "minLength \(lo) is above maxLength \(hi)")
        }
        return type
    }

    private func rules(_ node: Node?, fields: [Field]) throws(SchemaError) -> [Schema.RuleSpec] {
        guard let node else { return [] }
        guard let items = node.sequence else { throw fail("/x-quarry-rules", "expected a list of rules") }
        return try items.enumerated().map { (i, item) throws(SchemaError) -> Schema.RuleSpec in
            let pointer = "/x-quarry-rules/\(i)"
            if item.mapping == nil { return Schema.RuleSpec(source: try string(item, pointer), tolerance: 0, message: nil, pointer: pointer) }
            let map = try mapping(item, pointer, allowed: ["rule", "tolerance", "message"])
            guard let rule = map["rule"] else { throw fail(pointer + "/rule", "a rule object needs \"rule\"") }
            var tolerance = 0.0
            if let t = map["tolerance"] {
                guard let value = t.float, value >= 0 else { throw fail(pointer + "/tolerance", "expected a number ≥ 0") }
                tolerance = value
            }
            return Schema.RuleSpec(
                source: try string(rule, pointer + "/rule"), tolerance: tolerance,
                message: try map["message"].map { (n: Node) throws(SchemaError) in try string(n, pointer + "/message") },
                pointer: pointer)
        }
    }

    // MARK: - Node helpers

    private func mapping(_ node: Node, _ pointer: String, allowed: Set<String>) throws(SchemaError) -> [String: Node] {
        guard let entries = node.mapping else { throw fail(pointer, "expected an object") }
        var result: [String: Node] = [:]
        for (k, v) in entries {
            guard let key = k.string else { throw fail(pointer, "keys must be text") }
            guard allowed.contains(key) else {
                throw fail(pointer + "/" + escape(key), "unsupported keyword \(key) (supported here: \(allowed.sorted().joined(separator: ", ")))")
            }
            result[key] = v
        }
        return result
    }

    private func string(_ node: Node, _ pointer: String) throws(SchemaError) -> String {
        guard let s = node.scalar?.string else { throw fail(pointer, "expected text") }
        return s
    }

    private func count(_ node: Node, _ pointer: String) throws(SchemaError) -> Int {
        guard let n = node.int, n >= 0 else { throw fail(pointer, "expected a whole number ≥ 0") }
        return n
    }

    private func names(_ node: Node?, _ pointer: String) throws(SchemaError) -> [String] {
        guard let node else { return [] }
        guard let items = node.sequence else { throw fail(pointer, "expected a list of field names") }
        return try items.enumerated().map { (i, n) throws(SchemaError) in try string(n, pointer + "/\(i)") }
    }

    /// JSON pointer escaping (RFC 6901).
    private func escape(_ s: String) -> String { s.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }

    private func fail(_ pointer: String, _ reason: String) -> SchemaError { .invalidSchema(file: file, pointer: pointer, reason: reason) }
}
