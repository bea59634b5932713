import Extraction
import Models
import Progress
import Schema
import Store
import Tuning

/// Runs a pipeline's stages in order against one store: `ingest` with `Ingestor`, `extract` with
/// `TableExtraction`, `tune` with `TuningRun`.
public struct PipelineRunner: Sendable {
    /// What one stage produced.
    public enum StageResult: Sendable {
        case ingest(IngestReport)
        case extract(ExtractReport)
        case tune(TuneReport)
    }

    public let pipeline: Pipeline
    public let store: Store
    public let parsing: Ingestor.Parsing
    /// Loads the sentence encoder the first time a stage needs it.
    public let encoder: @Sendable () throws(ModelError) -> SentenceEncoder

    public init(
        pipeline: Pipeline, store: Store, parsing: Ingestor.Parsing = .inProcess,
        encoder: @escaping @Sendable () throws(ModelError) -> SentenceEncoder = { () throws(ModelError) in try SentenceEncoder() }
    ) {
        self.pipeline = pipeline
        self.store = store
        self.parsing = parsing
        self.encoder = encoder
    }

    public func run(progress: any ProgressReporter = SilentProgress()) throws(QuarryError) -> [StageResult] {
        // A bad schema is reported before any stage does work.
        for stage in pipeline.stages {
            let schema: String? =
                switch stage {
                case .extract(let request): request.schemaPath
                case .tune(let request): request.schemaPath
                case .ingest: nil
                }
            if let schema { do { _ = try Schema.load(schema) } catch { throw .schema(error) } }
        }
        var loaded: SentenceEncoder?
        func model() throws(QuarryError) -> SentenceEncoder {
            if let loaded { return loaded }
            let made: SentenceEncoder
            do { made = try encoder() } catch { throw .model(error) }
            loaded = made
            return made
        }
        var results: [StageResult] = []
        for stage in pipeline.stages {
            switch stage {
            case .ingest(let paths, let password, let embed):
                let ingestor = Ingestor(store: store, password: password, parsing: parsing, encoder: embed ? try model() : nil)
                results.append(.ingest(try ingestor.ingest(paths, progress: progress)))
            case .extract(let request):
                let extraction = TableExtraction(store: store, parsing: parsing, encoder: try model())
                results.append(.extract(try extraction.run(request, progress: progress)))
            case .tune(let request):
                let tuning = TuningRun(store: store, parsing: parsing, encoder: try model())
                results.append(.tune(try tuning.run(request, progress: progress)))
            }
        }
        return results
    }
}
