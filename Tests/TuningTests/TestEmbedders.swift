import Extraction
import Foundation
import Models
import Schema
import Synchronization

/// A deterministic embedder for tests that need no model: hashed counts of lower-case words with
/// a final `s` dropped, normalised. It counts the texts it embeds.
final class HashingEmbedder: TextEmbedder {
    let name = "hashing-test"
    private let embedded = Mutex(0)

    /// How many texts it has embedded.
    var texts: Int { embedded.withLock { $0 } }

    func embed(_ texts: [String]) -> [[Float]] {
        embedded.withLock { $0 += texts.count }
        return texts.map { text in
            var v = [Float](repeating: 0, count: 256)
            for raw in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                let word = raw.count > 3 && raw.hasSuffix("s") ? raw.dropLast() : raw
                var h: UInt64 = 1_469_598_103_934_665_603
                for b in word.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
                v[Int(h % 256)] += 1
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? v.map { $0 / norm } : v
        }
    }
}

/// The hashing embedder with one synonym: `secrecy` reads as `confidentiality`.
struct SynonymEmbedder: TextEmbedder {
    let name = "synonym-test"
    func embed(_ texts: [String]) -> [[Float]] {
        HashingEmbedder().embed(texts.map { $0.lowercased().replacingOccurrences(of: "secrecy", with: "confidentiality") })
    }
}
