import Foundation

/// One message of a conversation.
public struct ChatMessage: Sendable, Equatable {
    /// "system", "user" or "assistant".
    public let role: String
    public let content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A ChatML chat template (`<|im_start|>role\ncontent<|im_end|>\n`, as SmolLM2 and Qwen 2 ship),
/// recognised in a model's Jinja template rather than interpreted: the template may print
/// nothing but the message line, an optional default system message (used when the
/// conversation does not start with one) and the assistant generation prompt.
struct ChatMLTemplate: Sendable, Equatable {
    /// The system message the template adds when the first message is not a system message.
    let defaultSystem: String?

    static let start = "<|im_start|>", end = "<|im_end|>"

    /// ChatML without a default system message (for models without a template).
    init() { defaultSystem = nil }

    /// Recognises `template`; nil when it is not a ChatML template this type renders exactly.
    init?(template: String) {
        guard let segments = JinjaSegment.parse(template) else { return nil }
        var system: String?
        var sawMessage = false
        var pending: [JinjaTerm] = []
        func flush() -> Bool {
            defer { pending.removeAll() }
            guard !pending.isEmpty else { return true }
            let terms = JinjaTerm.merged(pending)
            if terms == [.literal(Self.start), .variable("message.role"), .literal("\n"), .variable("message.content"), .literal(Self.end + "\n")] {
                sawMessage = true
                return true
            }
            guard terms.count == 1, case .literal(let text) = terms[0] else { return false }
            if text == Self.start + "assistant\n" { return true }
            let prefix = Self.start + "system\n", suffix = Self.end + "\n"
            if text.hasPrefix(prefix) && text.hasSuffix(suffix) && text.count >= prefix.count + suffix.count {
                let body = String(text.dropFirst(prefix.count).dropLast(suffix.count))
                system = body
                return !body.contains(Self.end)
            }
            return false
        }
        for segment in segments {
            switch segment {
            case .text:
                return nil
            case .expression(let source):
                guard let terms = JinjaTerm.parse(source) else { return nil }
                pending += terms
            case .statement(let source):
                guard flush() else { return nil }
                let keyword = source.split(separator: " ").first.map(String.init) ?? ""
                guard ["for", "endfor", "if", "elif", "else", "endif"].contains(keyword) else { return nil }
            }
        }
        guard flush(), sawMessage else { return nil }
        defaultSystem = system
    }

    /// The prompt for `messages`.
    func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var out = ""
        for (i, message) in messages.enumerated() {
            if i == 0, message.role != "system", let defaultSystem {
                out += "\(Self.start)system\n\(defaultSystem)\(Self.end)\n"
            }
            out += "\(Self.start)\(message.role)\n\(message.content)\(Self.end)\n"
        }
        if addGenerationPrompt { out += "\(Self.start)assistant\n" }
        return out
    }
}

extension LanguageTokenizer {
    /// The prompt text for a conversation in the model's chat template, as llama-cpp-python's
    /// Jinja2 formatter renders it: `<|im_start|>role\ncontent<|im_end|>\n` per message, after the
    /// template's default system message when the first message is not a system message, then
    /// `<|im_start|>assistant\n` when `addGenerationPrompt`. A model without a template gets plain
    /// ChatML; `.invalidInput` names a template that is not ChatML.
    public func chatPrompt(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws(ModelError) -> String {
        guard let chatTemplate else { return ChatMLTemplate().render(messages, addGenerationPrompt: addGenerationPrompt) }
        guard let template = ChatMLTemplate(template: chatTemplate) else {
            let head = chatTemplate.prefix(80).replacingOccurrences(of: "\n", with: "\\n")
            throw .invalidInput("the model's chat template is not a ChatML template Quarry can render: \(head)…")
        }
        return template.render(messages, addGenerationPrompt: addGenerationPrompt)
    }
}
