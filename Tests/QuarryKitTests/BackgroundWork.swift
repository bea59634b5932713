import Foundation
import Models
import Synchronization

/// Other work for the length of a test body, as a full test run or another process brings: a
/// thread that keeps a core busy and, given an encoder, a thread that embeds texts with it back to
/// back over two threads of its own (so that it holds BLAS at one thread while it runs). Both are
/// stopped, and waited for, before `during` returns; neither runs past `limit` seconds whatever
/// happens to the body.
enum BackgroundWork {
    private final class Stop: Sendable {
        let flag = Atomic<Bool>(false)
        let deadline: UInt64
        init(after seconds: Double) { deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9) }
        var stopped: Bool { flag.load(ordering: .relaxed) || DispatchTime.now().uptimeNanoseconds >= deadline }
    }

    /// Texts of different lengths, so that each encode runs for a while.
    static let texts = (0..<32).map { "Line \($0) of a delivery note: " + String(repeating: "pallets of cement and sand, ", count: 1 + $0 % 9) }

    static func during<T>(encoder: SentenceEncoder? = nil, limit: Double = 300, _ body: () throws -> T) rethrows -> T {
        let stop = Stop(after: limit)
        let finished = DispatchGroup()
        finished.enter()
        Thread.detachNewThread {
            var x: UInt64 = 1
            while !stop.stopped {
                for _ in 0..<10_000 { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
            }
            withExtendedLifetime(x) {}
            finished.leave()
        }
        if let encoder {
            finished.enter()
            Thread.detachNewThread {
                while !stop.stopped { _ = encoder.encode(texts, batchSize: 64, threads: 2) }
                finished.leave()
            }
        }
        defer {
            stop.flag.store(true, ordering: .relaxed)
            finished.wait()
        }
        return try body()
    }
}
