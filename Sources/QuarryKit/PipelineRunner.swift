import Store
import Models
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
    /// Loads the sentence encoder the first time a stage needs it.
    public let encoder: @Sendable () throws(ModelError) -> SentenceEncoder

    public init(pipeline: Pipeline, store: Store, parsing: Ingestor.Parsing = .inProcess,
                encoder: @escaping @Sendable () throws(ModelError) -> SentenceEncoder = { () throws(ModelError) in try SentenceEncoder() }) {
        self.pipeline = pipeline
        self.store = store
        self.parsing = parsing
        self.encoder = encoder
    }

    public func run(progress: any ProgressReporter = SilentProgress()) throws(QuarryError) -> [StageResult] {
        var results: [StageResult] = []
        for stage in pipeline.stages {
            switch stage {
            case .ingest(let paths, let password, let embed):
                var model: SentenceEncoder?
                if embed { do { model = try encoder() } catch { throw .model(error) } }
                let ingestor = Ingestor(store: store, password: password, parsing: parsing, encoder: model)
                results.append(.ingest(try ingestor.ingest(paths, progress: progress)))
            }
        }
        return results
    }
}
