import Schema

extension GroundingText {
    /// Whether a grounded value that has read `scalars` scalars and reached `state` by reading `c`
    /// can still be finished: it ends here (not on ASCII whitespace), or the document goes on to a
    /// character that is not, within `maxLength` (-1: none).
    @inline(__always)
    func isLive(_ state: Int32, after c: UInt32, scalars: Int32, maxLength: Int32) -> Bool {
        let space = Whitespace.isASCII(c)
        if scalars == 0 && space { return false }
        let n = scalars + 1
        if maxLength >= 0 && n > maxLength { return false }
        if !space { return true }
        let more = scalarsToEnd[Int(state)]
        return more != Int32.max && (maxLength < 0 || n + more <= maxLength)
    }

    /// Whether the document continues after `state` with a scalar in `range` that keeps the value
    /// live (see `isLive`).
    func canContinue(_ state: Int32, scalars: Int32, maxLength: Int32, with range: ClosedRange<UInt32>) -> Bool {
        for e in Int(edgeStart[Int(state)])..<Int(edgeStart[Int(state) + 1]) {
            let b = edgeByte[e], target = edgeTarget[e]
            if b < 0x80 {
                if range.contains(UInt32(b)) && isLive(target, after: UInt32(b), scalars: scalars, maxLength: maxLength) { return true }
            } else if let (need, bits) = UTF8Partial.lead(b) {
                let p = UTF8Partial(need: need, length: need + 1, value: bits)
                if let r = p.range, r.overlaps(range),
                    continues(target, p, scalars: scalars, maxLength: maxLength, range: range)
                {
                    return true
                }
            }
        }
        return false
    }

    private func continues(_ state: Int32, _ partial: UTF8Partial, scalars: Int32, maxLength: Int32, range: ClosedRange<UInt32>) -> Bool {
        for e in Int(edgeStart[Int(state)])..<Int(edgeStart[Int(state) + 1]) {
            var p = partial
            guard p.add(edgeByte[e]), let r = p.range, r.overlaps(range) else { continue }
            if p.need == 0 {
                if isLive(edgeTarget[e], after: p.value, scalars: scalars, maxLength: maxLength) { return true }
            } else if continues(edgeTarget[e], p, scalars: scalars, maxLength: maxLength, range: range) {
                return true
            }
        }
        return false
    }
}
