import Documents
import Schema
import Store

/// The order the database's documents agree on for ambiguous numeric dates (`09/01/2019`): each
/// document votes for the order its own unambiguous dates say (`25/12/2018` → day first), and
/// the majority decides; month first when no document says. Extractors use it for the documents
/// whose own dates do not settle the order, so one collection is read one way.
enum CollectionDates {
    /// How many documents vote at most, spread evenly over the database.
    static let sample = 200

    static func order(in store: Store) throws(QuarryError) -> DateOrder {
        let records: [DocumentRecord]
        do { records = try store.documents().filter { $0.status != .failed && $0.pageCount > 0 } } catch { throw .store(error) }
        let step = max(1, records.count / sample)
        var votes = DateVotes()
        for record in stride(from: 0, to: records.count, by: step).prefix(sample).map({ records[$0] }) {
            let pages: [Page]
            do { pages = try store.pages(documentID: record.id) } catch { throw .store(error) }
            switch ValueParser.dateVotes(ofText: pages.map(\.text).joined(separator: "\n")).order {
            case .dayFirst?: votes.dayFirst += 1
            case .monthFirst?: votes.monthFirst += 1
            case nil: break
            }
        }
        return votes.order ?? .monthFirst
    }
}
