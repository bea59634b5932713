internal import CPoppler
import Foundation
import Synchronization

/// Reads PDFs through poppler-glib: text per page in reading order, a box for every word,
/// page sizes and document metadata.
///
/// Poppler is not thread-safe across documents (its colour management crashes under concurrent
/// use), so reads in one process take turns; parallel ingest runs parse worker processes instead.
public enum PDFReader {
    private static let poppler = Mutex(())

    /// Parses `file`. Encrypted files open with the empty user password unless `password` is given.
    ///
    /// The file is opened by its path rather than from the mapped bytes: poppler 22.12 crashes when
    /// an in-memory document is opened with a password.
    public static func read(_ file: SourceFile, password: String? = nil) throws(DocumentError) -> Document {
        guard !file.bytes.isEmpty else { throw .invalidPDF(path: file.path, reason: "the file is empty") }
        let result: Result<Document, DocumentError> = poppler.withLock { _ in
            var error: UnsafeMutablePointer<GError>?
            guard let uri = g_filename_to_uri(file.path, nil, &error) else {
                return .failure(openError(error, path: file.path, passwordGiven: false))
            }
            defer { g_free(uri) }
            guard let doc = poppler_document_new_from_file(uri, password, &error) else {
                return .failure(openError(error, path: file.path, passwordGiven: password != nil))
            }
            defer { g_object_unref(UnsafeMutableRawPointer(doc)) }
            return .success(readDocument(doc))
        }
        return try result.get()
    }

    private static func openError(_ error: UnsafeMutablePointer<GError>?, path: String, passwordGiven: Bool) -> DocumentError {
        defer { if error != nil { g_error_free(error) } }
        guard let error else { return .invalidPDF(path: path, reason: "poppler could not open it") }
        if error.pointee.domain == poppler_error_quark(), error.pointee.code == gint(POPPLER_ERROR_ENCRYPTED.rawValue) {
            return passwordGiven ? .wrongPassword(path: path) : .passwordRequired(path: path)
        }
        return .invalidPDF(path: path, reason: String(cString: error.pointee.message))
    }

    private static func readDocument(_ doc: OpaquePointer) -> Document {
        let count = Int(poppler_document_get_n_pages(doc))
        var pages: [Page] = []
        pages.reserveCapacity(count)
        for index in 0..<count {
            guard let page = poppler_document_get_page(doc, gint(index)) else {
                pages.append(Page(number: index + 1, text: ""))
                continue
            }
            pages.append(readPage(page, number: index + 1))
            g_object_unref(UnsafeMutableRawPointer(page))
        }
        return Document(kind: .pdf, pages: pages, metadata: metadata(doc))
    }

    private static func readPage(_ page: OpaquePointer, number: Int) -> Page {
        var width = 0.0, height = 0.0
        poppler_page_get_size(page, &width, &height)
        let raw = take(poppler_page_get_text(page), trim: false) ?? ""
        var rects: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        guard poppler_page_get_text_layout(page, &rects, &count) != 0, let rects else {
            return Page(number: number, text: raw, width: width, height: height)
        }
        defer { g_free(rects) }
        let boxes = UnsafeBufferPointer(start: rects, count: Int(count)).map { r in
            Box(x0: Float(min(r.x1, r.x2)), y0: Float(min(r.y1, r.y2)), x1: Float(max(r.x1, r.x2)), y1: Float(max(r.y1, r.y2)))
        }
        let layout = PageLayout(text: raw, charBoxes: boxes)
        return Page(number: number, text: layout.text, width: width, height: height, words: layout.words)
    }

    private static func metadata(_ doc: OpaquePointer) -> DocumentMetadata {
        func date(_ t: time_t) -> Date? { t > 0 ? Date(timeIntervalSince1970: TimeInterval(t)) : nil }
        return DocumentMetadata(
            title: take(poppler_document_get_title(doc)),
            author: take(poppler_document_get_author(doc)),
            subject: take(poppler_document_get_subject(doc)),
            keywords: take(poppler_document_get_keywords(doc)),
            creator: take(poppler_document_get_creator(doc)),
            producer: take(poppler_document_get_producer(doc)),
            createdAt: date(poppler_document_get_creation_date(doc)),
            modifiedAt: date(poppler_document_get_modification_date(doc)),
            formatVersion: take(poppler_document_get_pdf_version_string(doc)))
    }

    /// Copies a glib-owned string and frees it; with `trim`, blank strings become nil.
    private static func take(_ s: UnsafeMutablePointer<gchar>?, trim: Bool = true) -> String? {
        guard let s else { return nil }
        defer { g_free(s) }
        guard trim else { return String(cString: s) }
        let value = String(cString: s).trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }
}
