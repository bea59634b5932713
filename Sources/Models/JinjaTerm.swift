/// A term of a Jinja expression made only of string literals and variables joined by `+` or
/// `~` (`'<|im_start|>' + message['role'] + '\n'`): what ChatML templates print.
enum JinjaTerm: Equatable {
    case literal(String)
    /// A dotted name, subscripts made attributes: `message['role']` is `message.role`.
    case variable(String)

    /// The terms of `source`; nil when it holds anything else (filters, calls, arithmetic …).
    static func parse(_ source: String) -> [JinjaTerm]? {
        let s = Array(source.unicodeScalars)
        var i = 0
        var terms: [JinjaTerm] = []
        func skipSpaces() { while i < s.count, s[i].properties.isWhitespace { i += 1 } }
        func literal() -> String? {
            guard i < s.count, s[i] == "'" || s[i] == "\"" else { return nil }
            let quote = s[i]
            i += 1
            var out = String.UnicodeScalarView()
            while i < s.count, s[i] != quote {
                if s[i] == "\\", i + 1 < s.count {
                    i += 1
                    switch s[i] {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "\\", "'", "\"": out.append(s[i])
                    default: out.append("\\"); out.append(s[i])
                    }
                } else {
                    out.append(s[i])
                }
                i += 1
            }
            guard i < s.count else { return nil }
            i += 1
            return String(out)
        }
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isName(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) }
        func name() -> String? {
            guard i < s.count, isNameStart(s[i]) else { return nil }
            var out = ""
            while i < s.count, isName(s[i]) { out.unicodeScalars.append(s[i]); i += 1 }
            while i < s.count {
                if s[i] == ".", i + 1 < s.count, isNameStart(s[i + 1]) {
                    i += 1
                    out += "."
                    while i < s.count, isName(s[i]) { out.unicodeScalars.append(s[i]); i += 1 }
                } else if s[i] == "[" {
                    i += 1
                    skipSpaces()
                    guard let key = literal() else { return nil }
                    skipSpaces()
                    guard i < s.count, s[i] == "]" else { return nil }
                    i += 1
                    out += "." + key
                } else {
                    break
                }
            }
            return out
        }
        while true {
            skipSpaces()
            if let text = literal() {
                terms.append(.literal(text))
            } else if let variable = name() {
                terms.append(.variable(variable))
            } else {
                return nil
            }
            skipSpaces()
            if i == s.count { return terms }
            guard s[i] == "+" || s[i] == "~" else { return nil }
            i += 1
        }
    }

    /// `terms` with neighbouring literals joined.
    static func merged(_ terms: [JinjaTerm]) -> [JinjaTerm] {
        var out: [JinjaTerm] = []
        for term in terms {
            if case .literal(let b) = term, case .literal(let a)? = out.last {
                out[out.count - 1] = .literal(a + b)
            } else {
                out.append(term)
            }
        }
        return out
    }
}
