import Schema

/// What a byte-level step of `ParseState` reads: the compiled schema and, in grounded mode, the
/// document.
struct ParseMachine {
    let program: ConstraintProgram
    let grounding: GroundingText?
}

/// Where the parser is inside the current operation.
enum ParsePhase: UInt8, Hashable, Sendable {
    /// Nothing of the operation read yet.
    case start
    /// Inside a literal, `pos` bytes read.
    case literal
    /// Inside a keyword (`null`, `true`, an enum literal), at keyword-trie node `pos`.
    case keyword
    case string
    case number
    /// After `[`: `]` or the first item.
    case arrayOpened
    /// After `,` between items: the space.
    case arrayComma
}

/// The state of the byte-level parser of the constrained JSON language: a position in the
/// compiled program, item counters of the open arrays, and the lexical state of the current
/// value. A small value type without references, so that a trie walk can copy it at every node,
/// and hashable, so that masks can be cached by it. Fields that do not matter are kept at zero so
/// that equal situations hash equal.
struct ParseState: Hashable, Sendable {
    var pc: Int32 = 0
    var phase = ParsePhase.start
    var pos: Int32 = 0
    /// Items started in the open arrays, by nesting depth (capped at minItems when unbounded).
    var counts = SIMD4<Int16>()
    var string = StringState()
    var number = NumberState()

    func isComplete(_ m: ParseMachine) -> Bool { m.program.ops[Int(pc)].kind == .end }

    /// Reads one byte; false (and the state is then meaningless) when the byte is not allowed.
    mutating func step(_ b: UInt8, _ m: ParseMachine) -> Bool {
        let p = m.program
        while true {
            let op = p.ops[Int(pc)]
            switch phase {
            case .start:
                switch op.kind {
                case .literal:
                    guard p.literalBytes[Int(op.a)] == b else { return false }
                    if op.b == 1 { jump(pc + 1) } else { phase = .literal; pos = 1 }
                    return true
                case .scalar:
                    return startScalar(b, p.scalars[Int(op.a)], m)
                case .arrayOpen:
                    let spec = p.arrays[Int(op.a)]
                    if b == UInt8(ascii: "[") { phase = .arrayOpened; return true }
                    guard spec.nullable else { return false }
                    let node = p.keywords.child(p.nullRoot, b)
                    guard node >= 0 else { return false }
                    phase = .keyword
                    pos = node
                    return true
                case .arrayNext:
                    let spec = p.arrays[Int(op.a)]
                    let n = counts[spec.counter]
                    if b == UInt8(ascii: ",") {
                        guard n < spec.maxItems else { return false }
                        counts[spec.counter] = spec.maxItems == Int16.max ? min(n + 1, spec.minItems) : n + 1
                        phase = .arrayComma
                        return true
                    }
                    guard b == UInt8(ascii: "]"), n >= spec.minItems else { return false }
                    counts[spec.counter] = 0
                    jump(spec.afterPC)
                    return true
                case .end:
                    return false
                }
            case .literal:
                guard p.literalBytes[Int(op.a + pos)] == b else { return false }
                pos += 1
                if pos == op.b { jump(pc + 1) }
                return true
            case .keyword:
                let node = p.keywords.child(pos, b)
                if node >= 0 { pos = node; return true }
                guard p.keywords.terminal[Int(pos)] else { return false }
                finishValue(p)  // the byte belongs to what follows
            case .string:
                return stringByte(b, m)
            case .number:
                guard let spec = p.scalars[Int(op.a)].number else { return false }
                if number.take(b, spec) { return true }
                guard number.complete, number.inRange(spec) else { return false }
                finishValue(p)  // the byte belongs to what follows
            case .arrayOpened:
                let spec = p.arrays[Int(op.a)]
                if b == UInt8(ascii: "]") && spec.allowEmpty { jump(spec.afterPC); return true }
                guard spec.maxItems > 0 else { return false }
                counts[spec.counter] = 1
                jump(spec.itemPC)  // the byte starts the first item
            case .arrayComma:
                guard b == UInt8(ascii: " ") else { return false }
                jump(p.arrays[Int(op.a)].itemPC)
                return true
            }
        }
    }

    private mutating func startScalar(_ b: UInt8, _ spec: ScalarSpec, _ m: ParseMachine) -> Bool {
        if spec.keywordRoot >= 0 {
            let node = m.program.keywords.child(spec.keywordRoot, b)
            if node >= 0 { phase = .keyword; pos = node; return true }
        }
        if let s = spec.string, b == UInt8(ascii: "\"") {
            phase = .string
            string = StringState(start: s)
            return true
        }
        if let n = spec.number {
            var next = NumberState()
            guard next.take(b, n) else { return false }
            phase = .number
            number = next
            return true
        }
        return false
    }

    /// Ends the current scalar (or the `null` of an array) and moves to what follows it.
    mutating func finishValue(_ p: ConstraintProgram) {
        let op = p.ops[Int(pc)]
        jump(op.kind == .arrayOpen ? p.arrays[Int(op.a)].afterPC : pc + 1)
    }

    @inline(__always)
    mutating func jump(_ target: Int32) {
        pc = target
        phase = .start
        pos = 0
        string = StringState()
        number = NumberState()
    }
}
