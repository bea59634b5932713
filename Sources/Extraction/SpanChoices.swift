import Schema

extension FieldOptions {
    /// The options grouped by equal value, in order of first occurrence: the policy chooses
    /// between values, not between the places a value occurs. A name the document repeats in
    /// every paragraph is one answer, not thirty chances to be sampled; otherwise sampling would
    /// favour repeated words (a defined term such as `Company`) far beyond what decoding picks,
    /// and judges that count agreement between samples would reward them.
    mutating func groupByValue() {
        var index: [Value: Int] = [:]
        groups = []
        group = values.enumerated().map { i, value in
            if let g = index[value] { groups[g].append(i); return g }
            index[value] = groups.count
            groups.append([i])
            return groups.count - 1
        }
    }

    /// Each value's best-scoring occurrence (the first of equals), in order of first occurrence:
    /// the options the policy's probabilities are over. Which occurrence is best depends on the
    /// weights, so a decision stands for its value (`group`), never for the occurrence: a list's
    /// decisions are each value's first occurrence (`groups[g][0]`), the same under any weights,
    /// and its evidence quotes the best one.
    func representatives(_ scores: [Double]) -> [Int] {
        groups.map { g in g.max { scores[$0] < scores[$1] }! }
    }

    /// The values (groups) that some decision stands for.
    func values(of decisions: [Int]) -> Set<Int> { Set(decisions.map { group[$0] }) }
}
