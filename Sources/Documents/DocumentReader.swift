/// Reads any supported file into a `Document`, choosing the reader by the file's kind.
public enum DocumentReader {
    public static func read(_ file: SourceFile, password: String? = nil) throws(DocumentError) -> Document {
        switch try file.detectKind() {
        case .pdf: try PDFReader.read(file, password: password)
        case .text: TextReader.read(file, kind: .text)
        case .markdown: TextReader.read(file, kind: .markdown)
        }
    }
}
