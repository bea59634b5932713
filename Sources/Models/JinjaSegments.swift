/// A chat template cut into Jinja's pieces, with the whitespace rules llama-cpp-python renders
/// templates under (`trim_blocks`, `lstrip_blocks`, `-`/`+` markers, the final newline dropped):
/// the literal text that reaches the output, `{{ … }}` expressions and `{% … %}` statements.
/// Enough to check that a template prints nothing but what its expressions produce; not an
/// interpreter.
enum JinjaSegment: Equatable {
    case text(String)
    case expression(String)
    case statement(String)

    /// Splits `template`; nil when a tag or string literal is not closed.
    static func parse(_ template: String) -> [JinjaSegment]? {
        let s = Array(template.unicodeScalars)
        var segments: [JinjaSegment] = []
        var textStart = 0
        var i = 0
        var afterBlock = false, stripLeading = false
        /// Emits s[textStart..<end] after the whitespace rules; `tag` is the tag that follows.
        func emitText(upTo end: Int, tag: (open: Unicode.Scalar, marker: Unicode.Scalar?)?) {
            var lower = textStart, upper = end
            if stripLeading {
                while lower < upper, s[lower].properties.isWhitespace { lower += 1 }
            } else if afterBlock {  // trim_blocks
                if lower < upper, s[lower] == "\n" { lower += 1 } else if lower + 1 < upper, s[lower] == "\r", s[lower + 1] == "\n" { lower += 2 }
            }
            if let tag {
                if tag.marker == "-" {
                    while upper > lower, s[upper - 1].properties.isWhitespace { upper -= 1 }
                } else if tag.open != "{" && tag.marker != "+" {  // lstrip_blocks
                    var k = end
                    while k > 0, s[k - 1] == " " || s[k - 1] == "\t" { k -= 1 }
                    if k == 0 || s[k - 1] == "\n" { upper = max(lower, min(upper, k)) }
                }
            } else if upper > lower, s[upper - 1] == "\n" {  // keep_trailing_newline=False
                upper -= 1
            }
            if upper > lower { segments.append(.text(String(String.UnicodeScalarView(s[lower..<upper])))) }
        }
        while i + 1 < s.count {
            guard s[i] == "{", s[i + 1] == "{" || s[i + 1] == "%" || s[i + 1] == "#" else { i += 1; continue }
            let open = s[i + 1]
            let close: Unicode.Scalar = open == "{" ? "}" : open
            var j = i + 2
            let marker: Unicode.Scalar? = j < s.count && (s[j] == "-" || s[j] == "+") ? s[j] : nil
            emitText(upTo: i, tag: (open, marker))
            if marker != nil { j += 1 }
            var quote: Unicode.Scalar?
            var closeAt: Int?
            while j + 1 < s.count {
                let c = s[j]
                if let q = quote {
                    if c == "\\" { j += 2; continue }
                    if c == q { quote = nil }
                } else if open != "#" && (c == "'" || c == "\"") {
                    quote = c
                } else if c == close && s[j + 1] == "}" {
                    closeAt = j
                    break
                }
                j += 1
            }
            guard let closeAt else { return nil }
            var lower = i + 2, upper = closeAt
            if marker != nil { lower += 1 }
            stripLeading = upper > lower && s[upper - 1] == "-"
            if upper > lower && (s[upper - 1] == "-" || s[upper - 1] == "+") { upper -= 1 }
            let inner = String(String.UnicodeScalarView(s[lower..<upper])).trimmingWhitespace()
            if open == "{" { segments.append(.expression(inner)) }
            if open == "%" { segments.append(.statement(inner)) }
            afterBlock = open != "{"
            i = closeAt + 2
            textStart = i
        }
        emitText(upTo: s.count, tag: nil)
        return segments
    }
}

extension String {
    /// The string without leading and trailing whitespace.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
