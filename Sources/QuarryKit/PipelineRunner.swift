import Store
import Reporting

/// Runs a pipeline's stages in order against one store.
public struct PipelineRunner: Sendable {
    /// What one stage produced.
    public enum StageResult: Sendable {
        case ingest(IngestReport)
    }

    public let pipeline: Pipeline
    public let store: Store

    public init(pipeline: Pipeline, store: Store) {
        self.pipeline = pipeline
        self.store = store
    }

    public func run(progress: any ProgressReporter = SilentProgress()) async throws(QuarryError) -> [StageResult] {
        var results: [StageResult] = []
        for stage in pipeline.stages {
            switch stage {
            case .ingest(let paths, let password):
                let ingestor = Ingestor(store: store, password: password)
                results.append(.ingest(try await ingestor.ingest(paths, progress: progress)))
            }
        }
        return results
    }
}
