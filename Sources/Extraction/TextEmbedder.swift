import Models
import Schema

/// Turns texts into unit-length vectors; the span extractor compares field descriptions with the
/// text around candidate values through it.
public protocol TextEmbedder: Sendable {
    /// Identifies the embedding model (stored with the extractor's version).
    var name: String { get }
    /// One unit vector per text, in order.
    func embed(_ texts: [String]) -> [[Float]]
}

extension SentenceEncoder: TextEmbedder {
    public func embed(_ texts: [String]) -> [[Float]] {
        let matrix = encode(texts, batchSize: 64)
        return (0..<matrix.rows).map(matrix.row)
    }
}
