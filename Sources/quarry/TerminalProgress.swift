import Foundation
import QuarryKit
import Synchronization

/// Renders progress on stderr: a redrawn bar on a terminal, otherwise a plain line at most every
/// few seconds. Notices (failures, warnings) always get a line of their own.
final class TerminalProgress: ProgressReporter {
    private struct State {
        var lastPlain = Date.distantPast
        var barShown = false
    }

    private let state = Mutex(State())
    private let isTerminal: Bool
    private let showNotices: Bool

    init(showNotices: Bool = true) {
        self.isTerminal = Output.stderrIsTerminal
        self.showNotices = showNotices
    }

    func report(_ event: ProgressEvent) {
        state.withLock { s in
            let finished = event.total.map { event.completed >= $0 } ?? false
            if isTerminal {
                write("\r\u{1B}[K" + Self.bar(event))
                s.barShown = !finished
                if finished { write("\n") }
            } else if finished || Date().timeIntervalSince(s.lastPlain) >= 2 {
                s.lastPlain = Date()
                write(Self.counts(event) + "\n")
            }
        }
    }

    func notice(_ message: String) {
        guard showNotices else { return }
        state.withLock { s in
            if s.barShown { write("\r\u{1B}[K") }
            write(message + "\n")
        }
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    static func counts(_ e: ProgressEvent) -> String {
        guard let total = e.total, total > 0 else { return "\(e.task): \(e.completed)" }
        return "\(e.task): \(e.completed)/\(total) (\(e.completed * 100 / total)%)"
    }

    static func bar(_ e: ProgressEvent, width: Int = 30) -> String {
        guard let total = e.total, total > 0 else { return counts(e) }
        let filled = min(width, e.completed * width / total)
        let item = e.item.map { " " + Output.clip(($0 as NSString).lastPathComponent, 40) } ?? ""
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + counts(e) + item
    }
}
