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
    public let parsing: Ingestor.Parsing

    public init(pipeline: Pipeline, store: Store, parsing: Ingestor.Parsing = .inProcess) {
        self.pipeline = pipeline
        self.store = store
        self.parsing = parsing
    }

    public func run(progress: any ProgressReporter = SilentProgress()) throws(QuarryError) -> [StageResult] {
        var results: [StageResult] = []
        for stage in pipeline.stages {
            switch stage {
            case .ingest(let paths, let password):
                let ingestor = Ingestor(store: store, password: password, parsing: parsing)
                results.append(.ingest(try ingestor.ingest(paths, progress: progress)))
            }
        }
        return results
    }
}
