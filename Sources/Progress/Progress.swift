/// A step of long-running work, reported to whoever watches (the CLI draws a bar).
public struct ProgressEvent: Sendable {
    /// What is being done, e.g. "ingest".
    public let task: String
    /// Units done so far and in all (`total` is nil when unknown).
    public let completed: Int
    public let total: Int?
    /// The item just finished, e.g. a file path.
    public let item: String?

    public init(task: String, completed: Int, total: Int?, item: String? = nil) {
        self.task = task; self.completed = completed; self.total = total; self.item = item
    }
}

/// Receives progress from library code. Libraries call it; the CLI renders it; tests ignore it.
public protocol ProgressReporter: Sendable {
    func report(_ event: ProgressEvent)
    /// A message about one item that the user should see even without a bar (a failure, a warning).
    func notice(_ message: String)
}

/// Discards everything.
public struct SilentProgress: ProgressReporter {
    public init() {}
    public func report(_ event: ProgressEvent) {}
    public func notice(_ message: String) {}
}
