import ArgumentParser
import QuarryKit

// The service layer's choices, parsed and listed in `--help` by ArgumentParser.
extension ExtractorKind: ExpressibleByArgument {}
extension DateReading: ExpressibleByArgument {}
extension TuneRequest.Promotion: ExpressibleByArgument {}
extension ListCredit: ExpressibleByArgument {}
extension AnswerMode: ExpressibleByArgument {}
extension Searcher.Mode: ExpressibleByArgument {}
